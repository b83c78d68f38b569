"""Controls whose value lives in the URL: validate, then write the query string."""

from __future__ import annotations

import re

from dash import ClientsideFunction, Input, Output, State, ctx, no_update

from layouts import ids
from layouts.urls import with_params

MAX_VALUE_CHARS = 64
VALUE_RE = re.compile(r"^[0-9A-Za-z_.:, -]{0,64}$")


def next_search(search: object, municipality: object, year: object, triggered: object) -> str | None:
    """The new query string, or None when the input is invalid (the URL stays).

    ``triggered`` is the list of component ids whose value changed. Dash reports
    every control as changed when a page is inserted; that is not a user's
    choice, so only a single change moves the URL.
    """
    if not isinstance(triggered, list) or len(triggered) != 1:
        return None
    triggered = triggered[0]
    if not isinstance(search, (str, type(None))) or (search and len(search) > 2000):
        return None
    for v in (municipality, year):
        if v is not None and (not isinstance(v, str) or not VALUE_RE.match(v)):
            return None
    if triggered == ids.CONTROLS_MUNICIPALITY:
        return with_params(search, municipality=municipality, year=None)
    if triggered == ids.CONTROLS_YEAR:
        return with_params(search, year=year)
    return None


def register(app, repo) -> None:
    @app.callback(
        Output(ids.URL, "search"),
        Input(ids.CONTROLS_MUNICIPALITY, "value"),
        Input(ids.CONTROLS_YEAR, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _overview_controls(municipality, year, search):
        changed = [p.rsplit(".", 1)[0] for p in ctx.triggered_prop_ids]
        out = next_search(search, municipality, year, changed)
        return no_update if out is None or out == (search or "") else out

    app.clientside_callback(
        ClientsideFunction(namespace="dashboard", function_name="setLang"),
        Output(ids.LANG_SINK, "children"),
        Input(ids.URL, "search"),
    )
