"""``/`` (the front page) and ``/snapshot`` (every KPI's band for one municipality and year)."""

from __future__ import annotations

from data.cache import memoised
from data.home import home as home_q
from data.params import parse_page_params
from data.queries import overview
from data.repository import Repository
from layouts import home as home_layout
from layouts import overview as overview_layout
from layouts import shell

from .common import register_page, search_of


def register(app, repo: Repository) -> None:
    def home_page(**kwargs):
        ds = repo.snapshot()
        p = parse_page_params(kwargs, ds)
        h = memoised(repo.cache, ("home", ds.fingerprint, p.municipality, p.year),
                     lambda: home_q(ds, p.municipality, p.year))
        content = home_layout.layout(h, ds.catalogue, p.lang, ds.municipalities(), ds.years(p.municipality),
                                     p.notices, ds.initiatives)
        return shell.page(p.lang, "/", search_of(kwargs), content, ds.fingerprint,
                          {"municipality": p.municipality, "year": p.year})

    def overview_page(**kwargs):
        ds = repo.snapshot()
        p = parse_page_params(kwargs, ds)
        ov = memoised(repo.cache, ("overview", ds.fingerprint, p.municipality, p.year),
                    lambda: overview(ds, p.municipality, p.year))
        content = overview_layout.layout(ov, p.lang, ds.municipalities(), ds.years(p.municipality), p.notices,
                                         ds.catalogue)
        return shell.page(p.lang, "/snapshot", search_of(kwargs), content, ds.fingerprint,
                          {"municipality": p.municipality, "year": p.year})

    register_page(repo, "home", home_page, path="/")
    register_page(repo, "snapshot", overview_page, path="/snapshot")
