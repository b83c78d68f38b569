"""fpg: the first page's content arrives with the first layout; the page router runs only on navigation."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from dashboard.first_page import router_request
from layouts.static_tree import thaw
from tests.conftest import LiveServer
from tests.layout_json import components


def _layout(client, referer: str | None) -> str:
    headers = {"Referer": referer} if referer else {}
    r = client.get("/_dash-layout", headers=headers)
    assert r.status_code == 200
    return r.get_data(as_text=True)


def _content(layout: dict):
    """The children of _pages_content in a layout tree."""
    for node in components(layout):
        if node.get("props", {}).get("id") == "_pages_content":
            return node["props"].get("children")
    raise AssertionError("no _pages_content in the layout")


def _router(client, path: str, search: str):
    r = client.post("/_dash-update-component", json=router_request(path, search))
    assert r.status_code == 200
    return thaw(r.get_json()["response"]["_pages_content"]["children"])


@pytest.mark.parametrize("path,search,marker", [("/finance", "?lang=en", "finance-pct-graph"),
                                                ("/indicators/ec-ict-ict-1c", "?lang=en", "EC: ICT: ICT: 1C"),
                                                ("/compare", "?municipality=3203,1103", "compare-"),
                                                ("/", "", "home-")])
def test_fpg001_the_layout_request_carries_the_page_it_was_asked_for(client, path, search, marker):
    body = _layout(client, f"http://localhost{path}{search}")
    assert marker in body
    layout = json.loads(body)
    assert f'"pathname": "{path}"' in json.dumps(layout) and f'"search": "{search}"' in json.dumps(layout)
    # exactly what Dash's router draws for that address (the same function with the same arguments)
    assert _content(layout) == _router(client, path, search)


@pytest.mark.parametrize("referer", [None, "http://evil.example/finance", "http://localhost/snapshot#top"])
def test_fpg002_without_a_usable_address_the_router_draws_the_page(client, referer):
    body = _layout(client, referer)
    assert "finance-pct-graph" not in body and "overview-wheel-graph" not in body
    assert _content(json.loads(body)) is None


def test_fpg003_an_unknown_address_gets_the_not_found_page(client):
    layout = json.loads(_layout(client, "http://localhost/no/such/page?lang=en"))
    assert _content(layout) == _router(client, "/no/such/page", "?lang=en")
    assert "not found" in json.dumps(_content(layout)).lower()


@pytest.mark.browser
@pytest.mark.parametrize("path,graph", [("/snapshot?lang=en", "#overview-wheel-graph"),
                                        ("/finance", "#finance-pct-graph"),
                                        ("/challenges/transport?lang=en", ".js-plotly-plot")])
def test_fpg004_a_cold_load_draws_the_first_chart_without_the_page_callback(live_server, page_factory, path, graph):
    page = page_factory()
    router_calls: list[str] = []

    def _request(req):
        if "/_dash-update-component" in req.url and "_pages_content" in (req.post_data or ""):
            router_calls.append(req.post_data or "")

    page.on("request", _request)
    page.goto(live_server.url + path)
    page.locator(graph).first.locator(".main-svg").first.wait_for(timeout=30000)
    expect(page.locator("h1").first).to_be_visible()
    assert router_calls == [], "the page callback ran on a cold load"
    # navigation inside the app (as dcc.Link does it) still goes through the router
    page.evaluate("() => { window.history.pushState({}, '', '/about?lang=en');"
                  " window.dispatchEvent(new CustomEvent('_dashprivate_pushstate')); }")
    expect(page).to_have_url(re.compile(r"/about"), timeout=20000)
    expect(page.locator("h1").first).to_contain_text("About", timeout=20000)
    assert len(router_calls) == 1


def _ids(tree) -> set[str]:
    found = set()
    for node in components(tree):
        ident = node.get("props", {}).get("id")
        if ident is not None:
            found.add(ident if isinstance(ident, str) else json.dumps(ident, sort_keys=True))
    return found


@pytest.mark.parametrize("path", ["/", "/snapshot", "/finance", "/compare", "/challenges/transport",
                                  "/indicators/ec-i-t-1c", "/data", "/about"])
def test_fpg005_opening_a_page_runs_no_callback(client, path):
    """Every callback whose inputs are all on the first layout waits for a change (prevent_initial_call): a cold
    load starts none of Dash's callback machinery, Dash's own title callback included (the first response carries
    the title)."""
    client.get(path)  # Dash registers its page callbacks at the first request
    on_page = _ids(json.loads(_layout(client, f"http://localhost{path}")))
    deps = client.get("/_dash-dependencies").get_json()
    assert any(d["output"] == "_pages_dummy.children" for d in deps)
    # the peer finder on /compare is its own server callback on purpose: the page is drawn first, the search after
    runs = []
    for dep in (d for d in deps if d["output"] != "peers-result.children"):
        inputs = [i["id"] if i["id"].startswith("{") else i["id"] for i in dep["inputs"]]
        present = all(i in on_page or (i.startswith("{") and '"ALL"' in i) for i in inputs)
        if present and not dep.get("prevent_initial_call"):
            runs.append(dep["output"])
    assert runs == [], f"{path}: these callbacks run when the page opens: {runs}"


@pytest.mark.browser
def test_fpg006_charts_are_drawn_one_at_a_time_in_page_order(live_server, page_factory):
    """/finance has four charts: the first is on screen before the others are drawn (each costs 150-350 ms on a
    cold page), the rest follow in page order; a chart page reached by navigation sets the document title."""
    page = page_factory()
    page.add_init_script("""
        window.__drawn = [];
        new MutationObserver(() => {
          const ids = [...document.querySelectorAll('.dash-graph')].filter(g => g.querySelector('.main-svg'))
            .map(g => g.id);
          if (ids.length && ids.join() !== (window.__drawn[window.__drawn.length - 1] || []).join()) {
            window.__drawn.push(ids);
          }
        }).observe(document, {subtree: true, childList: true});
    """)
    page.goto(live_server.url + "/finance?lang=en")
    page.wait_for_function("() => window.__drawn.length && window.__drawn[window.__drawn.length - 1].length >= 4",
                           timeout=30000)
    drawn = page.evaluate("() => window.__drawn")
    order = page.evaluate("() => [...document.querySelectorAll('.dash-graph')].map(g => g.id)")
    assert len(order) == 4
    assert drawn[0] == [order[0]], f"the first chart waited for others: {drawn}"
    assert [d[-1] for d in drawn] == order, drawn  # one more chart each time, in page order
    page.locator("a.nav-link[href^='/snapshot']").first.click()
    page.locator("#overview-wheel-graph .main-svg").first.wait_for(timeout=30000)
    expect(page).to_have_title(re.compile(r"snapshot", re.I), timeout=10000)


ORDER_JS = """
    window.__seen = [];
    new MutationObserver(() => {
      const seen = window.__seen;
      const note = (what, yes) => { if (yes && !seen.includes(what)) { seen.push(what); } };
      // Dash's page (a chart page's first screen, drawn before it, is not Dash's: fps tests)
      const dash = document.getElementById('react-entry-point');
      note('chart', !!dash.querySelector('.dash-graph .main-svg'));
      const graph = dash.querySelector('.dash-graph');
      note('table after the chart', !!graph && [...dash.querySelectorAll('#main-content table')].some(
        (t) => graph.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING));
      note('h1', !!dash.querySelector('#main-content h1'));
    }).observe(document, {subtree: true, childList: true});
"""


@pytest.mark.browser
@pytest.mark.parametrize("path,control,value", [("/snapshot?lang=en", "year", "2022"),
                                                ("/challenges/transport", None, None),
                                                ("/compare?municipality=3203,1103", None, None)])
def test_fpg007_the_first_chart_is_drawn_before_what_follows_it(live_server, page_factory, path, control, value):
    """A cold load draws the page's first chart before the tables below it are built; then the whole page is
    there, as the layout has it; the layout and Dash's callback list are asked for once (the index preloads
    them); and after a control change the page is complete again as soon as its chart is drawn."""
    page = page_factory()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url.split("?")[0].rsplit("/", 1)[-1]))
    page.add_init_script(ORDER_JS)
    page.goto(live_server.url + path)
    page.wait_for_selector("html:not([data-later]):not([data-first-paint])", state="attached", timeout=30000)
    page.locator(".dash-graph .main-svg").first.wait_for(timeout=30000)
    seen = page.evaluate("() => window.__seen")
    assert seen.index("h1") < seen.index("chart") < seen.index("table after the chart"), seen
    # the page as the layout has it: every table and chart
    ask = urllib.request.Request(live_server.url + "/_dash-layout", headers={"Referer": live_server.url + path})
    with urllib.request.urlopen(ask, timeout=30) as r:
        layout = json.loads(r.read())
    kinds = [n["type"] for n in components(layout)]
    expect(page.locator("#main-content table")).to_have_count(kinds.count("Table"))
    expect(page.locator(".dash-graph")).to_have_count(kinds.count("Graph"))
    assert asked.count("_dash-layout") == 1 and asked.count("_dash-dependencies") == 1, asked
    assert asked.count("async-graph.js") == 1, asked
    assert page.evaluate("() => window.dashboardCharts.capped") == 0
    if control:
        page.evaluate("() => { window.__seen = []; }")
        page.select_option(f"[id='{{\"param\":\"{control}\",\"type\":\"url-param\"}}']", value)
        expect(page.locator("#main-content h1")).to_contain_text(value, timeout=20000)
        page.wait_for_selector("html:not([data-later]):not([data-first-paint])", state="attached", timeout=20000)
        expect(page.locator("#main-content table")).to_have_count(kinds.count("Table"))
        # shown because the chart was drawn, not because the wait ran out
        assert page.evaluate("() => window.dashboardCharts.capped") == 0


@pytest.mark.browser
@pytest.mark.parametrize("path,lang", [("/snapshot", "nb"), ("/snapshot?municipality=3203&lang=en", "en")])
def test_fpg008_no_location_reports_a_change_when_a_page_opens(live_server, page_factory, path, lang):
    """Both dcc.Location components arrive holding the address the layout was asked for, so neither reports a
    change when it mounts: the clientside callback on the address (it writes the page language into
    #app-lang-sink and <html lang>) does not run on a cold load, which would draw parts of the page again
    before the first chart; it runs as soon as a control changes the address."""
    page = page_factory()
    page.goto(live_server.url + path)
    page.wait_for_selector("html:not([data-later]):not([data-first-paint])", state="attached", timeout=30000)
    page.locator(".dash-graph .main-svg").first.wait_for(timeout=30000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert page.locator("#app-lang-sink").text_content() == ""
    assert page.evaluate("() => document.documentElement.lang") == lang  # from the first response
    year = page.locator("[id='{\"param\":\"year\",\"type\":\"url-param\"}']")
    other = [v for v in year.evaluate("(s) => [...s.options].filter(o => !o.disabled).map(o => o.value)")
             if v != year.input_value()][0]
    year.select_option(other)
    expect(page.locator("#app-lang-sink")).to_have_text(lang, timeout=20000)
    assert page.evaluate("() => document.documentElement.lang") == lang


@pytest.mark.browser
def test_fpg009_a_proxy_that_cuts_the_referer_down_does_not_change_the_page(make_app, page_factory):
    """The layout request names its page in the Referer. A proxy in front that sets a stricter
    Referrer-Policy (here `origin`: the Referer cut down to the site's address) would have the first layout
    draw the home page for every address; the index page's own <meta name="referrer" content="same-origin">
    keeps the full address on requests to the site itself. A control change then keeps the path, the
    language and the #fragment."""
    app = make_app()
    inner = app.server.wsgi_app

    def origin_only(environ, start_response):
        def start(status, headers, exc_info=None):
            kept = [(k, v) for k, v in headers if k.lower() != "referrer-policy"]
            return start_response(status, [*kept, ("Referrer-Policy", "origin")], exc_info)
        return inner(environ, start)

    app.server.wsgi_app = origin_only
    with LiveServer(app) as srv:
        page = page_factory()
        page.goto(srv.url + "/snapshot?municipality=3203&lang=en#wheel-heading")
        expect(page.locator("#main-content h1")).to_have_text("Asker: U4SSC results 2023", timeout=20000)
        page.locator(".dash-graph .main-svg").first.wait_for(timeout=20000)
        year = page.locator("[id='{\"param\":\"year\",\"type\":\"url-param\"}']")
        year.select_option("2022")
        expect(page.locator("#main-content h1")).to_have_text("Asker: U4SSC results 2022", timeout=20000)
        url = page.evaluate("() => location.pathname + location.search + location.hash")
        assert url.startswith("/snapshot?") and url.endswith("#wheel-heading"), url
        assert "lang=en" in url and "municipality=3203" in url and "year=2022" in url, url


@pytest.mark.browser
@pytest.mark.parametrize("away", ["/about?lang=en", "/compare?lang=en"])
def test_fpg010_back_to_a_page_draws_that_page(live_server, page_factory, away):
    """The layout holds the page its Referer names: Back from another page must not reuse that page's layout
    from the browser's cache (it drew About's or Compare's page under /snapshot's address)."""
    r = urllib.request.urlopen(urllib.request.Request(live_server.url + "/_dash-layout",
                                                      headers={"Referer": live_server.url + "/snapshot"}), timeout=30)
    assert "Referer" in r.headers["Vary"]
    page = page_factory()
    page.goto(live_server.url + "/snapshot?lang=en")
    expect(page.locator("#main-content h1")).to_have_text("Asker: U4SSC results 2023", timeout=20000)
    page.goto(live_server.url + away)
    page.wait_for_selector("html:not([data-first-paint])", state="attached", timeout=20000)
    expect(page.locator("#main-content h1")).not_to_have_text("Asker: U4SSC results 2023", timeout=20000)
    page.go_back()
    page.wait_for_selector("html:not([data-first-paint])", state="attached", timeout=20000)
    expect(page.locator("#main-content h1")).to_have_text("Asker: U4SSC results 2023", timeout=20000)
    page.wait_for_timeout(1000)  # nothing draws another page over it
    expect(page.locator("#main-content h1")).to_have_text("Asker: U4SSC results 2023")
    assert page.url.endswith("/snapshot?lang=en")
