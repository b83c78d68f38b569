"""The project's plotly.js (bundle/): exactly the trace types the figures draw, the version the Python plotly ships,
and the file every chart page actually uses (a real browser)."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from plotly.offline import get_plotlyjs_version

from tests.layout_json import components
from tests.test_browser import ctl

ROOT = Path(__file__).resolve().parents[1]
TRACE_OF = {"Bar": "bar", "Scatter": "scatter", "Heatmap": "heatmap", "Sunburst": "sunburst", "Pie": "pie",
            "Box": "box", "Histogram": "histogram", "Scattergl": "scattergl", "Table": "table",
            "Treemap": "treemap", "Choropleth": "choropleth", "Indicator": "indicator", "Waterfall": "waterfall",
            "Funnel": "funnel", "Violin": "violin", "Sankey": "sankey", "Icicle": "icicle", "Contour": "contour"}


def used_trace_types() -> set[str]:
    """Every trace type a figure of the app can draw: the go.<Trace>(...) and px calls under layouts/ and callbacks/."""
    found = set()
    for path in [*ROOT.glob("layouts/*.py"), *ROOT.glob("callbacks/*.py"), *ROOT.glob("dashboard/*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "plotly.express" not in text, f"{path.name}: plotly.express may add trace types unseen here"
        for name in re.findall(r"\bgo\.([A-Z][A-Za-z]+)\(", text):
            if name in ("Figure", "Layout"):
                continue
            assert name in TRACE_OF, f"{path.name} uses go.{name}: add its trace type to TRACE_OF and bundle/"
            found.add(TRACE_OF[name])
        found |= set(re.findall(r"""["']type["']\s*:\s*["']([a-z]+)["']""", text)) & set(TRACE_OF.values())
    return found


def bundled_trace_types() -> set[str]:
    entry = (ROOT / "bundle" / "entry.js").read_text(encoding="utf-8")
    return {"scatter"} | set(re.findall(r'require\("plotly\.js/lib/([a-z]+)"\)', entry)) - {"core"}  # scatter is in the core


def test_bun001_the_bundle_holds_exactly_the_trace_types_the_figures_draw():
    used = used_trace_types()
    assert used >= {"bar", "scatter", "heatmap", "sunburst"}
    assert used == bundled_trace_types()


def test_bun002_the_bundle_is_built_from_the_plotly_js_the_python_plotly_ships():
    version = get_plotlyjs_version()
    pkg = json.loads((ROOT / "bundle" / "package.json").read_text())
    lock = json.loads((ROOT / "bundle" / "package-lock.json").read_text())
    assert pkg["devDependencies"]["plotly.js"] == version
    assert lock["packages"]["node_modules/plotly.js"]["version"] == version
    assert re.fullmatch(r"\d+\.\d+\.\d+", pkg["devDependencies"]["esbuild"])  # the bundler is pinned
    built = (ROOT / "dashboard" / "vendor" / "plotly-partial.min.js").read_text(encoding="utf-8")
    assert f'"{version}"' in built


@pytest.mark.browser
def test_bun003_chart_pages_draw_with_the_bundle_and_never_fetch_the_stock_file(live_server, page_factory):
    """Loaded by Chromium: the page fetches /vendor/plotly-<digest>.min.js, whose Plotly reports the Python
    plotly's plotly.js version and registers every trace type used; the stock file is never requested; every
    chart draws under the CSP with no console error (page_factory fails on one)."""
    page = page_factory(width=1280)
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    for path in ("/snapshot", "/compare", "/finance?lang=en"):
        fetched.clear()
        page.goto(live_server.url + path)
        page.wait_for_selector("#main-content h1", timeout=20000)
        page.locator(".dash-graph .main-svg").first.wait_for(timeout=20000)
        assert any(re.search(r"/vendor/plotly-[0-9a-f]{12}\.min\.js$", u) for u in fetched), path
        assert not any("plotly.min.js" in u and "_dash-component-suites" in u for u in fetched), path
    info = page.evaluate("() => ({version: Plotly.version, traces: Object.keys(Plotly.PlotSchema.get().traces)})")
    assert info["version"] == get_plotlyjs_version()
    assert set(info["traces"]) >= used_trace_types()
    # a page without a chart at first fetches plotly.js only when a chart appears (client-side navigation)
    fetched.clear()
    page.goto(live_server.url + "/about")
    page.wait_for_selector("#main-content h1", timeout=20000)
    assert not any("/vendor/plotly-" in u for u in fetched)
    page.locator("a.nav-link[href^='/finance']").first.click()
    page.locator(".dash-graph .main-svg").first.wait_for(timeout=20000)
    assert any("/vendor/plotly-" in u for u in fetched)


def test_bun004_a_stale_bundle_address_is_404_and_the_current_one_cached_for_a_year(client):
    from dashboard.app import plotly_bundle_url

    r = client.get("/" + plotly_bundle_url())
    assert r.status_code == 200 and "immutable" in r.headers["Cache-Control"]
    assert client.get("/vendor/plotly-000000000000.min.js").status_code == 404


PAGES_WITH_MARKUP = ("/", "/snapshot", "/challenges", "/challenges/transport", "/indicators", "/indicators/ec-i-t-1c",
                     "/compare", "/finance", "/data", "/about", "/about/accessibility", "/no/such/page")


def _classes_in(tree, found: set[str]) -> set[str]:
    for node in components(tree):
        name = node.get("props", {}).get("className")
        if isinstance(name, str):
            found |= set(name.split())
    return found


def test_bun005_every_bootstrap_class_a_page_writes_is_in_the_trimmed_css(client):
    """dashboard/vendor/bootstrap.min.css keeps only the rules the markup uses (bundle/purge-bootstrap.mjs): a page
    that starts using another Bootstrap class fails here until `make plotly-bundle` has run again."""
    bootstrap = set((ROOT / "bundle" / "bootstrap-classes.txt").read_text(encoding="utf-8").split())
    css = (ROOT / "dashboard" / "vendor" / "bootstrap.min.css").read_text(encoding="utf-8")
    assert len(css) < 120_000 and css.startswith('@charset "UTF-8";/*!\n * Bootstrap  v5.3.8')  # licence kept
    used: set[str] = set()
    for path in PAGES_WITH_MARKUP:
        for lang in ("nb", "en"):
            layout = client.get("/_dash-layout", headers={"Referer": f"http://localhost{path}?lang={lang}"})
            _classes_in(layout.get_json(), used)
    missing = sorted(c for c in used & bootstrap if not re.search(r"(^|[{},])\." + re.escape(c) + r"(?![\w-])", css))
    assert not missing, f"Bootstrap classes written by pages but trimmed away: {missing}"
    assert len(used & bootstrap) >= 15  # the walk found the pages' markup


def test_bun006_the_babel_polyfill_gives_way_to_the_regenerator_runtime(client):
    """Dash's first script, the whole Babel polyfill, is not sent; the regenerator runtime Dash's scripts call
    (regeneratorRuntime.mark) comes first instead, from the project's own file."""
    html = client.get("/snapshot").get_data(as_text=True)
    assert "polyfill" not in html
    # Dash's scripts (a chart page loads plotly.js and draws its first screen before them: dashboard/first_paint.py)
    scripts = re.findall(r'<script src="([^"]+)"', html.split("<footer>", 1)[1])
    assert re.fullmatch(r"/vendor/regenerator-runtime-[0-9a-f]{12}\.min\.js", scripts[0])
    assert scripts.index(scripts[0]) < next(i for i, s in enumerate(scripts) if "dash_renderer" in s)
    body = client.get(scripts[0])
    assert body.status_code == 200 and b"regeneratorRuntime" in body.data and b"MIT" in body.data[:200]


@pytest.mark.browser
def test_bun007_dash_boots_without_the_polyfill(live_server, page_factory):
    """In Chromium: the runtime is there before Dash's lazy Graph needs it, and a chart page draws with no error."""
    page = page_factory()
    page.goto(live_server.url + "/finance?lang=en")
    page.locator("#finance-pct-graph .main-svg").first.wait_for(timeout=30000)
    assert page.evaluate("() => typeof regeneratorRuntime.mark") == "function"
    assert page.evaluate("() => typeof window._babelPolyfill") == "undefined"


def test_bun008_charts_are_drawn_closed_and_shown_with_their_labels_where_an_open_draw_puts_them(live_server,
                                                                                                page_factory):
    """In Chromium: each chart is drawn while its box is closed (content-visibility: hidden, which spares the
    browser a page layout per measured label) and is open again when drawn: on /snapshot, after a year change
    and on /finance every chart is visible with its SVG at full size; the wheel's labels and the score bars'
    texts sit exactly where plotly.js puts them in an open box (the same figure drawn again beside it)."""
    page = page_factory(width=1280)
    # a chart opened again after its draw: its style attribute changed from one that held content-visibility: hidden
    page.add_init_script("""window.__closed = 0; new MutationObserver(ms => { for (const m of ms) {
        if (m.target.classList && m.target.classList.contains('js-plotly-plot')
            && (m.oldValue || '').includes('content-visibility: hidden')) window.__closed++; } })
        .observe(document, {subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ['style']});""")
    open_js = """() => [...document.querySelectorAll('.js-plotly-plot')].map(g => {
        const svg = g.querySelector('.main-svg'); const r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
        return {cv: getComputedStyle(g).contentVisibility, cis: g.style.containIntrinsicSize,
                w: r.width, h: r.height, gw: g.clientWidth}; })"""
    same_js = """async () => {
        const out = [];
        for (const g of document.querySelectorAll('.js-plotly-plot')) {
            const texts = el => [...el.querySelectorAll('text.slicetext, text.bartext')]
                .map(t => t.textContent + '@' + t.getAttribute('transform'));
            const copy = document.createElement('div');
            copy.style.width = g.clientWidth + 'px'; copy.style.height = g.clientHeight + 'px';
            document.body.appendChild(copy);
            await Plotly.newPlot(copy, JSON.parse(JSON.stringify(g.data)), JSON.parse(JSON.stringify(g.layout)));
            out.push([texts(g), texts(copy)]);
            Plotly.purge(copy); copy.remove();
        }
        return out; }"""

    def check(expected_charts: int) -> None:
        expect(page.locator(".js-plotly-plot:has(.main-svg)")).to_have_count(expected_charts, timeout=20000)
        page.wait_for_function("n => window.__closed >= n", arg=expected_charts, timeout=20000)
        for g in page.evaluate(open_js):
            assert g["cv"] == "visible" and g["cis"] == "", g  # open again, no size left behind
            assert g["w"] >= g["gw"] - 1 and g["h"] > 100, g  # the SVG fills its box
        pairs = page.evaluate(same_js)
        assert any(drawn for drawn, _ in pairs)  # labels to compare
        for drawn, again in pairs:
            assert drawn == again

    page.goto(live_server.url + "/snapshot")
    check(2)
    page.evaluate("() => { window.__closed = 0; }")
    page.select_option(ctl("year"), "2022")
    expect(page.locator("#main-content h1")).to_contain_text("2022", timeout=20000)
    check(2)
    page.goto(live_server.url + "/finance?lang=en")
    check(4)
