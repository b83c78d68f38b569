"""Controls whose value lives in the URL, and other pure UI callbacks, run in the browser.

Every URL control has the id ``ids.url_param(name)``; the page also renders a
store (``ids.URL_STATE``) with the values it was drawn with. The clientside
function ``dashboard.urlControls`` (``dashboard/assets/clientside.js``)
compares the two: a control whose value equals the drawn value has not been
changed by the user (Dash reports controls as changed when a page is
inserted), so only a real change writes the query string, and one callback
serves every page, whichever controls it has. No server round trip is
needed for that; the server validates every parameter again when it draws
the page from the new URL (``data.params``).
"""

from __future__ import annotations

from dash import ALL, ClientsideFunction, Input, Output, State

from layouts import ids
from layouts.urls import ALLOWED

# the page's own controls that are not URL parameters themselves (clientside.js DERIVED)
DERIVED = ("cities", "year_from", "year_to", "scope", "focus")
CONTROL_PARAMS = set(ALLOWED) | set(DERIVED)


def register(app, repo) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="dashboard", function_name="urlControls"),
        Output(ids.URL, "search"),
        Input(ids.url_param(ALL), "value"),
        State(ids.URL_STATE, "data"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        ClientsideFunction(namespace="dashboard", function_name="print"),
        Output(ids.PRINT_SINK, "children"),
        Input(ids.PRINT_BUTTON, "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="dashboard", function_name="setLang"),
        Output(ids.LANG_SINK, "children"),
        Input(ids.URL, "search"),
        # the first response already carries <html lang>; an initial run would only cost the page a redraw
        prevent_initial_call=True,
    )
