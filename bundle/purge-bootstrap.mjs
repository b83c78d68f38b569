// Bootstrap's CSS with only the rules the dashboard's markup can use.
//
// The whole file is 232 KB; every rule in it is matched against every element
// of a page on each style pass, which cost a cold chart page 150-200 ms here.
// PurgeCSS keeps a rule when a class, id or tag in its selector appears as a
// word in the sources that write markup: the layouts and controllers (Python),
// the dashboard's scripts, and dash-bootstrap-components' own bundle (the
// classes its components write, such as navbar-toggler or form-select).
// Tags are listed below, since Python writes html.Table, not "table". Custom
// properties (--bs-*) are all kept. Run by `make plotly-bundle`, which passes
// DBC_JS; the result is committed, so `make run` needs no Node. It also writes
// bootstrap-classes.txt, the classes the whole file styles on their own (for the tests).
import { readFileSync, writeFileSync } from "node:fs";
import { PurgeCSS } from "purgecss";

const dbc = process.env.DBC_JS;
if (!dbc) {
  throw new Error("DBC_JS must name dash_bootstrap_components.min.js (make plotly-bundle sets it)");
}

const TAGS = `html body main header footer nav section article aside div span p a abbr b strong i em small
mark sub sup code kbd pre samp blockquote figure figcaption hr br img svg h1 h2 h3 h4 h5 h6 ul ol li dl dt dd
table caption thead tbody tfoot tr th td button input select option optgroup label fieldset legend textarea
output progress meter details summary dialog iframe address time template [hidden] [role] [type] [disabled]`;

const [result] = await new PurgeCSS().purge({
  content: ["../layouts/**/*.py", "../callbacks/**/*.py", "../dashboard/**/*.py", "../dashboard/assets/*.js",
            dbc, { raw: TAGS, extension: "html" }],
  css: ["node_modules/bootstrap/dist/css/bootstrap.min.css"],
  safelist: { standard: [/^:root$/, /^html$/, /^body$/] },
  variables: false,
  keyframes: true,
  fontFace: true,
});
writeFileSync("../dashboard/vendor/bootstrap.min.css", result.css);
// every class the whole Bootstrap styles on its own (a selector that starts with it, such as .table or
// .nav-link:hover, not only .nav-tabs .nav-item): tests/test_bundle.py checks that each one a page writes was kept
const full = readFileSync("node_modules/bootstrap/dist/css/bootstrap.min.css", "utf8").replace(/url\([^)]*\)/g, "");
const classes = [...new Set([...full.matchAll(/(?:^|[{},])\s*\.(-?[A-Za-z_][\w-]*)/g)].map((m) => m[1]))].sort();
writeFileSync("bootstrap-classes.txt", classes.join("\n") + "\n");
console.log(`bootstrap.min.css: ${result.css.length} bytes kept`);
