"""Controls whose value lives in the URL: validate, then write the query string.

Every such control has the id ``ids.url_param(name)``; the page also renders a
store (``ids.URL_STATE``) with the values it was drawn with. A control whose
value equals the drawn value has not been changed by the user (Dash reports
controls as changed when a page is inserted), so only real changes move the
URL, and one callback serves every page, whichever controls it has.
"""

from __future__ import annotations

import re

from dash import ALL, ClientsideFunction, Input, Output, State, ctx, no_update

from layouts import ids
from layouts.urls import ALLOWED, with_params

MAX_VALUE_CHARS = 200
MAX_LIST_ITEMS = 50
VALUE_RE = re.compile(r"^[0-9A-Za-z_.:, -]{0,64}$")
# the page's own controls that are not URL parameters themselves, see ``_apply``
DERIVED = ("cities", "year_from", "year_to", "scope", "focus")
CONTROL_PARAMS = set(ALLOWED) | set(DERIVED)


def _clean(param: str, value: object) -> str | None:
    """A control's value as text, or None when it is not acceptable."""
    if isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS or not all(isinstance(v, str) and VALUE_RE.match(v) for v in value):
            return None
        return ",".join(value)
    if value is None:
        return ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    text = str(value)
    if param == "q":
        return text.strip()[:MAX_VALUE_CHARS] if "\x00" not in text else None
    return text if VALUE_RE.match(text) else None


ANY = "all"  # a filter select's "no filter" choice (layouts.data_page.ANY)


def _apply(search: str, param: str, value: str, shown: dict) -> str:
    if value == ANY and param not in ("scope", "focus", "year_from", "year_to"):
        value = ""
    if param == "municipality":
        return with_params(search, municipality=value, year=None)
    if param == "cities":
        return with_params(search, municipality=value, page=None)
    if param in ("year_from", "year_to"):
        a = value if param == "year_from" else str(shown.get("year_from", ""))
        b = value if param == "year_to" else str(shown.get("year_to", ""))
        if a and b and a > b:
            a, b = b, a
        return with_params(search, year=f"{a}-{b}" if a and b and a != b else (a or b))
    if param == "scope":
        kind, _, code = value.partition(":") if value else ("", "", "")
        clear = {k: None for k in ("dimension", "sub_dimension", "category", "challenge_area")}
        if kind in clear and code:
            clear[kind] = code.strip()
        return with_params(search, **clear)
    if param == "focus":
        chosen = [m for m in str(shown.get("municipality", "")).split(",") if m]
        order = [value] + [m for m in chosen if m != value] if value else chosen
        return with_params(search, municipality=",".join(order))
    return with_params(search, **{param: value}, page=None)


def next_search(search: object, inputs: object, shown: object) -> str | None:
    """The new query string, or None when nothing was changed by the user or an input is invalid.

    ``inputs`` are Dash's ``inputs_list`` entries for the url-param controls:
    ``{"id": {"type": "url-param", "param": name}, "value": ...}``.
    """
    if not isinstance(search, (str, type(None))) or (search and len(search) > 2000):
        return None
    if not isinstance(inputs, list) or len(inputs) > 40 or not isinstance(shown, (dict, type(None))):
        return None
    shown = shown or {}
    changes = []
    for item in inputs:
        if not isinstance(item, dict) or not isinstance(item.get("id"), dict):
            return None
        param = item["id"].get("param")
        if param not in CONTROL_PARAMS:
            return None
        value = _clean(param, item.get("value"))
        if value is None:
            return None
        if value != str(shown.get(param, "")):
            changes.append((param, value))
    if len(changes) != 1:  # none: a page being drawn; several: not one user's action
        return None
    param, value = changes[0]
    return _apply(search or "", param, value, shown)


def register(app, repo) -> None:
    @app.callback(
        Output(ids.URL, "search"),
        Input(ids.url_param(ALL), "value"),
        State(ids.URL_STATE, "data"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _url_controls(values, shown, search):
        out = next_search(search, ctx.inputs_list[0] if ctx.inputs_list else [], shown)
        return no_update if out is None or out == (search or "") else out

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
    )
