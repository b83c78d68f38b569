"""Static markup as one Dash component: a page's tables and text cost React one component each, not hundreds.

Dash's renderer wraps every component it draws (a table cell, a span) in its
own React machinery: on /snapshot that was 641 components and most of the
first chart's React time, and every control change drew them all again.
Markup that no callback reads or writes (an ``html.*`` element without an
``id``) needs none of it. ``freeze`` turns each such subtree into one
``StaticTree`` whose ``tree`` prop is plain data, ``[tag, attributes,
*children]`` with text as strings; a Dash component inside it (a control, a
chart, an element with an ``id``) stays a real Dash component, passed as a
child and placed where ``{"$": index}`` stands. ``dashboard/assets/static-tree.js``
draws the tree with React's ``createElement``: the same elements and
attributes Dash's html components would write, from a fixed list of tags and
attribute names (no markup is parsed, text is always text).

``later_after_first_chart`` puts what follows a page's first chart into
``Later`` components, which the browser draws once that chart is on screen
(the same script file draws them).

``thaw`` turns a frozen tree back into the JSON Dash's html components would
have sent (a ``Later`` replaced by its children), for code and tests that
read layouts.
"""

from __future__ import annotations

import copy
import json
import re
from numbers import Number

from dash.development.base_component import Component

NAMESPACE, TYPE, LATER = "dashboard_static", "StaticTree", "Later"
MAIN_ID = "main-content"  # layouts/shell.py: the page's own content
FORMAT = "static-tree-3"  # in cache keys of answers that carry StaticTree and Later components
HTML_NS = "dash_html_components"

# the tags a tree may hold (dashboard/assets/static-tree.js TAGS holds the same list)
TAGS = ("a", "abbr", "article", "aside", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
        "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer", "h1", "h2",
        "h3", "h4", "h5", "h6", "header", "hr", "i", "ins", "kbd", "legend", "li", "main", "mark", "nav", "ol",
        "p", "pre", "q", "s", "samp", "section", "small", "span", "strong", "sub", "summary", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr", "fieldset")
# attribute names a tree may carry, as Dash's html components name them (React's names); same list in the JS
ATTRIBUTES = ("className", "style", "title", "lang", "dir", "role", "tabIndex", "hidden", "open", "href",
              "hrefLang", "target", "rel", "download", "scope", "colSpan", "rowSpan", "headers", "abbr",
              "dateTime", "start", "reversed", "cite")
WILDCARD = re.compile(r"(aria|data)-[a-z][a-z0-9-]*")  # matched whole (fullmatch)
# an id a tree may carry (the same pattern in the JS): lower-case words joined by hyphens, so it can never name
# a JavaScript global (a "Plotly" or "React" element would shadow window.Plotly for scripts that look it up)
SAFE_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")  # fullmatch
# html props with no effect on an element no callback reads: nothing can count its clicks
IGNORED = {"children", "disable_n_clicks", "n_clicks", "n_clicks_timestamp", "key"}
# a path on this site, a fragment, a query, or http(s)/mailto; nothing a browser reads as another site's
# address ("//host", "/\\host") and no whitespace or control character anywhere
SAFE_HREF = re.compile(r"(/(?![/\\])|#|\?|https?://|mailto:)[^\s\x00-\x1f\x7f\\]*", re.IGNORECASE)  # fullmatch

_TYPE_OF_TAG = {tag: tag.capitalize() for tag in TAGS}
_TYPE_OF_TAG["fieldset"] = "Fieldset"


class StaticTree(Component):
    """Markup drawn by ``dashboard/assets/static-tree.js`` from ``tree``; ``children`` fill its slots."""

    _namespace = NAMESPACE
    _type = TYPE
    _prop_names = ["tree", "children"]
    _valid_wildcard_attributes: list[str] = []
    available_properties = ["tree", "children"]
    available_wildcard_properties: list[str] = []
    _base_nodes = ["children"]
    _children_props: list[str] = []

    def __init__(self, tree=None, children=None, **kwargs):  # noqa: D107
        if kwargs:
            super().__init__(tree=tree, children=children if children is not None else [], **kwargs)
            return
        # Component.__init__ checks each keyword by name and, for a namespace that is not an importable
        # package (this one), first tries to import it for its error messages: a failed import per
        # keyword, ~0.2 ms per tree, 60-70 trees on a page. ``tree`` and ``children`` need no check.
        self.tree = tree
        self.children = children if children is not None else []


class Later(Component):
    """Its children, drawn once the page's first chart is on screen (``dashboard/assets/static-tree.js``).

    ``later_after_first_chart`` puts everything that follows a page's first chart into ``Later`` components.
    They draw nothing of their own: once drawn, the page is element for element what it would have been
    without them."""

    _namespace = NAMESPACE
    _type = LATER
    _prop_names = ["children"]
    _valid_wildcard_attributes: list[str] = []
    available_properties = ["children"]
    available_wildcard_properties: list[str] = []
    _base_nodes = ["children"]
    _children_props: list[str] = []

    def __init__(self, children=None):  # noqa: D107
        self.children = children if children is not None else []


def _is_graph(x) -> bool:
    return isinstance(x, Component) and x._namespace == "dash_core_components" and x._type == "Graph"


def _first_chart_path(node) -> list | None:
    """Indices into children lists from ``node`` down to its first Graph in document order (``[]``: ``node``
    is one), or None."""
    if _is_graph(node):
        return []
    if not isinstance(node, Component) or isinstance(node, (Later, StaticTree)):
        return None
    if node._namespace != HTML_NS:
        # a component that reads its own children (tabs, an accordion) is not split: it counts as the chart
        return [] if _holds_graph(node) else None
    for i, kid in enumerate(_children_list(getattr(node, "children", None))):
        below = _first_chart_path(kid)
        if below is not None:
            return [i, *below]
    return None


def _holds_graph(node) -> bool:
    if _is_graph(node):
        return True
    if isinstance(node, (list, tuple)):
        return any(_holds_graph(x) for x in node)
    return isinstance(node, Component) and _holds_graph(getattr(node, "children", None))


def _after_chart(node: Component, path: list, inside: bool) -> Component:
    if not path:
        return node
    inside = inside or getattr(node, "id", None) == MAIN_ID
    kids = _children_list(node.children)
    i = path[0]
    kids[i] = _after_chart(kids[i], path[1:], inside)
    if inside and len(kids) > i + 1:
        kids = kids[:i + 1] + _deferred(kids[i + 1:])
    out = copy.copy(node)
    out.children = kids
    return out


EAGER = "data-eager"  # an element with this attribute is drawn with the page, never put into a Later


def _deferred(rest: list) -> list:
    """``rest`` with each run of elements into a ``Later``; an element marked ``EAGER`` stays where it is.

    An element a callback answers as soon as the page is there (the peer finder on /compare) must be drawn by
    then: an answer that reached Dash while its element waited in a Later was never shown (Dash's renderer drew
    the element from the layout it was given when the Later was drawn)."""
    out: list = []
    run: list = []
    for kid in rest:
        if isinstance(kid, Component) and getattr(kid, EAGER, None):
            if run:
                out.append(Later(run))
                run = []
            out.append(kid)
        else:
            run.append(kid)
    if run:
        out.append(Later(run))
    return out


def later_after_first_chart(layout):
    """The page with everything after its first chart (inside ``#main-content``) put into ``Later``.

    The first chart is drawn before the tables and text below it are built: on /snapshot these cost the
    browser about as much as the chart itself, and a cold page's first chart waited for them. Each element
    on the way from ``#main-content`` down to the chart keeps its children up to the one on that way; the
    ones after it go into one ``Later``. A page without a chart in ``#main-content`` comes back as it was.
    The original is not changed (a layout may be shared by a cache): the elements on the way are copies.
    """
    if not isinstance(layout, Component):
        return layout
    path = _first_chart_path(layout)
    return layout if path is None else _after_chart(layout, path, False)


def _attrs(component: Component, keep: frozenset | None) -> dict | None:
    """The element's attributes, or None when it cannot be drawn as static markup.

    An element with an ``id`` is static too when ``keep`` (the ids the app's callbacks read or write) is
    known, does not hold its id, and the id is a plain hyphenated name (``SAFE_ID``): nothing reads it but
    the page itself (a label's target, an aria reference, a link's fragment), which finds it in the markup."""
    if getattr(component, "_namespace", None) != HTML_NS:
        return None
    tag = component._type.lower()
    if tag not in _TYPE_OF_TAG:
        return None
    own_id = getattr(component, "id", None)
    if own_id is not None and (keep is None or not isinstance(own_id, str) or own_id in keep
                               or not SAFE_ID.fullmatch(own_id)):
        return None
    out = {}
    for name, value in vars(component).items():  # the props it was given, and Dash's own bookkeeping
        if name[0] == "_" or name.startswith("available_") or name in IGNORED or value is None:
            continue
        if name == "id":
            out[name] = value
            continue
        if name not in ATTRIBUTES and not WILDCARD.fullmatch(name):
            return None
        if isinstance(value, (list, tuple, dict)) and name != "style":  # the browser side draws no such value
            return None
        if name == "href" and not (isinstance(value, str) and SAFE_HREF.fullmatch(value)):
            return None
        if name == "style" and not isinstance(value, dict):
            return None
        out[name] = value
    return out


def _children_list(children) -> list:
    if children is None:
        return []
    return list(children) if isinstance(children, (list, tuple)) else [children]


def _node(x, slots: list, keep: frozenset | None):
    """``x`` as tree data; Dash components that must stay Dash are appended to ``slots``."""
    if isinstance(x, str):
        return x
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, Number):
        return x
    if isinstance(x, Component):
        attrs = _attrs(x, keep)
        if attrs is not None:
            return [x._type.lower(), attrs,
                    *(_node(c, slots, keep) for c in _children_list(getattr(x, "children", None)))]
        slots.append(_freeze_inside(x, keep))
        return {"$": len(slots) - 1}
    raise TypeError(f"cannot draw {type(x).__name__} as markup")


def _freeze_inside(component: Component, keep: frozenset | None) -> Component:
    """A copy of the Dash component with the static parts of its children frozen (the original is untouched:
    a layout may be shared by a cache)."""
    kids = getattr(component, "children", None)
    if kids is None:
        return component
    out = copy.copy(component)
    out.children = [freeze(k, keep) for k in kids] if isinstance(kids, (list, tuple)) else freeze(kids, keep)
    return out


def freeze(layout, keep: frozenset | None = None):
    """The layout with every static html subtree (known tags and attributes, no ``id`` a callback uses) as one
    StaticTree. ``keep``: the ids the app's callbacks use (``callback_ids``); without it every element with an
    id stays a Dash component."""
    if isinstance(layout, (list, tuple)):
        return [freeze(x, keep) for x in layout]
    if not isinstance(layout, Component) or isinstance(layout, StaticTree):
        return layout
    if _attrs(layout, keep) is None:
        return _freeze_inside(layout, keep)
    slots: list = []
    tree = _node(layout, slots, keep)
    return StaticTree(tree=tree, children=slots)


def callback_ids(callback_list) -> frozenset:
    """Every component id a callback reads or writes (Dash's ``app._callback_list``: outputs, inputs, state,
    the outputs a ``running=`` sets and a background callback's cancel inputs), as Dash writes it (a
    pattern-matching id as its JSON text, which ``SAFE_ID`` never matches anyway)."""
    out = set()
    for spec in callback_list:
        output = spec.get("output", "")
        parts = output.strip(".").split("...") if output.startswith("..") else [output]
        out.update(part.rsplit(".", 1)[0] for part in parts if part)
        for dep in [*spec.get("inputs", []), *spec.get("state", []),
                    *(spec.get("background") or {}).get("cancel", [])]:
            dep_id = dep.get("id")
            out.add(dep_id if isinstance(dep_id, str) else json.dumps(dep_id, sort_keys=True))
        # running=[(Output(id, prop), on, off)]: {"running": {"id.prop": on}, "runningOff": {...}}
        for props in (spec.get("running") or {}).values():
            out.update(str(key).rsplit(".", 1)[0] for key in (props or {}))
    return frozenset(out)


def _thaw_node(node, slots: list):
    if isinstance(node, list):
        tag, attrs, *kids = node
        children = _spliced(_thaw_node(k, slots) for k in kids)
        props = dict(attrs)
        if children:
            props["children"] = children[0] if len(children) == 1 else children
        return {"namespace": HTML_NS, "type": _TYPE_OF_TAG[tag], "props": props}
    if isinstance(node, dict) and "$" in node:
        return thaw(slots[node["$"]])
    return node


def _spliced(items) -> list:
    """A thawed ``Later`` stands for its children: they take its place in the list."""
    out = []
    for x in items:
        if isinstance(x, _Children):
            out.extend(x)
        else:
            out.append(x)
    return out


class _Children(list):
    """A thawed ``Later``'s children, spliced into the list that held it."""


def thaw(layout):
    """Layout JSON (from /_dash-layout or a callback) with every StaticTree written out as html components
    and every ``Later`` replaced by its children."""
    if isinstance(layout, list):
        return _spliced(thaw(x) for x in layout)
    if isinstance(layout, dict):
        if layout.get("namespace") == NAMESPACE and layout.get("type") == LATER:
            kids = layout.get("props", {}).get("children")
            return _Children(thaw(kids) if isinstance(kids, list) else [] if kids is None else [thaw(kids)])
        if layout.get("namespace") == NAMESPACE and layout.get("type") == TYPE:
            props = layout.get("props", {})
            kids = props.get("children") or []
            return _thaw_node(props.get("tree"), kids if isinstance(kids, list) else [kids])
        return {k: thaw(v) for k, v in layout.items()}
    return layout
