"""The first page's content in the first layout: no round trip for the page callback on a cold load.

Dash's renderer asks ``/_dash-layout`` for the app's layout, then its page
router (a callback on ``_pages_location``) for the page: two round trips
before the first chart can be drawn. Here the layout is a function: it reads
the page's address from the layout request's ``Referer`` (sent for
same-origin requests under the ``strict-origin-when-cross-origin`` policy the
app sets) and draws that page into ``_pages_content`` with the same router
function and arguments Dash would use. The page's ``dcc.Location`` already
holds the address, so it reports no change when it mounts and the router does
not run; navigation inside the app goes through the router as before. A
layout request without a usable ``Referer`` (another origin, none at all)
gets the empty container, and the router draws the page as it always did.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import dash
from dash import dcc, html
from dash._pages import PAGE_REGISTRY, _parse_query_string, _path_to_page
from flask import has_request_context, request

# the ids of dash.page_container's parts (dash/dash.py): the router's inputs and outputs
LOCATION, CONTENT, STORE, DUMMY = "_pages_location", "_pages_content", "_pages_store", "_pages_dummy"
ROUTER_OUTPUT = f"..{CONTENT}.children...{STORE}.data.."  # the router callback's outputs, as Dash names them
MAX_REFERRER = 4096


def router_request(pathname, search) -> dict:
    """The body Dash's renderer posts to ``/_dash-update-component`` when the router draws a page (in-app
    navigation): the address's path and query string as the Location reports them."""
    return {
        "output": ROUTER_OUTPUT,
        "outputs": [{"id": CONTENT, "property": "children"}, {"id": STORE, "property": "data"}],
        "inputs": [{"id": LOCATION, "property": "pathname", "value": pathname},
                   {"id": LOCATION, "property": "search", "value": search}],
        "state": [],
        "changedPropIds": [f"{LOCATION}.pathname"],
    }


def address() -> tuple[str, str, str] | None:
    """(href, pathname, search) of the page that asked for the layout, when it is one of ours."""
    if not has_request_context():
        return None
    ref = request.headers.get("Referer", "")
    if not ref or len(ref) > MAX_REFERRER:
        return None
    parts = urlsplit(ref)
    if f"{parts.scheme}://{parts.netloc}" != request.host_url.rstrip("/") or parts.fragment:
        return None  # another origin, or a #fragment the Referer cannot carry: let the router draw it
    return ref, parts.path or "/", f"?{parts.query}" if parts.query else ""


def _page_for(app: dash.Dash, pathname: str, search: str):
    """(layout, title) as Dash's router would draw them for this address."""
    page, variables = _path_to_page(app.strip_relative_path(pathname))
    if page == {}:
        page = next((p for m, p in PAGE_REGISTRY.items() if m.split(".")[-1] == "not_found_404"), None)
        variables = None
        if page is None:
            return None
    layout, title = page.get("layout", ""), page["title"]
    if callable(layout):
        layout = layout(**{**(variables or {}), **_parse_query_string(search)})
    if callable(title):
        title = title(**(variables or {}))
    return layout, title


def page_container(app: dash.Dash, where: tuple[str, str, str] | None) -> html.Div:
    """``dash.page_container``, with the page at ``where`` (``address()``) drawn in it when there is one."""
    drawn = _page_for(app, where[1], where[2]) if where else None
    if drawn is None:
        return dash.page_container
    href, pathname, search = where
    layout, title = drawn
    return html.Div([
        dcc.Location(id=LOCATION, refresh="callback-nav", href=href, pathname=pathname, search=search, hash=""),
        html.Div(layout, id=CONTENT, disable_n_clicks=True),
        dcc.Store(id=STORE, data={"title": title}),
        html.Div(id=DUMMY, disable_n_clicks=True),
    ])


def quiet_title_on_load(app: dash.Dash) -> None:
    """No callback runs when a page opens.

    Dash registers, at its first request, a clientside callback that copies
    the page's title from ``_pages_store`` into ``document.title``, and runs it
    on load. The first response already carries the page's title, so that run
    would only start Dash's callback machinery (about 40 ms of a cold first
    chart) to write the same text; it still runs on every navigation, when the
    store changes.
    """
    done = []

    def _after_dash_registers() -> None:
        if done:
            return
        for spec in app._callback_list:
            if spec.get("output") == f"{DUMMY}.children" and spec.get("clientside_function"):
                spec["prevent_initial_call"] = True
                done.append(True)

    app.server.before_request(_after_dash_registers)
