"""fps: a chart page's first screen: the page down to its first chart in the index, drawn before Dash starts."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest
from playwright.sync_api import expect

from dashboard.first_paint import first_screen, script_json
from tests.layout_json import components

CHART_PAGES = ["/snapshot", "/snapshot?lang=en&year=2022", "/challenges/transport", "/indicators/ec-i-t-1c",
               "/compare?lang=en", "/finance"]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _screen(html: str) -> tuple[_Elements, dict]:
    m = re.search(r'<div id="first-paint" class="first-paint" inert>(.*?)</div>\n<script type="application/json" '
                  r'id="first-paint-figure">(.*?)</script>', html, re.S)
    assert m, "no first screen in the index"
    p = _Elements()
    p.feed(m.group(1))
    return p, json.loads(m.group(2))


def _graphs(client, url: str) -> list[dict]:
    r = client.get("/_dash-layout", headers={"Referer": "http://localhost" + url})
    return [n for n in components(r.get_json()) if n.get("type") == "Graph"]


@pytest.mark.parametrize("url", CHART_PAGES)
def test_fps001_a_chart_page_arrives_with_its_first_screen(client, url):
    """The index of a chart page holds the page down to its first chart (heading, controls with their values,
    the chart's figure: the same figure Dash's layout for that address draws), then plotly.js and the script
    that draws it; Dash's scripts wait in a template, so the browser neither fetches nor runs them before."""
    r = client.get(url)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert re.match(r'<!DOCTYPE html>\s*<html data-first-paint lang="(nb|en)">', html)
    screen, spec = _screen(html)
    first = _graphs(client, url)[0]["props"]
    assert spec["figure"]["data"] == first["figure"]["data"]
    assert spec["figure"]["layout"] == first["figure"]["layout"]
    assert spec["config"] == first["config"] == {"displayModeBar": False, "responsive": True}
    # the page above the chart: its heading and controls, none of the ids (they are Dash's copy's)
    assert [t for t, _ in screen.tags].count("h1") == 1
    assert not [a for _, a in screen.tags if "id" in a or "for" in a or "aria-describedby" in a]
    assert any(t == "div" and "data-first-paint-chart" in a for t, a in screen.tags)
    assert "table" not in [t for t, _ in screen.tags[:-1]] or url.startswith("/challenges")
    # Dash's scripts after the first screen's, inside the template; none outside it
    before, _, held = html.partition('<template id="dash-scripts">')
    assert held, "Dash's scripts are not held back"
    outside = re.findall(r'<script src="([^"]+)"', before)
    assert [re.sub(r"-[0-9a-f]{12}\.", ".", s) for s in outside] == ["/vendor/plotly.min.js"]
    assert "_dash-component-suites" in held and "new DashRenderer" in held.split("</template>")[0]
    # the script that draws it and starts Dash is inline (nothing can fail to load it), allowed by its hash alone
    inline = re.findall(r"<script>(.*?)</script>", before, re.S)
    assert len(inline) == 1 and "dashboardFirstScreen" in inline[0]
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    policy = r.headers["Content-Security-Policy"]
    assert f"'sha256-{digest}'" in policy and "unsafe-inline" not in policy.split("style-src")[0]


def test_fps002_the_controls_show_the_values_the_page_was_asked_for(client):
    html = client.get("/snapshot?lang=en&year=2021&municipality=1103").get_data(as_text=True)
    screen, _ = _screen(html)
    text = "".join(screen.text)
    assert "Stavanger: U4SSC results reported 2021" in text
    selected = [a.get("value") for t, a in screen.tags if t == "option" and "selected" in a]
    assert selected == ["1103", "2021"]
    assert "Illustrative" not in text  # Stavanger's values are published ones
    asker, _ = _screen(client.get("/snapshot?lang=en").get_data(as_text=True))
    assert "Illustrative figures" in "".join(asker.text)  # Asker's are illustrative: the banner is on the screen
    # a refused parameter: the notice that names it is on the first screen too
    refused, _ = _screen(client.get("/snapshot?year=abc").get_data(as_text=True))
    assert "Ugyldig verdi for «year»: «abc»" in "".join(refused.text)


@pytest.mark.parametrize("url", ["/", "/data", "/about", "/challenges", "/indicators", "/indicators/no-such-kpi"])
def test_fps003_other_pages_and_refused_addresses_have_no_first_screen(client, url):
    """A page without a chart, an unknown page and an address with a refused parameter are drawn by Dash alone,
    with its scripts as Dash writes them."""
    html = client.get(url).get_data(as_text=True)
    assert 'id="first-paint"' not in html and "data-first-paint" not in html
    assert '<template id="dash-scripts">' not in html
    assert re.search(r'<script src="[^"]*dash_renderer[^"]*"', html)


def test_fps004_off_by_setting(make_app):
    client = make_app(first_screen=False).server.test_client()
    html = client.get("/snapshot").get_data(as_text=True)
    assert 'id="first-paint"' not in html and '<template id="dash-scripts">' not in html


def _layout(*page) -> dict:
    return {"namespace": "dash_html_components", "type": "Div", "props": {"children": list(page)}}


def _graph(figure=None) -> dict:
    return {"namespace": "dash_core_components", "type": "Graph",
            "props": {"id": "g", "figure": figure or {"data": [], "layout": {}}, "config": {}}}


def test_fps005_text_is_text_and_what_it_cannot_draw_exactly_it_does_not_draw():
    """No markup from data: text and attribute values are escaped, the figure's JSON cannot end its script
    element; an unknown component, attribute or link before the first chart means no first screen."""
    evil = '</script><script>alert(1)</script><img src=x onerror=alert(2)>'
    tree = {"namespace": "dashboard_static", "type": "StaticTree",
            "props": {"tree": ["p", {"className": 'a" onclick="x', "title": evil}, evil, 3.0, ["b", {}, 1.5]],
                      "children": []}}
    html, spec = first_screen(_layout(tree, _graph({"data": [{"type": "bar", "name": evil}], "layout": {}})))
    assert "<script" not in html and "<img" not in html and 'onclick="' not in html
    assert "&lt;/script&gt;" in html and "3<b>1.5</b>" in html  # numbers as JavaScript writes them
    text = script_json(spec)
    assert "<" not in text and ">" not in text and json.loads(text)["figure"]["data"][0]["name"] == evil
    # drawn: nothing after the first chart
    html, _ = first_screen(_layout(_graph(), {"namespace": "dash_html_components", "type": "Table", "props": {}}))
    assert "table" not in html
    for bad in ({"namespace": "dash_core_components", "type": "Dropdown", "props": {"id": "d"}},
                {"namespace": "dash_html_components", "type": "A", "props": {"href": "javascript:alert(1)"}},
                {"namespace": "dash_html_components", "type": "Div", "props": {"onClick": "x"}},
                {"namespace": "dash_html_components", "type": "Script", "props": {"children": "alert(1)"}},
                {"namespace": "dash_bootstrap_components", "type": "Select", "props": {"id": "s", "style": {}}}):
        assert first_screen(_layout(bad, _graph())) is None, bad
    assert first_screen(_layout(tree)) is None  # no chart: nothing to draw early
    # an unknown component after the first chart does not matter: the screen ends there
    assert first_screen(_layout(_graph(), {"namespace": "x", "type": "Y", "props": {}})) is not None


BOXES_JS = """(root) => {
  const box = (sel) => { const e = root.querySelector(sel); if (!e) { return null; }
    const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].map(Math.round); };
  const first = root.querySelector('.js-plotly-plot');  // the page's first chart
  const labels = first ? [...first.querySelectorAll('.main-svg text')].map(t => t.textContent).filter(Boolean).sort()
    : [];
  return {boxes: ['header', 'h1', 'select', '.dash-graph', '.main-svg', '.illustrative-banner'].map(s => [s, box(s)]),
          labels: labels};
}"""

SWAP_JS = "window.__boxes = " + BOXES_JS + ";\n" + """
window.__fp = {};
new MutationObserver(() => {
  if (window.__fp.chart === undefined && document.querySelector('#first-paint .main-svg')) {
    window.__fp.chart = performance.now();
    window.__fp.dashThen = !!document.querySelector('#react-entry-point .main-svg');
  }
}).observe(document, {subtree: true, childList: true});
// the moment the first screen is taken away: where its parts are, and whether Dash's page is there
let screen;
Object.defineProperty(window, 'dashboardFirstScreen', {configurable: true, get() { return screen; }, set(v) {
  const done = v.done;
  v.done = function () {
    const fp = document.getElementById('first-paint');
    if (fp && !window.__fp.screen) {
      window.__fp.screen = window.__boxes(fp);
      window.__fp.dashPage = !!document.querySelector('#react-entry-point #main-content h1');
      window.__fp.swap = performance.now();
    }
    return done.apply(this, arguments);
  };
  screen = v;
}});
"""


@pytest.mark.browser
@pytest.mark.parametrize("url,width", [("/snapshot", 1280), ("/snapshot?lang=en", 390), ("/compare?lang=en", 1280),
                                       ("/finance", 390), ("/indicators/ec-i-t-1c?lang=en", 1280)])
def test_fps006_the_first_chart_is_on_screen_before_dash_starts_and_nothing_moves_when_dash_takes_over(
        live_server, page_factory, url, width):
    """In Chromium: the first screen's chart is drawn before any of Dash's scripts is asked for; the first screen
    goes when Dash's page is there (its chart takes the drawn picture over until its own draw), and every part of
    it (header, heading, controls, the chart and its labels) stands exactly where Dash's page has it: nothing
    moves. Then only Dash's page is left, its ids once each, no console error and no CSP violation (page_factory)."""
    page = page_factory(width=width)
    page.add_init_script(SWAP_JS)
    page.goto(live_server.url + url)
    page.wait_for_selector("html:not([data-first-paint]):not([data-later])", state="attached", timeout=30000)
    fp = page.evaluate("() => window.__fp")
    assert fp.get("chart") is not None, "the first screen's chart was never drawn"
    assert fp["dashThen"] is False
    dash_scripts = page.evaluate("() => performance.getEntriesByType('resource')"
                                 ".filter(r => r.name.includes('/_dash-component-suites/')).map(r => r.startTime)")
    assert dash_scripts and min(dash_scripts) > fp["chart"], (min(dash_scripts), fp["chart"])
    assert fp.get("screen") and fp["dashPage"], "the first screen went before Dash's page was there"
    assert page.evaluate("() => window.dashboardFirstScreen.taken") is True  # Dash's chart took the picture over
    page.locator("#react-entry-point .main-svg").first.wait_for()
    dash = page.evaluate(f"() => ({BOXES_JS})(document.getElementById('react-entry-point'))")
    for (sel, ours), (_, theirs) in zip(fp["screen"]["boxes"], dash["boxes"]):
        assert ours == theirs, (sel, ours, theirs)
        assert ours is not None or sel in ("select", ".illustrative-banner"), sel  # /finance has neither
    assert fp["screen"]["labels"] and fp["screen"]["labels"] == dash["labels"]
    assert fp["swap"] > fp["chart"]
    # only Dash's page now, its own chart drawn (a live plot: the picture was a static one)
    assert page.locator("#first-paint, #first-paint-figure").count() == 0
    expect(page.locator("#react-entry-point .dash-graph .plot-container")).to_have_count(
        page.locator("#react-entry-point .dash-graph").count())
    assert page.evaluate("() => !!document.querySelector('#react-entry-point .dash-graph .nsewdrag, "
                         "#react-entry-point .dash-graph .draglayer')")
    expect(page.locator("#main-content h1")).to_be_visible()
    dupes = page.evaluate("() => { const seen = {}; document.querySelectorAll('[id]').forEach(e => {"
                          " seen[e.id] = (seen[e.id] || 0) + 1; }); return Object.keys(seen).filter(k => seen[k] > 1); }")
    assert dupes == []
    asked = page.evaluate("() => performance.getEntriesByType('resource').map(r => r.name.split('?')[0])")
    assert len(asked) == len(set(asked)), "a script was asked for twice"


@pytest.mark.browser
def test_fps007_without_plotly_js_dash_still_starts(live_server, browser):
    """plotly.js cannot be loaded: the first screen has no chart, Dash starts anyway and its page replaces the
    first screen with every table (they say what the charts show)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = ctx.new_page()
        page.route(re.compile(r".*/vendor/plotly-[0-9a-f]+\.min\.js"), lambda route: route.abort())
        page.goto(live_server.url + "/snapshot?lang=en")
        page.wait_for_selector("html:not([data-first-paint])", state="attached", timeout=15000)
        expect(page.locator("#main-content h1")).to_have_text("Asker: U4SSC results 2023", timeout=15000)
        expect(page.locator("#first-paint")).to_have_count(0)
        expect(page.locator("#band-counts-table")).to_be_visible(timeout=15000)
    finally:
        ctx.close()


@pytest.mark.browser
@pytest.mark.parametrize("blocked", ["/_dash-component-suites/", "/_dash-layout"])
def test_fps009_the_first_screen_is_never_traded_for_a_loading_placeholder(live_server, browser, blocked):
    """Dash's scripts never arrive (a very slow or broken link): the first screen stays, not Dash's "Loading...".
    Dash's layout request fails: Dash's own error is shown at once, not a page that looks whole and is not."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = ctx.new_page()
        page.route(re.compile(".*" + re.escape(blocked) + ".*"),
                   lambda route: route.abort() if "suites" in blocked else route.fulfill(status=500, body="{}"))
        page.goto(live_server.url + "/snapshot?lang=en")
        if "suites" in blocked:
            page.locator("#first-paint .main-svg").first.wait_for(timeout=15000)
            page.wait_for_timeout(4000)
            assert page.evaluate("() => document.documentElement.hasAttribute('data-first-paint')")
            expect(page.locator("#first-paint h1")).to_be_visible()
            expect(page.get_by_text("Loading...")).not_to_be_visible()
        else:
            page.wait_for_selector("html:not([data-first-paint])", state="attached", timeout=5000)
            expect(page.locator("#first-paint")).to_have_count(0)
            expect(page.locator("#react-entry-point")).to_contain_text("rror", timeout=5000)
    finally:
        ctx.close()


@pytest.mark.browser
def test_fps008_a_control_works_after_the_first_screen(live_server, page_factory):
    """The page a user meets after the first screen is Dash's: a year change redraws it from the new address."""
    page = page_factory()
    page.goto(live_server.url + "/snapshot?lang=en")
    page.select_option("[id='{\"param\":\"year\",\"type\":\"url-param\"}']", "2022")
    expect(page.locator("#main-content h1")).to_have_text("Asker: U4SSC results 2022", timeout=20000)
    expect(page).to_have_url(re.compile(r"year=2022"))
    assert page.locator("#first-paint").count() == 0


def test_fps010_a_first_screen_costs_what_a_page_costs_and_failing_costs_nothing(make_app):
    """Only a page answered 200 is drawn for its first screen (an unknown KPI is not); first screens are kept
    apart from the data layer's cache and bounded, however many addresses are asked for; an error while drawing
    one means a page without it, never an error page."""
    app = make_app()
    server = app.server
    client = server.test_client()
    calls = []
    layout_at = server.config["DASHBOARD_LAYOUT_AT"]
    server.config["DASHBOARD_LAYOUT_AT"] = lambda address: calls.append(address) or layout_at(address)
    assert client.get("/indicators/no-such-kpi").status_code == 404
    assert calls == []
    screens = server.config["DASHBOARD_FIRST_SCREENS"]
    screens.max_items = 5
    cached = None
    for i in range(12):
        assert 'id="first-paint"' in client.get(f"/snapshot?junk={i}").get_data(as_text=True)
        cached = cached if cached is not None else len(server.config["DASHBOARD_REPO"].cache._data)
    assert len(screens._data) == 5 and len(calls) == 12
    assert len(server.config["DASHBOARD_REPO"].cache._data) == cached  # the data layer's answers stay
    client.get("/snapshot?junk=11")
    assert len(calls) == 12  # kept

    def broken(_address):
        raise RuntimeError("a bug")

    server.config["DASHBOARD_LAYOUT_AT"] = broken
    r = client.get("/snapshot?lang=en&year=2022")
    assert r.status_code == 200 and 'id="first-paint"' not in r.get_data(as_text=True)
    assert re.search(r'<script src="[^"]*dash_renderer[^"]*"', r.get_data(as_text=True))


@pytest.mark.browser
@pytest.mark.parametrize("plotly", ["blocked", "served"])
def test_fps011_an_answer_that_comes_before_the_lower_part_is_drawn_is_shown(live_server, browser, plotly):
    """/compare's peer search is answered as soon as the page is there; its block is drawn with the page
    (layouts/static_tree.py EAGER), so the answer shows even when it arrives before the part after the first
    chart is drawn (plotly.js blocked: that part waits ~1 s; before, the block kept saying it was searching)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        for _ in range(3):
            page = ctx.new_page()
            if plotly == "blocked":
                page.route(re.compile(r".*/vendor/plotly-[0-9a-f]+\.min\.js"), lambda route: route.abort())
            page.goto(live_server.url + "/compare?municipality=3203,1103")
            expect(page.locator("#peers-sentence")).to_be_visible(timeout=15000)
            page.wait_for_selector("html:not([data-later]):not([data-first-paint])", state="attached", timeout=15000)
            expect(page.locator("#peers-sentence")).to_be_visible()
            # the block after the tables it follows, as the layout has it
            assert page.evaluate("() => { const p = document.getElementById('peers');"
                                 " const t = [...document.querySelectorAll('#main-content table')].pop();"
                                 " return !!(t.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_FOLLOWING); }")
            page.close()
    finally:
        ctx.close()


def test_fps012_illustrative_values_are_labelled_in_the_year_over_year_table(client):
    """/compare's year-over-year table for Asker: every value is illustrative and says so at the value."""
    from dashboard.first_page import router_request
    from layouts.static_tree import thaw

    r = client.post("/_dash-update-component", json=router_request("/compare", "?lang=en"))
    page = thaw(r.get_json()["response"]["_pages_content"]["children"])
    table = next(n for n in components(page) if n.get("props", {}).get("id") == "yoy-table")
    cells = [n for n in components(table) if n.get("type") == "Td"]
    text = [json.dumps(c) for c in cells]
    assert len(cells) > 20 and all("Illustrative" in x for x in text), [x[:200] for x in text if "Illustrative" not in x][:3]
