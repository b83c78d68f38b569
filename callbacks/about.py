"""``/about`` (method, sources, counts), ``/about/accessibility`` (the accessibility statement) and the 404 page."""

from __future__ import annotations

import dash

from data.repository import Repository
from layouts import about, accessibility, errors, shell

from .common import guarded, lang_of, page_title, register_page, search_of


def register(app, repo: Repository) -> None:
    def about_page(**kwargs):
        ds = repo.snapshot()
        p = lang_of(kwargs)
        content = about.layout(p.lang, len(ds.catalogue), ds.catalogue.unit_count)
        return shell.page(p.lang, "/about", search_of(kwargs), content, ds.fingerprint)

    def accessibility_page(**kwargs):
        p = lang_of(kwargs)
        return shell.page(p.lang, "/about/accessibility", search_of(kwargs), accessibility.layout(p.lang))

    def not_found_page(**kwargs):
        p = lang_of(kwargs)
        return shell.page(p.lang, "/404", "", errors.not_found(p.lang))

    register_page(repo, "accessibility", accessibility_page, path="/about/accessibility")
    register_page(repo, "about", about_page, path="/about")
    dash.register_page("not_found_404", path="/404", layout=guarded(not_found_page, repo, None), title=page_title)
