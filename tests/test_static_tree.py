"""stt: static markup goes out as one StaticTree per subtree and draws exactly what the html components drew."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from dash import dcc, html

from layouts import static_tree
from layouts.static_tree import StaticTree, freeze, thaw
from tests.conftest import LiveServer

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["/snapshot", "/compare?municipality=3203,1103", "/data", "/indicators/ec-ict-ict-1c?lang=en", "/finance",
         "/challenges/transport", "/"]
NO_EFFECT = {"disable_n_clicks", "n_clicks", "n_clicks_timestamp"}


def _layout(client, path: str) -> dict:
    r = client.get("/_dash-layout", headers={"Referer": f"http://localhost{path}"})
    assert r.status_code == 200
    return r.get_json()


def _count(tree) -> int:
    """Dash components in layout JSON as sent (a StaticTree counts once)."""
    if isinstance(tree, list):
        return sum(_count(x) for x in tree)
    if isinstance(tree, dict):
        own = 1 if "namespace" in tree and "type" in tree else 0
        props = tree.get("props", {}) if own else tree
        return own + sum(_count(v) for k, v in props.items() if k != "tree")
    return 0


def _norm(node):
    """Layout JSON with the differences that draw nothing removed: list-or-single children, props without effect."""
    if isinstance(node, list):
        out = []
        for x in node:
            x = _norm(x)
            out.extend(x if isinstance(x, list) else ([] if x is None else [x]))
        return out
    if isinstance(node, dict) and "namespace" in node:
        props = dict(node.get("props", {}))
        if node["namespace"] == "dash_html_components" and "id" not in props:
            props = {k: v for k, v in props.items() if k not in NO_EFFECT and v is not None}
        kids = props.pop("children", None)
        props = {k: _norm(v) for k, v in props.items()}
        props["children"] = _norm([kids])
        return {"namespace": node["namespace"], "type": node["type"], "props": props}
    return node


@pytest.mark.parametrize("path", PAGES)
def test_stt001_a_page_sends_few_components_and_the_same_markup(make_app, path):
    frozen = _layout(make_app().server.test_client(), path)
    plain = _layout(make_app(static_markup=False).server.test_client(), path)
    sent, drawn = _count(frozen), _count(plain)
    # the html components Dash would have drawn one by one, and what it draws now
    assert sent <= 150 and sent * 2 <= drawn, (path, sent, drawn)
    assert _norm(thaw(frozen)) == _norm(plain)
    assert len(json.dumps(frozen)) < len(json.dumps(plain))


def test_stt002_what_stays_a_dash_component():
    link = dcc.Link("Data", href="/data")
    tree = html.Div([
        html.H2("Tittel", id="section-title"),
        html.P(["Tekst ", html.Strong("sterk"), " ", 3, link], className="lead"),
        html.A("farlig", href="javascript:alert(1)"),
        html.A("annen vert", href="//evil.example/x"),
        html.Div("ukjent egenskap", contentEditable="true"),
        html.Script("alert(1)"),
        html.A("bakstrek", href="/\\evil.example"), html.A("linjeskift", href="/data\n"),
        html.Span("liste", **{"aria-x\n": "v"}), html.Span("verdi", title=["a", "b"]),
    ], className="wrap")
    before = json.dumps(tree.to_plotly_json(), default=lambda c: c.to_plotly_json(), sort_keys=True)
    out = freeze(tree)
    assert isinstance(out, StaticTree)
    assert out.tree[:2] == ["div", {"className": "wrap"}]
    slots = out.children
    # an element with an id, a dcc component, an unsafe link, an unknown attribute, an unlisted tag: all stay Dash
    kinds = [(type(s).__name__, getattr(s, "id", None)) for s in slots]
    assert kinds == [("H2", "section-title"), ("Link", None), ("A", None), ("A", None), ("Div", None),
                     ("Script", None), ("A", None), ("A", None), ("Span", None), ("Span", None)]
    assert out.tree[3] == ["p", {"className": "lead"}, "Tekst ", ["strong", {}, "sterk"], " ", 3, {"$": 1}]
    # the layout handed in is untouched (a cache may hold it)
    assert json.dumps(tree.to_plotly_json(), default=lambda c: c.to_plotly_json(), sort_keys=True) == before
    assert freeze(out) is out


def test_stt003_the_browser_side_allows_the_same_tags_and_attributes():
    js = (ROOT / "dashboard" / "assets" / "static-tree.js").read_text()

    def js_list(name):
        m = re.search(rf"var {name} = \[(.*?)\];", js, re.S)
        assert m, name
        return tuple(re.findall(r'"([^"]+)"', m.group(1)))

    assert js_list("TAGS") == static_tree.TAGS
    assert js_list("ATTRIBUTES") == static_tree.ATTRIBUTES
    safe_id = re.search(r"var SAFE_ID = /(.*?)/;", js)
    assert safe_id and safe_id.group(1) == f"^{static_tree.SAFE_ID.pattern}$"
    assert "dangerouslySetInnerHTML" not in js and "innerHTML" not in js


CANONICAL_DOM = """(sel) => {
  const walk = (n) => {
    if (n.nodeType === 3) return n.textContent;
    if (n.nodeType !== 1) return null;
    if (n.classList.contains('js-plotly-plot')) return ['plot'];
    const attrs = {};
    for (const a of [...n.attributes].sort((x, y) => x.name < y.name ? -1 : 1)) attrs[a.name] = a.value;
    const kids = [];
    let text = '';
    for (const c of n.childNodes) {
      const w = walk(c);
      if (typeof w === 'string') { text += w; continue; }
      if (text) { kids.push(text); text = ''; }
      if (w !== null) kids.push(w);
    }
    if (text) kids.push(text);
    return [n.tagName.toLowerCase(), attrs, kids];
  };
  return JSON.stringify(walk(document.querySelector(sel)));
}"""


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/snapshot?lang=en", "/compare?municipality=3203,1103", "/data",
                                  "/indicators/ec-ict-ict-1c"])
def test_stt004_the_page_in_the_browser_is_the_same_element_for_element(make_app, page_factory, path):
    doms = []
    for static in (True, False):
        with LiveServer(make_app(static_markup=static)) as srv:
            page = page_factory()
            page.goto(srv.url + path)
            page.locator("#main-content h1").wait_for()
            page.wait_for_load_state("networkidle")
            if page.locator(".js-plotly-plot").count() or "data" not in path:
                page.locator(".main-svg").first.wait_for()
            # the whole page, the part after the first chart and /compare's peer search (its own callback,
            # started once that part is drawn) included, before the two are compared
            page.wait_for_selector("html:not([data-later]):not([data-first-paint])", state="attached", timeout=20000)
            page.wait_for_function("() => !document.querySelector('#peers-result')"
                                   " || document.querySelector('#peers-sentence')", timeout=20000)
            page.wait_for_load_state("networkidle")
            # the print footer names the page's own address: the two servers differ only in their port
            doms.append(page.evaluate(CANONICAL_DOM, "#react-entry-point").replace(srv.url, "http://server"))
    assert doms[0] == doms[1]
    assert len(doms[0]) > 5000


@pytest.mark.browser
def test_stt005_a_crafted_tree_draws_text_and_allowed_attributes_only(live_server, page_factory):
    page = page_factory()
    page.goto(live_server.url + "/about")
    page.locator("#main-content h1").wait_for()
    trees = [
        ["div", {"className": "ok", "onClick": "alert(1)", "dangerouslySetInnerHTML": {"__html": "<b>x</b>"},
                 "aria-label": "merket", "style": {"color": "red"}},
         "<img src=x onerror=alert(1)>",
         ["script", {}, "alert(1)"],
         ["a", {"href": "javascript:alert(1)"}, "js"],
         ["a", {"href": "//evil.example/"}, "protocol-relative"],
         ["a", {"href": "/data?year=2024"}, "own"],
         ["iframe", {"src": "https://evil.example/"}],
         ["span", {"style": "color: red", "title": {"toString": "x"}}, 42],
         ["p", {"id": "own-id"}, "id"], ["p", {"id": "Plotly"}, "global"], ["p", {"id": "__proto__"}, "proto"],
         ["p", {"id": ["a-b"]}, "list"],
         {"$": 0}, {"$": 7}],
    ]
    html_out = page.evaluate("""(tree) => {
      const box = document.createElement('div');
      box.id = 'stt-box';
      document.body.appendChild(box);
      const el = React.createElement(window.dashboard_static.StaticTree, {tree: tree, children: ['slot text']});
      ReactDOM.flushSync(() => ReactDOM.createRoot(box).render(el));
      return box.innerHTML;
    }""", trees[0])
    assert html_out.startswith('<div class="ok" aria-label="merket" style="color: red;">')
    assert "onclick" not in html_out.lower() and "<b>" not in html_out and "<script" not in html_out
    assert "<iframe" not in html_out and "javascript:" not in html_out and "evil.example" not in html_out
    assert "&lt;img src=x onerror=alert(1)&gt;" in html_out
    assert '<a href="/data?year=2024">own</a>' in html_out
    assert "<a>js</a>" in html_out and "<a>protocol-relative</a>" in html_out
    assert "<span>42</span>" in html_out and "slot text" in html_out
    # an id only as lower-case words joined by hyphens: never one a script could take for a global
    assert '<p id="own-id">id</p>' in html_out
    assert "<p>global</p>" in html_out and "<p>proto</p>" in html_out and "<p>list</p>" in html_out


def test_stt006_a_layout_it_cannot_write_as_data_goes_out_as_html_components():
    from callbacks.common import as_sent

    odd = html.Div([html.P("tekst"), {"not": "a component"}])
    assert as_sent(odd) is odd
    assert isinstance(as_sent(html.Div([html.P("tekst")])), StaticTree)


def test_stt007_what_follows_the_first_chart_waits_for_it():
    """Inside #main-content, everything after the page's first chart goes into Later components, at every level
    on the way down to it; what comes before, the chart itself, and the frame around #main-content stay put."""
    from layouts.static_tree import Later, later_after_first_chart

    chart = dcc.Graph(id="first", figure={"data": []})
    second = dcc.Graph(id="second", figure={"data": []})
    page = html.Div([
        html.Header("topp"),
        html.Main([
            html.H1("Tittel"),
            html.Div([html.Div(chart, className="chart"), html.Table("tabell", id="t1")], className="chart-and-table"),
            html.H2("Mer"),
            html.Div(second),
        ], id="main-content"),
        html.Footer("bunn"),
    ])
    before = json.dumps(page.to_plotly_json(), default=lambda c: c.to_plotly_json(), sort_keys=True)
    out = later_after_first_chart(page)
    main = out.children[1]
    assert [type(c).__name__ for c in main.children] == ["H1", "Div", "Later"]
    assert [type(c).__name__ for c in main.children[2].children] == ["H2", "Div"]
    block = main.children[1]
    assert [type(c).__name__ for c in block.children] == ["Div", "Later"]
    assert block.children[0].children[0] is chart and block.children[1].children[0].id == "t1"
    # outside #main-content nothing waits: the footer is where it was
    assert [type(c).__name__ for c in out.children] == ["Header", "Main", "Footer"]
    assert isinstance(main.children[2], Later)
    # the layout handed in is untouched (a cache may hold it)
    assert json.dumps(page.to_plotly_json(), default=lambda c: c.to_plotly_json(), sort_keys=True) == before
    # sent as data and written back out, it is the page it was
    sent = json.loads(json.dumps(freeze(out), default=lambda c: c.to_plotly_json()))
    plain = json.loads(json.dumps(page, default=lambda c: c.to_plotly_json()))
    assert _norm(thaw(sent)) == _norm(plain)
    # a component that reads its own children (tabs) is not split inside: what follows it waits
    tabs = html.Div(html.Main([html.H1("T"), dcc.Tabs([dcc.Tab(dcc.Graph(id="g"), label="a"),
                                                      dcc.Tab(html.P("b"), label="b")]), html.P("etter")],
                              id="main-content"))
    main = later_after_first_chart(tabs).children[0]
    assert [type(c).__name__ for c in main.children] == ["H1", "Tabs", "Later"]
    assert [type(c).__name__ for c in main.children[1].children] == ["Tab", "Tab"]
    # no chart in #main-content: the page comes back as it was
    text_only = html.Div(html.Main([html.H1("Om"), html.P("tekst")], id="main-content"))
    assert later_after_first_chart(text_only) is text_only


@pytest.mark.parametrize("path", ["/snapshot", "/compare?municipality=3203,1103", "/finance", "/challenges/transport",
                                  "/indicators/ec-ict-ict-1c?lang=en"])
def test_stt008_every_chart_page_sends_its_lower_part_in_later(make_app, path):
    sent = _layout(make_app().server.test_client(), path)
    text = json.dumps(sent)
    assert '"type": "Later"' in text, path
    # the first Graph in the page comes before every Later
    assert text.index('"type": "Graph"') < text.index('"type": "Later"'), path


def test_stt009_an_id_no_callback_uses_goes_out_as_markup():
    """With the ids the callbacks use known, an element whose id nothing but the page reads (an aria target, a
    heading) is drawn from the tree with its id; a callback's id, an id that could name a JavaScript global and a
    pattern-matching id stay Dash components. Written back out it is the same element."""
    keep = frozenset({"app-lang-sink"})
    tree = html.Div([
        html.H2("Tittel", id="section-title"),
        html.P("Setning", id="wheel-sentence", className="chart-sentence"),
        html.Div(id="app-lang-sink", hidden=True),
        html.Div("global", id="Plotly"), html.Div("ett ord", id="banner"), html.Div("understrek", id="_pages_x"),
        html.Div("stor bokstav", id="Wheel-x"), html.Div("mønster", id={"type": "row", "index": 1}),
    ])
    out = freeze(tree, keep)
    assert isinstance(out, StaticTree)
    assert out.tree[2] == ["h2", {"id": "section-title"}, "Tittel"]
    assert out.tree[3] == ["p", {"id": "wheel-sentence", "className": "chart-sentence"}, "Setning"]
    kept = [getattr(s, "id", None) for s in out.children]
    assert kept == ["app-lang-sink", "Plotly", "banner", "_pages_x", "Wheel-x", {"type": "row", "index": 1}]
    back = thaw(json.loads(json.dumps(out, default=lambda c: c.to_plotly_json())))
    assert back["props"]["children"][1] == {"namespace": "dash_html_components", "type": "P",
                                            "props": {"id": "wheel-sentence", "className": "chart-sentence",
                                                      "children": "Setning"}}
    # without the callbacks' ids every element with an id stays a Dash component, as before
    assert [getattr(s, "id", None) for s in freeze(tree).children][:2] == ["section-title", "wheel-sentence"]


def _component_ids(node) -> set:
    """The string ids of the Dash components in layout JSON (not of elements inside a StaticTree's tree)."""
    found: set = set()
    if isinstance(node, dict):
        if "namespace" in node and isinstance(node.get("props", {}).get("id"), str):
            found.add(node["props"]["id"])
        for k, v in node.items():
            if k != "tree":
                found |= _component_ids(v)
    elif isinstance(node, list):
        for v in node:
            found |= _component_ids(v)
    return found


def test_stt010_the_app_keeps_every_id_its_callbacks_use(make_app):
    """The ids recorded at start-up hold every input, state and output of every callback, Dash's page router
    included; a page sent to the browser keeps each of them as a Dash component."""
    app = make_app()
    client = app.server.test_client()
    client.get("/snapshot")  # Dash registers its page callbacks at the first request
    keep = app.server.config["DASHBOARD_CALLBACK_IDS"]
    assert static_tree.callback_ids(app._callback_list) <= keep
    # a callback that joins Dash's list only at the first request (as its page router's do) is read too
    late = make_app()
    late._callback_list.append({"output": "late-target.children", "state": [],
                                "inputs": [{"id": "late-source", "property": "value"}]})
    assert "late-target" not in late.server.config["DASHBOARD_CALLBACK_IDS"]
    late.server.test_client().get("/about")
    assert {"late-target", "late-source"} <= late.server.config["DASHBOARD_CALLBACK_IDS"]
    assert {"app-url", "app-url-state", "app-lang-sink", "app-print-sink", "app-print-button", "peers-result",
            "peers-request", "_pages_location", "_pages_content", "_pages_store", "_pages_dummy"} <= keep
    for path in [*PAGES, "/about", "/indicators", "/challenges", "/no-such-page"]:
        sent = _layout(client, path)
        ids_sent = _component_ids(sent)
        # every id once on the page, in a tree or on a component (Dash's own duplicate check sees only these)
        every = re.findall(r'"id": "([^"]+)"', json.dumps(sent))
        assert len(every) == len(set(every)), (path, sorted(i for i in set(every) if every.count(i) > 1))
        on_page = {i for i in keep if f'"{i}"' in json.dumps(sent)}
        assert on_page <= ids_sent, (path, on_page - ids_sent)
        # and the shell's own elements that no callback uses went out as markup
        assert "app-live-region" not in ids_sent and '"app-live-region"' in json.dumps(sent), path
