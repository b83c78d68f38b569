"""Walking a Dash layout as the browser receives it (JSON from /_dash-layout or a callback answer)."""

from __future__ import annotations

from collections.abc import Iterator

from layouts.static_tree import thaw


def components(tree) -> Iterator[dict]:
    """Every component in the tree ({"namespace", "type", "props"}), parents before their children.

    Static markup sent as one StaticTree is walked as the html components it draws (``thaw``)."""
    stack = [thaw(tree)]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "namespace" in node and "type" in node:
                yield node
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
