// The first screen of a chart page (dashboard/first_paint.py): its first chart drawn before Dash starts.
//
// The index page of a chart page holds the page down to its first chart as HTML, that chart's figure, then
// plotly.js and this script (inline, named in the Content-Security-Policy by its hash: nothing can fail to load
// it); Dash's own scripts wait in <template id="dash-scripts">, neither fetched nor run. This script draws the
// chart as soon as plotly.js has run, then, once the browser has painted it and the rest of the page has
// arrived, loads Dash's scripts in their order and starts Dash's renderer (measured side by side on /snapshot,
// Dash's scripts loading while plotly.js loads and draws delayed the chart by ~120 ms). Dash builds its own copy
// of the page out of sight (html[data-first-paint] in assets/style.css); assets/early-plotly.js takes the first
// screen away when that copy mounts its first chart (window.dashboardFirstScreen.done).
//
// Whatever fails (no plotly.js, a figure it cannot draw), Dash is started. The first screen is never traded for
// Dash's loading placeholder: it goes once Dash's copy shows something, at once when that is not a page (an
// error), and at the latest GRACE ms after Dash's page is there when no chart of it takes over.
(function () {
  var GRACE = 2000;
  var root = document.getElementById("first-paint");
  var source = document.getElementById("first-paint-figure");
  var started = false;

  function done() {
    if (root && root.parentNode) { root.parentNode.removeChild(root); }
    if (source && source.parentNode) { source.parentNode.removeChild(source); }
    document.documentElement.removeAttribute("data-first-paint");
  }

  function copy(script) {
    var el = document.createElement("script");
    for (var i = 0; i < script.attributes.length; i++) {
      el.setAttribute(script.attributes[i].name, script.attributes[i].value);
    }
    return el;
  }

  // Dash's scripts, as the index page would have run them: the external ones in order, then the inline one
  // that starts the renderer (its text is the one the Content-Security-Policy names by its hash)
  function startDash() {
    var held = document.getElementById("dash-scripts");
    if (!held && document.readyState === "loading") {  // the rest of the page has not arrived yet
      document.addEventListener("DOMContentLoaded", startDash);
      return;
    }
    if (started || !held || !held.content) { return; }
    started = true;
    var all = Array.prototype.slice.call(held.content.querySelectorAll("script"));
    var external = all.filter(function (s) { return s.hasAttribute("src"); });
    var inline = all.filter(function (s) { return !s.hasAttribute("src"); });
    function runInline() {
      inline.forEach(function (s) {
        var el = copy(s);
        el.text = s.text;
        document.body.appendChild(el);
      });
    }
    if (!external.length) { runInline(); return; }
    external.forEach(function (s, i) {
      var el = copy(s);
      el.async = false;  // run in document order, as the parser would have
      if (i === external.length - 1) { el.onload = runInline; el.onerror = runInline; }
      document.body.appendChild(el);
    });
  }

  function afterPaint() {
    requestAnimationFrame(function () { setTimeout(startDash, 0); });
    setTimeout(startDash, 100);  // a tab in the background paints no frame
  }

  // Dash's copy shows something other than its loading placeholder
  function dashShown() {
    var dash = document.getElementById("react-entry-point");
    return !dash || (dash.firstElementChild !== null && !dash.querySelector("._dash-loading"));
  }

  function whenDashShown(then) {
    var dash = document.getElementById("react-entry-point");
    if (dashShown()) { then(); return; }
    var watch = new MutationObserver(function () {
      if (dashShown()) { watch.disconnect(); then(); }
    });
    watch.observe(dash, {childList: true, subtree: true, attributes: true, characterData: true});
  }

  function whenDashIsThere() {
    whenDashShown(function () {
      var dash = document.getElementById("react-entry-point");
      if (dash && dash.querySelector("#main-content")) {
        setTimeout(done, GRACE);  // a page: its first chart takes over, or this
      } else {
        done();  // not a page (an error): show it
      }
    });
  }

  window.dashboardFirstScreen = {done: done, failed: function () { whenDashShown(done); }, drawn: false};
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", whenDashIsThere);
  } else {
    whenDashIsThere();
  }
  var target = root && root.querySelector("[data-first-paint-chart]");
  var plotly = window.Plotly;
  if (!target || !source || !plotly || typeof plotly.react !== "function") {
    startDash();
    return;
  }
  try {
    var spec = JSON.parse(source.textContent);
    var config = {};
    Object.keys(spec.config || {}).forEach(function (k) { config[k] = spec.config[k]; });
    config.staticPlot = true;  // a picture until Dash's copy takes over: no hover, no drag layers to build
    // laid out as a closed box of its size while plotly.js draws (see assets/early-plotly.js closedWhileDrawn)
    var style = target.style;
    style.containIntrinsicSize = target.offsetWidth + "px " + target.offsetHeight + "px";
    style.contentVisibility = "hidden";
    try {
      var drawing = plotly.react(target, {data: spec.figure.data, layout: spec.figure.layout, config: config});
      if (drawing && typeof drawing.then === "function") { drawing.then(null, window.dashboardFirstScreen.failed); }
      window.dashboardFirstScreen.drawn = true;
    } finally {
      style.contentVisibility = "";
      style.containIntrinsicSize = "";
    }
  } catch (err) {
    window.dashboardFirstScreen.failed();  // no picture: Dash's page replaces the first screen when it is there
  } finally {
    afterPaint();
  }
})();
