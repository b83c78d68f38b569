"""A chart page's first screen in the index response: drawn before Dash has started.

A cold chart page waits for Dash's scripts, React, the layout and the
callback list before its first chart is drawn; that boot path costs more
than the chart itself. The index page of a chart page therefore carries
the page as plain HTML, from its top down to its first chart, and that
chart's figure; ``dashboard/early/first-paint.js`` draws the chart as soon as
plotly.js has run, before Dash's scripts. Dash then builds the page as
always, out of sight, and the moment its own copy of the first chart is
drawn, the first screen is taken away and Dash's page shown in its place
(``dashboard/assets/early-plotly.js``). The two are drawn from the same
layout JSON, element for element, so nothing moves when they change places.

The first screen is only a picture of the page: it is ``inert`` (no focus,
no clicks, not in the accessibility tree; Dash's page is the one people and
assistive technology use), it carries no ``id`` (the page's ids belong to
Dash's copy) and no reference to one, and its chart is drawn as a static
plot. It is written from the layout JSON with the same rules as
``layouts/static_tree.py`` (a fixed list of tags and attributes; text is
always escaped, never parsed as markup) and knows exactly the Dash
components a chart page shows above its first chart; a page holding any
other component before its first chart gets no first screen and is drawn by
Dash alone, as before.
"""

from __future__ import annotations

import html as _html
import json
import re
from numbers import Number

from layouts.static_tree import ATTRIBUTES, HTML_NS, LATER, NAMESPACE, SAFE_HREF, TAGS, TYPE, WILDCARD

# what Dash's html components draw with React's attribute names, written as HTML attributes
HTML_NAMES = {"className": "class", "tabIndex": "tabindex", "hrefLang": "hreflang", "colSpan": "colspan",
              "rowSpan": "rowspan", "dateTime": "datetime"}
BOOLEAN = {"hidden", "open", "reversed", "disabled", "checked", "selected"}
VOID = {"br", "col", "hr", "wbr", "input"}
# html components that are not in a StaticTree (their id is a callback's) may be these tags, with these props
EXTRA_TAGS = {"button"}
EXTRA_ATTRIBUTES = {"type"}
TREE_ATTRIBUTES = frozenset(ATTRIBUTES) | {"id"}
HTML_ATTRIBUTES = frozenset(ATTRIBUTES) | EXTRA_ATTRIBUTES
SKIPPED_PROPS = {"id", "children", "disable_n_clicks", "n_clicks", "n_clicks_timestamp", "key"}
# a reference to an id: the first screen has none
ID_REFERENCES = {"aria-describedby", "aria-labelledby", "aria-controls", "aria-owns", "aria-activedescendant",
                 "aria-details", "aria-errormessage", "aria-flowto", "headers"}
UNITLESS = {"flex", "flexGrow", "flexShrink", "fontWeight", "lineHeight", "opacity", "order", "zIndex", "zoom"}
CSS_NAME = re.compile(r"[a-zA-Z]+")
CSS_VALUE = re.compile(r"[^;{}<>\\\x00-\x1f]*")  # fullmatch: one declaration's value, nothing that ends it


class Unsupported(Exception):
    """The layout holds something the first screen cannot draw exactly as Dash would."""


def _number(x) -> str:
    """A number as React writes it as text (JavaScript's String(x) for the values layouts hold)."""
    if isinstance(x, bool):
        raise Unsupported("boolean text")
    if isinstance(x, float):
        if x != x or x in (float("inf"), float("-inf")):
            raise Unsupported("non-finite number")
        return str(int(x)) if x.is_integer() and abs(x) < 1e21 else repr(x)
    return str(x)


def _style(value) -> str:
    if not isinstance(value, dict):
        raise Unsupported("style")
    out = []
    for name, v in value.items():
        if not isinstance(name, str) or not CSS_NAME.fullmatch(name):
            raise Unsupported(f"style name {name!r}")
        css = re.sub(r"[A-Z]", lambda m: "-" + m.group(0).lower(), name)
        if isinstance(v, Number) and not isinstance(v, bool):
            text = _number(v) + ("" if name in UNITLESS or v == 0 else "px")
        elif isinstance(v, str) and CSS_VALUE.fullmatch(v):
            text = v
        else:
            raise Unsupported(f"style value for {name}")
        out.append(f"{css}: {text};")
    return " ".join(out)


def _attribute(name: str, value) -> str:
    if name in ID_REFERENCES or name == "id":
        return ""
    if value is None or value is False:
        return ""
    html_name = HTML_NAMES.get(name, name)
    if name in BOOLEAN:
        return f" {html_name}" if value else ""
    if name == "style":
        text = _style(value)
        return f' style="{_html.escape(text)}"' if text else ""
    if name == "href":
        if not (isinstance(value, str) and SAFE_HREF.fullmatch(value)):
            raise Unsupported("href")
        if value.startswith("#"):
            return ""  # a link to a part of the page: the ids are Dash's copy's
    if isinstance(value, bool):
        value = "true" if value else "false"  # React writes aria-*/data-* booleans as text
    elif isinstance(value, Number):
        value = _number(value)
    elif not isinstance(value, str):
        raise Unsupported(f"attribute {name}")
    return f' {html_name}="{_html.escape(value)}"'


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.figure: dict | None = None  # the first chart's figure and config, once it has been written

    @property
    def done(self) -> bool:
        return self.figure is not None

    def text(self, x) -> None:
        if self.done or x is None or isinstance(x, bool):
            return
        if isinstance(x, str):
            self.parts.append(_html.escape(x, quote=False))
        elif isinstance(x, Number):
            self.parts.append(_number(x))
        else:
            raise Unsupported(f"text {type(x).__name__}")

    def element(self, tag: str, attrs: dict, kids, allowed: set | None = None, draw=None) -> None:
        """``draw`` writes each of ``kids`` (default: as layout JSON)."""
        if self.done:
            return
        out = [f"<{tag}"]
        for name, value in attrs.items():
            if allowed is not None and name not in allowed and not WILDCARD.fullmatch(name):
                raise Unsupported(f"{tag} attribute {name}")
            out.append(_attribute(name, value))
        self.parts.append("".join(out) + ">")
        if tag in VOID:
            return
        for kid in kids:
            (draw or self.node)(kid)
        self.parts.append(f"</{tag}>")

    # -- a StaticTree's data ([tag, attributes, *children], text, {"$": i}) -------------------------------------
    def tree(self, node, slots: list) -> None:
        if self.done:
            return
        if isinstance(node, list):
            if len(node) < 2 or node[0] not in TAGS or not isinstance(node[1], dict):
                raise Unsupported("tree node")
            self.element(node[0], node[1], node[2:], TREE_ATTRIBUTES, lambda kid: self.tree(kid, slots))
            return
        if isinstance(node, dict):
            i = node.get("$")
            if not isinstance(i, int) or not 0 <= i < len(slots):
                raise Unsupported("tree slot")
            self.node(slots[i])
            return
        self.text(node)

    # -- layout JSON (what /_dash-layout answers) ---------------------------------------------------------------
    def node(self, x) -> None:
        if self.done:
            return
        if isinstance(x, list):
            for item in x:
                self.node(item)
            return
        if not isinstance(x, dict):
            return self.text(x)
        namespace, kind, props = x.get("namespace"), x.get("type"), x.get("props") or {}
        if namespace == NAMESPACE and kind == LATER:
            return  # drawn by Dash after its first chart; the first screen ends at that chart anyway
        if namespace == NAMESPACE and kind == TYPE:
            kids = props.get("children")
            return self.tree(props.get("tree"), kids if isinstance(kids, list) else ([] if kids is None else [kids]))
        draw = DRAW.get((namespace, kind))
        if draw is not None:
            return draw(self, props)
        if namespace == HTML_NS:
            tag = str(kind).lower()
            if tag not in TAGS and tag not in EXTRA_TAGS:
                raise Unsupported(f"html.{kind}")
            attrs = {k: v for k, v in props.items() if k not in SKIPPED_PROPS}
            kids = props.get("children")
            return self.element(tag, attrs, kids if isinstance(kids, list) else [kids], HTML_ATTRIBUTES)
        raise Unsupported(f"{namespace}.{kind}")


def _nothing(_w: _Writer, _props: dict) -> None:
    """A component that draws no element (a Location, a Store)."""


def _only(props: dict, allowed: set, what: str) -> None:
    extra = set(props) - allowed
    if extra:
        raise Unsupported(f"{what} props {sorted(extra)}")


def _label(w: _Writer, props: dict) -> None:
    # dash-bootstrap-components' Label: <label class="form-label"> (its for= names Dash's copy's control)
    _only(props, {"children", "html_for", "className", "id"}, "Label")
    cls = " ".join(x for x in (props.get("className"), "form-label") if x)
    kids = props.get("children")
    w.element("label", {"className": cls}, kids if isinstance(kids, list) else [kids])


def _options(options) -> list[tuple[str, str, bool]]:
    if not isinstance(options, list):
        raise Unsupported("options")
    out = []
    for o in options:
        if not isinstance(o, dict) or not isinstance(o.get("label"), (str, int, float)):
            raise Unsupported("option")
        value = o.get("value")
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise Unsupported("option value")
        out.append((_number(o["label"]) if not isinstance(o["label"], str) else o["label"],
                     value if isinstance(value, str) else _number(value), bool(o.get("disabled"))))
    return out


def _select(w: _Writer, props: dict) -> None:
    # dash-bootstrap-components' Select: <select class="form-select"> with its empty placeholder option first
    _only(props, {"id", "options", "value", "className"}, "Select")
    if w.done:
        return
    value = props.get("value")
    value = value if isinstance(value, str) or value is None else _number(value)
    cls = " ".join(x for x in (props.get("className"), "form-select") if x)
    w.parts.append(f'<select class="{_html.escape(cls)}"><option value="" disabled hidden></option>')
    for label, v, disabled in _options(props.get("options")):
        w.parts.append(f'<option value="{_html.escape(v)}"{" selected" if v == value else ""}'
                       f'{" disabled" if disabled else ""}>{_html.escape(label, quote=False)}</option>')
    w.parts.append("</select>")


def _checklist(w: _Writer, props: dict) -> None:
    # dash-bootstrap-components' Checklist: a div of form-check divs, each an input and its label
    _only(props, {"id", "options", "value", "inline", "className"}, "Checklist")
    if w.done:
        return
    chosen = props.get("value") or []
    if not isinstance(chosen, list):
        raise Unsupported("Checklist value")
    chosen = {c if isinstance(c, str) else _number(c) for c in chosen}
    check = "form-check form-check-inline" if props.get("inline") else "form-check"
    cls = props.get("className")
    w.parts.append(f'<div class="{_html.escape(cls)}">' if cls else "<div>")
    for label, v, disabled in _options(props.get("options")):
        w.parts.append(f'<div class="{check}"><input class="form-check-input" type="checkbox" '
                       f'value="{_html.escape(v)}"{" checked" if v in chosen else ""}'
                       f'{" disabled" if disabled else ""}><label class="form-check-label">'
                       f'{_html.escape(label, quote=False)}</label></div>')
    w.parts.append("</div>")


def _graph(w: _Writer, props: dict) -> None:
    # dash-core-components' Graph as it first mounts (responsive: its box fills the height it is given);
    # first-paint.js draws the figure into the inner element
    _only(props, {"id", "figure", "config"}, "Graph")
    figure, config = props.get("figure"), props.get("config") or {}
    if not isinstance(figure, dict) or not isinstance(config, dict):
        raise Unsupported("Graph figure")
    if w.done:
        return
    # the Graph's id, so that Dash's copy of this chart can take the drawn picture over (assets/early-plotly.js)
    graph_id = props.get("id") if isinstance(props.get("id"), str) else ""
    w.parts.append(f'<div class="dash-graph" style="height: 100%;"><div></div><div class="js-plotly-plot" '
                   f'data-first-paint-chart="{_html.escape(graph_id)}" style="height: 100%; width: 100%;"></div></div>')
    w.figure = {"figure": {"data": figure.get("data", []), "layout": figure.get("layout", {})}, "config": config}


DRAW = {
    ("dash_core_components", "Location"): _nothing,
    ("dash_core_components", "Store"): _nothing,
    ("dash_core_components", "Graph"): _graph,
    ("dash_bootstrap_components", "Label"): _label,
    ("dash_bootstrap_components", "Select"): _select,
    ("dash_bootstrap_components", "Checklist"): _checklist,
}


def first_screen(layout_json: dict) -> tuple[str, dict] | None:
    """(HTML of the page from its top to its first chart, that chart's figure and config), or None when the
    layout holds no chart or something before its first chart this module does not draw."""
    w = _Writer()
    try:
        w.node(layout_json)
    except (Unsupported, RecursionError):
        return None
    if w.figure is None:
        return None
    return "".join(w.parts), w.figure


def script_json(value) -> str:
    """JSON safe inside <script type="application/json">: no "</script" or "<!--" can end or open anything."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
