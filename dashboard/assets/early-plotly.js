// Which plotly.js the charts get, when it starts, and in what order charts are drawn.
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
//
// Charts are drawn one per frame, in the order the page asks for them: a page
// with four charts shows its first as soon as that one is drawn, instead of
// after all four (each costs 150-350 ms on a cold page). The first request of
// a quiet moment is drawn at once; later ones wait for the browser to paint.
// A chart whose element has left the page by its turn is not drawn.
//
// While plotly.js draws, the chart's element is laid out as a closed box of
// its current size (content-visibility: hidden, contain-intrinsic-size) and
// shown again as soon as the draw returns, before the browser paints. Each
// text label plotly.js measures forces the browser to lay out the page, and
// the half-drawn chart inside that layout made the U4SSC wheel's 34 labels
// cost ~100 ms of its draw on a bare page (245 -> 140 ms; in the app its
// synchronous draw ~140 -> ~120 ms). The SVG is the same, attribute for
// attribute, on every figure the pages draw. Browsers without
// content-visibility draw as before.
//
// The part of a page after its first chart (layouts/static_tree.py Later) is
// built once that chart is on screen: window.dashboardCharts tells it when.
//
// A chart page's index carries its first screen (dashboard/first_paint.py) and
// loads plotly.js itself, before Dash's scripts: this script then finds
// plotly.js already run and takes it as it is. When Dash's copy of the page
// asks for its first chart, that chart takes the first screen's drawn
// picture over and the first screen goes in the same task (takeOverFirstChart:
// no frame shows both or neither); Dash's own draw replaces the picture after
// the next paint. Any chart drawn takes the first screen away too, and
// plotly.js failing to load hands it to first-paint.js's fallback.
(function () {
  var named = document.querySelector('meta[name="plotly-js"]');
  var loaded = window.Plotly && typeof window.Plotly.react === "function" && window.Plotly.version;
  if (!named || (window.Plotly && !loaded)) { return; }
  var src = named.getAttribute("content");
  var ready = null;

  function firstScreenDone() {
    if (window.dashboardFirstScreen) { window.dashboardFirstScreen.done(); }
  }

  // Dash's first draw of the chart the first screen shows: the drawn picture moves into Dash's element and the
  // first screen goes at once (Dash's page, its controls live, one draw sooner); Dash's own draw follows after
  // the next paint and replaces the picture in the same task, so no frame is without the chart. Only for the
  // same Graph (its id), and only once.
  function takeOverFirstChart(gd) {
    var screen = window.dashboardFirstScreen;
    if (!screen || !screen.drawn || screen.taken || !gd || gd.nodeType !== 1 || !gd.isConnected) { return null; }
    var root = document.getElementById("first-paint");
    var chart = root && root.querySelector("[data-first-paint-chart]");
    var graph = gd.parentNode;
    var name = chart && chart.getAttribute("data-first-paint-chart");
    if (!name || !graph || graph.id !== name || gd.firstChild) { return null; }
    var picture = chart.querySelector(".plot-container");
    if (!picture) { return null; }
    screen.taken = true;
    firstScreenDone();
    gd.appendChild(picture);
    return picture;
  }

  function closedWhileDrawn(react) {
    return function () {
      var gd = arguments[0];
      var el = typeof gd === "string" ? document.getElementById(gd) : gd;
      if (!el || el.nodeType !== 1 || !el.isConnected) { return react.apply(this, arguments); }
      var style = el.style;
      var before = [style.contentVisibility, style.containIntrinsicSize];
      // its size as it is now: plotly.js reads the same width and height as when the element is open
      style.containIntrinsicSize = el.offsetWidth + "px " + el.offsetHeight + "px";
      style.contentVisibility = "hidden";
      try {
        return react.apply(this, arguments);
      } finally {
        style.contentVisibility = before[0];
        style.containIntrinsicSize = before[1];
      }
    };
  }

  // What follows a page's first chart (the Later components of assets/static-tree.js) is drawn after it:
  // afterFirstChart(show) calls show once the next chart drawn is on screen, or after the next paint when a
  // chart was drawn a moment ago (a page drawn again after a control change can draw its chart in the same
  // task). It waits at most LATEST ms, and only SHORT ms while plotly.js itself is still on its way (on a slow
  // link the tables, which say what the charts show, are not held back for it); if plotly.js cannot be
  // loaded, not at all. It returns a function that cancels the wait (a Later that leaves the page).
  var LATEST = 3000, SHORT = 800;
  var charts = {running: false, lastDraw: -Infinity, waiting: []};

  function afterPaintDo(fn) {
    requestAnimationFrame(function () { setTimeout(fn, 0); });
  }

  function release() {
    var due = charts.waiting;
    charts.waiting = [];
    due.forEach(function (show) { show(); });
  }

  function drawn() {
    firstScreenDone();
    charts.lastDraw = performance.now();
    if (charts.waiting.length) { afterPaintDo(release); }
  }

  window.dashboardCharts = {
    capped: 0,  // how many waits ended at their limit instead of at a drawn chart (tests read it)
    afterFirstChart: function (show) {
      var done = false;
      var once = function () { if (!done) { done = true; show(); } };
      if (performance.now() - charts.lastDraw < 50) {
        afterPaintDo(once);
      } else {
        charts.waiting.push(once);
        setTimeout(function () {
          if (!done) { window.dashboardCharts.capped += 1; once(); }
        }, charts.running ? LATEST : SHORT);
      }
      return function () { done = true; };
    }
  };

  function pace(plotly) {
    charts.running = true;
    var draw = closedWhileDrawn(plotly.react);
    var waiting = [];
    var busy = false;

    function afterPaint() {
      requestAnimationFrame(function () { setTimeout(next, 0); });
    }

    function next() {
      var item = waiting.shift();
      if (!item) { busy = false; return; }
      afterPaint();
      var gd = item.args[0];
      if (item.picture && item.picture.parentNode) { item.picture.parentNode.removeChild(item.picture); }
      if (gd && gd.nodeType === 1 && !gd.isConnected) { item.resolve(gd); return; }
      try {
        Promise.resolve(draw.apply(plotly, item.args)).then(item.resolve, item.reject);
      } catch (err) {
        item.reject(err);
      } finally {
        drawn();
      }
    }

    plotly.react = function () {
      var args = Array.prototype.slice.call(arguments);
      var picture = takeOverFirstChart(args[0]);
      if (picture) {  // drawn first of all, after the next paint
        var idle = !busy;
        busy = true;
        return new Promise(function (resolve, reject) {
          waiting.unshift({args: args, resolve: resolve, reject: reject, picture: picture});
          if (idle) { afterPaint(); }
        });
      }
      if (!busy) {
        busy = true;
        afterPaint();
        try {
          return draw.apply(plotly, args);
        } finally {
          drawn();
        }
      }
      return new Promise(function (resolve, reject) {
        waiting.push({args: args, resolve: resolve, reject: reject});
      });
    };
    return plotly;
  }

  function load() {
    if (!ready) {
      ready = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.onload = function () { resolve(pace(window.Plotly)); };
        script.onerror = function () {
          ready = null;
          if (window.dashboardFirstScreen) { window.dashboardFirstScreen.failed(); }
          release();  // no chart will be drawn: what waits for one is drawn now
          reject(new Error("plotly.js could not be loaded"));
        };
        script.src = src;
        script.async = true;
        document.head.appendChild(script);
      });
    }
    return ready;
  }

  if (loaded) {
    ready = Promise.resolve(pace(window.Plotly));
    return;
  }
  window.Plotly = {then: function (done, failed) { return load().then(done, failed); }};
  if (document.querySelector('link[rel="preload"][as="script"][href="' + src + '"]')) { load(); }
})();
