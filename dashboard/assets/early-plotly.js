// On a page that opens with a chart, start plotly.js at once instead of after
// the first callback (the index page then carries a preload hint for it, see
// dashboard/app.py). Dash's Graph loads plotly.js itself only when
// window.Plotly is empty, and otherwise waits on whatever window.Plotly is:
// until the script has run, window.Plotly is a promise-like placeholder that
// settles when it has, and plotly.js then replaces it with itself. So the
// browser runs plotly.js while it waits for the page's layout and data, and
// never runs it twice.
(function () {
  var hint = document.querySelector('link[rel="preload"][as="script"][href$="/plotly.min.js"]');
  if (!hint || window.Plotly) { return; }
  var script = document.createElement("script");
  var ready = new Promise(function (resolve, reject) {
    script.onload = function () { resolve(window.Plotly); };
    script.onerror = function () { reject(new Error("plotly.js could not be loaded")); };
  });
  window.Plotly = {then: function (done, failed) { return ready.then(done, failed); }};
  script.src = hint.href;
  script.async = true;
  document.head.appendChild(script);
})();
