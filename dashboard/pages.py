"""Page registration: each page's layout reads the current data, then calls a pure layout."""

from __future__ import annotations

import dash

from data.params import parse_page_params
from data.queries import area_units, challenge_summaries, finance_view, overview
from data.repository import DataUnavailable, Repository
from data.taxonomy import CHALLENGE_AREAS
from layouts import about, errors, shell
from layouts import challenges as challenges_layout
from layouts import finance as finance_layout
from layouts import overview as overview_layout
from layouts.urls import with_params


def _search(kwargs: dict) -> str:
    return with_params("", **{k: v for k, v in kwargs.items() if isinstance(v, str)})


def _unavailable(kwargs: dict, exc: DataUnavailable):
    p = parse_page_params({"lang": kwargs.get("lang", "")}, None)
    return shell.page(p.lang, "/", "", errors.unavailable(p.lang, [str(x) for x in exc.problems]))


def guarded(render):
    """Dash's page router calls every layout on its first request: never raise from one."""

    def _layout(**kwargs):
        try:
            return render(**kwargs)
        except DataUnavailable as exc:
            return _unavailable(kwargs, exc)

    return _layout


def register(app: dash.Dash, repo: Repository) -> None:
    def overview_page(**kwargs):
        ds = repo.snapshot()
        p = parse_page_params(kwargs, ds)
        ov = repo.cache.get(("overview", ds.fingerprint, p.municipality, p.year))
        if ov is None:
            ov = overview(ds, p.municipality, p.year)
            repo.cache.set(("overview", ds.fingerprint, p.municipality, p.year), ov)
        content = overview_layout.layout(ov, p.lang, ds.municipalities(), ds.years(p.municipality), p.notices)
        return shell.page(p.lang, "/", _search(kwargs), content, ds.fingerprint)

    def about_page(**kwargs):
        ds = repo.snapshot()
        p = parse_page_params({"lang": kwargs.get("lang", "")}, None)
        content = about.layout(p.lang, len(ds.catalogue), ds.catalogue.unit_count)
        return shell.page(p.lang, "/about", _search(kwargs), content, ds.fingerprint)

    def finance_page(**kwargs):
        ds = repo.snapshot()
        p = parse_page_params({"lang": kwargs.get("lang", "")}, None)
        view = finance_view(ds)
        fin = ds.finance
        ret = fin[(fin["measure"] == "financial_return") & (fin["year"] == 2018)]["value"] if not fin.empty else []
        content = finance_layout.layout(view, p.lang, float(ret.iloc[0]) if len(ret) else None)
        return shell.page(p.lang, "/finance", _search(kwargs), content, ds.fingerprint)

    def _summaries(ds, p):
        key = ("challenges", ds.fingerprint, p.municipality, p.year)
        summaries = repo.cache.get(key)
        if summaries is None:
            summaries = challenge_summaries(ds, p.municipality, p.year)
            repo.cache.set(key, summaries)
        return summaries

    def _challenges_index(ds, p, kwargs):
        rows = ds.observations[(ds.observations["municipality_code"] == p.municipality)
                               & (ds.observations["year"] == p.year)]
        content = challenges_layout.index_layout(
            _summaries(ds, p), ds.catalogue, p.lang, ds.municipalities(), ds.years(p.municipality), p.municipality,
            p.year, p.notices, bool((rows["status"] == "illustrative").any()))
        return shell.page(p.lang, "/challenges", _search(kwargs), content, ds.fingerprint)

    def challenges_page(**kwargs):
        ds = repo.snapshot()
        return _challenges_index(ds, parse_page_params(kwargs, ds), kwargs)

    def challenge_area_page(area=None, **kwargs):
        ds = repo.snapshot()
        p = parse_page_params(kwargs, ds)
        slug = str(area or "").strip().lower()
        if slug not in CHALLENGE_AREAS:
            p.notices.append(("area", slug[:64]))
            return _challenges_index(ds, p, kwargs)
        summary = next(s for s in _summaries(ds, p) if s.area == slug)
        units = area_units(ds, p.municipality, p.year, slug)
        content = challenges_layout.area_layout(summary, units, ds.catalogue, p.lang, ds.municipalities(),
                                                ds.years(p.municipality), p.municipality, p.year, p.notices)
        return shell.page(p.lang, f"/challenges/{slug}", _search(kwargs), content, ds.fingerprint)

    def not_found_page(**kwargs):
        p = parse_page_params({"lang": kwargs.get("lang", "")}, None)
        return shell.page(p.lang, "/404", "", errors.not_found(p.lang))

    dash.register_page("overview", path="/", layout=guarded(overview_page), title="Bærekraftsindikatorer for Asker",
                       name="Oversikt")
    dash.register_page("challenges", path="/challenges", layout=guarded(challenges_page),
                       title="Utfordringsområder – U4SSC Asker", name="Utfordringsområder")
    dash.register_page("challenge_area", path_template="/challenges/<area>", layout=guarded(challenge_area_page),
                       title="Utfordringsområde – U4SSC Asker", name="Utfordringsområde")
    dash.register_page("finance", path="/finance", layout=guarded(finance_page), title="Økonomi – U4SSC Asker",
                       name="Økonomi")
    dash.register_page("about", path="/about", layout=guarded(about_page), title="Om tallene – U4SSC Asker", name="Om")
    dash.register_page("not_found_404", path="/404", layout=not_found_page, title="Fant ikke siden")
