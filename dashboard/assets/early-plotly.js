// Which plotly.js the charts get, and when it starts.
//
// Dash's Graph uses window.Plotly when it is set and otherwise loads the stock
// plotly.js (4.8 MB, every trace type). Every page names the project's own
// build in <meta name="plotly-js"> (only the trace types the figures draw,
// built from bundle/ by `make plotly-bundle`), and this script sets
// window.Plotly to a promise-like placeholder for it: the build is fetched
// the first time a Graph asks, or at once on a page that opens with a chart
// (its index page carries a preload hint for the same address), so the
// browser runs plotly.js while the page waits for its layout and data. When
// the script has run, plotly.js replaces the placeholder with itself.
(function () {
  var named = document.querySelector('meta[name="plotly-js"]');
  if (!named || window.Plotly) { return; }
  var src = named.getAttribute("content");
  var ready = null;

  function load() {
    if (!ready) {
      ready = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = function () { ready = null; reject(new Error("plotly.js could not be loaded")); };
        script.src = src;
        script.async = true;
        document.head.appendChild(script);
      });
    }
    return ready;
  }

  window.Plotly = {then: function (done, failed) { return load().then(done, failed); }};
  if (document.querySelector('link[rel="preload"][as="script"][href="' + src + '"]')) { load(); }
})();
