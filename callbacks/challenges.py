"""``/challenges`` (Asker's four challenge areas) and ``/challenges/<area>`` (one area's KPIs and initiatives)."""

from __future__ import annotations

from data import initiatives as initiatives_q
from data.cache import memoised
from data.params import parse_page_params
from data.queries import area_units, challenge_summaries, has_illustrative, rows_for, year_basis_of
from data.repository import Repository
from data.taxonomy import CHALLENGE_AREAS
from layouts import challenges as challenges_layout
from layouts import shell

from .common import register_page, search_of


def register(app, repo: Repository) -> None:
    def _summaries(ds, p):
        return memoised(repo.cache, ("challenges", ds.fingerprint, p.municipality, p.year),
                      lambda: challenge_summaries(ds, p.municipality, p.year))

    def _index(ds, p, kwargs):
        rows = rows_for(ds, p.municipality, p.year)
        content = challenges_layout.index_layout(
            _summaries(ds, p), ds.catalogue, p.lang, ds.municipalities(), ds.years(p.municipality), p.municipality,
            p.year, p.notices, has_illustrative(rows), year_basis_of(rows))
        return shell.page(p.lang, "/challenges", search_of(kwargs), content, ds.fingerprint,
                          {"municipality": p.municipality, "year": p.year})

    def challenges_page(**kwargs):
        ds = repo.snapshot()
        return _index(ds, parse_page_params(kwargs, ds), kwargs)

    def challenge_area_page(area=None, **kwargs):
        ds = repo.snapshot()
        p = parse_page_params(kwargs, ds)
        slug = str(area or "").strip().lower()
        if slug not in CHALLENGE_AREAS:
            p.notices.append(("area", slug[:64]))
            return _index(ds, p, kwargs)
        summary = next(s for s in _summaries(ds, p) if s.area == slug)
        units = area_units(ds, p.municipality, p.year, slug)
        content = challenges_layout.area_layout(summary, units, ds.catalogue, p.lang, ds.municipalities(),
                                                ds.years(p.municipality), p.municipality, p.year, p.notices,
                                                year_basis_of(rows_for(ds, p.municipality, p.year)),
                                                initiatives_q.for_area(ds.initiatives, slug))
        return shell.page(p.lang, f"/challenges/{slug}", search_of(kwargs), content, ds.fingerprint,
                          {"municipality": p.municipality, "year": p.year})

    register_page(repo, "challenges", challenges_page, path="/challenges")
    register_page(repo, "challenge_area", challenge_area_page, path_template="/challenges/<area>")
