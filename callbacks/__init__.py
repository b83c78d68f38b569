"""Thin controllers: each module has register(app, repo)."""

from __future__ import annotations

from . import navigation, peers


def register_all(app, repo) -> None:
    navigation.register(app, repo)
    peers.register(app, repo)
