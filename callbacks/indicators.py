"""``/indicators`` (search and list of every KPI) and ``/indicators/<kpi>`` (one KPI's series, pace and peers)."""

from __future__ import annotations

from data import indicators as indicators_q
from data import initiatives as initiatives_q
from data.cache import memoised
from data.params import MAX_PARAM_CHARS, parse_page_params
from data.queries import rows_for, year_basis_of
from data.repository import Repository
from data.search import rank_kpis
from layouts import indicators as indicators_layout
from layouts import shell

from .common import register_page, search_of


def register(app, repo: Repository) -> None:
    def _list(ds, p, kwargs):
        q = " ".join(str(kwargs.get("q", "")).split())
        if len(q) > MAX_PARAM_CHARS:
            p.notices.append(("q", q[:40] + "…"))
            q = ""
        units = memoised(repo.cache, ("indicator-list", ds.fingerprint, p.municipality, p.year),
                       lambda: indicators_q.indicator_list(ds, p.municipality, p.year))
        hits = rank_kpis(ds.catalogue, q)
        content = indicators_layout.list_layout(ds.catalogue, units, hits, p.lang, ds.municipalities(),
                                                ds.years(p.municipality), p.municipality, p.year, q, p.notices,
                                                year_basis_of(rows_for(ds, p.municipality, p.year)))
        return shell.page(p.lang, "/indicators", search_of(kwargs), content, ds.fingerprint,
                          {"municipality": p.municipality, "year": p.year, "q": q})

    def indicators_page(**kwargs):
        ds = repo.snapshot()
        return _list(ds, parse_page_params(kwargs, ds), kwargs)

    def indicator_page(kpi=None, **kwargs):
        ds = repo.snapshot()
        p = parse_page_params({k: v for k, v in kwargs.items() if k != "year"}, ds)
        found = indicators_q.find_kpi(ds.catalogue, str(kpi or ""))
        if found is None:
            p.notices.append(("kpi", str(kpi or "")[:64]))
            return _list(ds, p, {k: v for k, v in kwargs.items() if k != "q"})
        rows = indicators_q.series(ds, found, p.municipality)
        paces = indicators_q.pace(found, rows)
        peers = indicators_q.peers(ds, found)
        peers = peers[peers["municipality_code"] != p.municipality]
        content = indicators_layout.detail_layout(found, rows, paces, peers, p.lang, ds.municipalities(),
                                                  p.municipality, p.notices,
                                                  initiatives_q.for_kpi(ds.initiatives, found.code), ds.catalogue)
        return shell.page(p.lang, f"/indicators/{found.slug}", search_of(kwargs), content, ds.fingerprint,
                          {"municipality": p.municipality})

    register_page(repo, "indicators", indicators_page, path="/indicators")
    register_page(repo, "indicator", indicator_page, path_template="/indicators/<kpi>")
