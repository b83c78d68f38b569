"""Walking a Dash layout as the browser receives it (JSON from /_dash-layout or a callback answer)."""

from __future__ import annotations

from collections.abc import Iterator


def components(tree) -> Iterator[dict]:
    """Every component in the tree ({"namespace", "type", "props"}), parents before their children."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "namespace" in node and "type" in node:
                yield node
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
