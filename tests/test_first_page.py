"""fpg: the first page's content arrives with the first layout; the page router runs only on navigation."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect


def _layout(client, referer: str | None) -> str:
    headers = {"Referer": referer} if referer else {}
    r = client.get("/_dash-layout", headers=headers)
    assert r.status_code == 200
    return r.get_data(as_text=True)


def _content(layout: dict):
    """The children of _pages_content in a layout tree."""
    stack = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == "_pages_content":
                return node["props"].get("children")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    raise AssertionError("no _pages_content in the layout")


def _router(client, path: str, search: str):
    body = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "state": [], "changedPropIds": ["_pages_location.pathname"]}
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code == 200
    return r.get_json()["response"]["_pages_content"]["children"]


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
