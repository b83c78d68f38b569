"""The controllers: one module per page or feature, each with ``register(app, repo)``.

A page controller reads the URL's parameters (validated by ``data.params`` and
``data.filters``), asks ``data/`` for what the page shows and hands it to a
pure layout in ``layouts/``. ``navigation`` holds the clientside callbacks
every page shares; ``peers`` the peer finder's server callback on /compare.
"""

from __future__ import annotations

from . import about, challenges, compare, data_page, finance, home, indicators, navigation, peers

MODULES = (home, challenges, indicators, compare, data_page, finance, about, navigation, peers)  # router order


def register_all(app, repo) -> None:
    """Every page in Dash's router and every callback."""
    for module in MODULES:
        module.register(app, repo)
