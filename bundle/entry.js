// The dashboard's plotly.js: the core (which holds scatter) and the trace types its figures use.
// layouts/figures.py draws bar, scatter, heatmap and sunburst; tests/test_bundle.py fails when that changes.
var Plotly = require("plotly.js/lib/core");

Plotly.register([
  require("plotly.js/lib/bar"),
  require("plotly.js/lib/heatmap"),
  require("plotly.js/lib/sunburst"),
]);

module.exports = Plotly;
