"""Page registration: each page's layout reads the current data, then calls a pure layout."""

from __future__ import annotations

import logging

import dash
from flask import g

from data import compare as compare_q
from data import indicators as indicators_q
from data import initiatives as initiatives_q
from data.filters import Filters, apply_filters, parse_filters, reversed_years
from data.home import home as home_q
from data.params import MAX_PARAM_CHARS, parse_page_params
from data.queries import area_units, challenge_summaries, finance_view, overview, rows_for, year_basis_of
from data.repository import DataUnavailable, Repository
from data.search import rank_kpis
from data.taxonomy import CHALLENGE_AREAS
from layouts import about, accessibility, data_page, errors, shell
from layouts import challenges as challenges_layout
from layouts import compare as compare_layout
from layouts import finance as finance_layout
from layouts import home as home_layout
from layouts import indicators as indicators_layout
from layouts import overview as overview_layout
from layouts.i18n import t
from layouts.urls import with_params

from .routes import find_kpi, page_meta

log = logging.getLogger(__name__)


def _search(kwargs: dict) -> str:
    return with_params("", **{k: v for k, v in kwargs.items() if isinstance(v, str)})


def _unavailable(kwargs: dict, exc: DataUnavailable):
    p = parse_page_params({"lang": kwargs.get("lang", "")}, None)
    return shell.page(p.lang, "/", "", errors.unavailable(p.lang, [str(x) for x in exc.problems]))


def page_title(**_path_variables) -> str:
    """The title Dash's router gives the browser tab on in-app navigation: the one the layout just computed."""
    return g.get("page_title") or t("app.title", "nb")


def guarded(render, repo: Repository | None = None, name: str | None = None):
    """Dash's page router calls every layout on its first request: never raise from one.

    With ``repo`` and ``name``, the page's title (in its language, naming its subject) is worked out from the
    same arguments and left in ``flask.g`` for ``page_title``.
    """

    def _layout(**kwargs):
        try:
            if repo is not None:
                g.page_title = page_meta(repo.snapshot(), name, kwargs)[1]
            return render(**kwargs)
        except DataUnavailable as exc:
            return _unavailable(kwargs, exc)
        except Exception:  # a bug must not take every page down: log it, show a notice without details
            log.exception("page layout failed")
            p = parse_page_params({"lang": kwargs.get("lang", "")}, None)
            return shell.page(p.lang, "/", "", errors.failed(p.lang))

    return _layout


def register(app: dash.Dash, repo: Repository) -> None:
    def home_page(**kwargs):
        ds = repo.snapshot()
        p = parse_page_params(kwargs, ds)
        key = ("home", ds.fingerprint, p.municipality, p.year)
        h = repo.cache.get(key)
        if h is None:
            h = home_q(ds, p.municipality, p.year)
            repo.cache.set(key, h)
        content = home_layout.layout(h, ds.catalogue, p.lang, ds.municipalities(), ds.years(p.municipality),
                                     p.notices, ds.initiatives)
        return shell.page(p.lang, "/", _search(kwargs), content, ds.fingerprint,
                          {"municipality": p.municipality, "year": p.year})

    def overview_page(**kwargs):
        ds = repo.snapshot()
        p = parse_page_params(kwargs, ds)
        ov = repo.cache.get(("overview", ds.fingerprint, p.municipality, p.year))
        if ov is None:
            ov = overview(ds, p.municipality, p.year)
            repo.cache.set(("overview", ds.fingerprint, p.municipality, p.year), ov)
        content = overview_layout.layout(ov, p.lang, ds.municipalities(), ds.years(p.municipality), p.notices,
                                         ds.catalogue)
        return shell.page(p.lang, "/snapshot", _search(kwargs), content, ds.fingerprint,
                          {"municipality": p.municipality, "year": p.year})

    def about_page(**kwargs):
        ds = repo.snapshot()
        p = parse_page_params({"lang": kwargs.get("lang", "")}, None)
        content = about.layout(p.lang, len(ds.catalogue), ds.catalogue.unit_count)
        return shell.page(p.lang, "/about", _search(kwargs), content, ds.fingerprint)

    def finance_page(**kwargs):
        ds = repo.snapshot()
        p = parse_page_params({"lang": kwargs.get("lang", "")}, None)
        region = str(kwargs.get("municipality") or "").strip()[:MAX_PARAM_CHARS]
        view = finance_view(ds, region or None)
        region_notices = [("municipality", region[:64])] if region and region != view.region else []
        fin = ds.finance
        ret = fin[(fin["measure"] == "financial_return") & (fin["year"] == 2018) & (fin["municipality_code"] == "0220")
                  & (fin["basis"] == "kommunekasse")]["value"] if not fin.empty else []
        content = finance_layout.layout(view, p.lang, float(ret.iloc[0]) if len(ret) else None,
                                        p.notices + region_notices)
        return shell.page(p.lang, "/finance", _search(kwargs), content, ds.fingerprint,
                          {"municipality": view.region} if view.region else None)

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
            p.year, p.notices, bool((rows["status"] == "illustrative").any()), year_basis_of(rows))
        return shell.page(p.lang, "/challenges", _search(kwargs), content, ds.fingerprint,
                          {"municipality": p.municipality, "year": p.year})

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
                                                ds.years(p.municipality), p.municipality, p.year, p.notices,
                                                year_basis_of(rows_for(ds, p.municipality, p.year)),
                                                initiatives_q.for_area(ds.initiatives, slug))
        return shell.page(p.lang, f"/challenges/{slug}", _search(kwargs), content, ds.fingerprint,
                          {"municipality": p.municipality, "year": p.year})

    def _indicator_list(ds, p, kwargs):
        q = " ".join(str(kwargs.get("q", "")).split())
        if len(q) > MAX_PARAM_CHARS:
            p.notices.append(("q", q[:40] + "…"))
            q = ""
        key = ("indicator-list", ds.fingerprint, p.municipality, p.year)
        units = repo.cache.get(key)
        if units is None:
            units = indicators_q.indicator_list(ds, p.municipality, p.year)
            repo.cache.set(key, units)
        hits = rank_kpis(ds.catalogue, q)
        content = indicators_layout.list_layout(ds.catalogue, units, hits, p.lang, ds.municipalities(),
                                                ds.years(p.municipality), p.municipality, p.year, q, p.notices,
                                                year_basis_of(rows_for(ds, p.municipality, p.year)))
        return shell.page(p.lang, "/indicators", _search(kwargs), content, ds.fingerprint,
                          {"municipality": p.municipality, "year": p.year, "q": q})

    def indicators_page(**kwargs):
        ds = repo.snapshot()
        return _indicator_list(ds, parse_page_params(kwargs, ds), kwargs)

    def indicator_page(kpi=None, **kwargs):
        ds = repo.snapshot()
        p = parse_page_params({k: v for k, v in kwargs.items() if k != "year"}, ds)
        found = find_kpi(ds, str(kpi or ""))
        if found is None:
            p.notices.append(("kpi", str(kpi or "")[:64]))
            return _indicator_list(ds, p, {k: v for k, v in kwargs.items() if k != "q"})
        rows = indicators_q.series(ds, found, p.municipality)
        paces = indicators_q.pace(found, rows)
        peers = indicators_q.peers(ds, found)
        peers = peers[peers["municipality_code"] != p.municipality]
        content = indicators_layout.detail_layout(found, rows, paces, peers, p.lang, ds.municipalities(),
                                                  p.municipality, p.notices,
                                                  initiatives_q.for_kpi(ds.initiatives, found.code), ds.catalogue)
        return shell.page(p.lang, f"/indicators/{found.slug}", _search(kwargs), content, ds.fingerprint,
                          {"municipality": p.municipality})

    def compare_page(**kwargs):
        ds = repo.snapshot()
        p = parse_page_params({"lang": kwargs.get("lang", "")}, None)
        no_city = str(kwargs.get("municipality") or "").strip() == compare_layout.NO_CITY
        f = parse_filters({k: v for k, v in kwargs.items() if not (no_city and k == "municipality")}, ds)
        backwards = reversed_years(kwargs.get("year"))
        notices = p.notices + [(i.parameter, i.value, "notice.year_order") if backwards and i.parameter == "year"
                               else (i.parameter, i.value) for i in f.invalid]
        if no_city or backwards:  # an impossible choice: say so, keep it visible, draw nothing
            all_years = sorted({y for c, _ in ds.municipalities() for y in ds.years(c)})
            f2 = Filters(**{**f.__dict__, "invalid": []})
            if no_city:
                notices.append(("municipality", "", "notice.no_city"))
            shown = backwards or (f2.year_from or all_years[0], f2.year_to or all_years[-1])
            content = compare_layout.blocked(f2, p.lang, ds.municipalities(), all_years, notices, shown)
            scope = compare_layout.scope_of(f2)
            state = {"cities": ",".join(f2.municipality), "municipality": ",".join(f2.municipality),
                     "year_from": str(shown[0]), "year_to": str(shown[1]),
                     "scope": f"{scope[0]}:{scope[1]}" if scope else "", "focus": (f2.municipality or ("",))[0],
                     "no_city": compare_layout.NO_CITY}
            return shell.page(p.lang, "/compare", _search(kwargs), content, ds.fingerprint, state)
        if not f.municipality:
            f.municipality = tuple(c for c, _ in ds.municipalities())
        capped_from = None
        if len(f.municipality) > compare_layout.MAX_MATRIX_CITIES:  # one request never builds a national matrix
            capped_from = len(f.municipality)
            f.municipality = f.municipality[:compare_layout.MAX_MATRIX_CITIES]
        all_years = sorted({y for c, _ in ds.municipalities() for y in ds.years(c)})
        f2 = Filters(**{**f.__dict__, "invalid": []})
        if not (f2.dimension or f2.sub_dimension or f2.category or f2.challenge_area):
            f2.challenge_area = (compare_layout.DEFAULT_SCOPE[1],)
        if f2.year_from is None and all_years:
            f2.year_from, f2.year_to = all_years[0], all_years[-1]
        key = ("compare", ds.fingerprint, repr(sorted(f2.as_params().items())))
        cached = repo.cache.get(key)
        if cached is None:
            units, rows = compare_q.matrix(ds, f2)
            years, yoy = compare_q.year_over_year(ds, f2, f2.municipality[0])
            cached = (units, rows, years, yoy)
            repo.cache.set(key, cached)
        units, rows, years, yoy = cached
        content = compare_layout.layout(f2, units, rows, years, yoy, ds.catalogue, p.lang, ds.municipalities(),
                                        all_years, notices, capped_from)
        scope = compare_layout.scope_of(f2)
        state = {"cities": ",".join(f2.municipality), "municipality": ",".join(f2.municipality),
                 "year_from": f2.year_from or "", "year_to": f2.year_to or "",
                 "scope": f"{scope[0]}:{scope[1]}" if scope else "", "focus": f2.municipality[0],
                 "no_city": compare_layout.NO_CITY}
        return shell.page(p.lang, "/compare", _search(kwargs), content, ds.fingerprint, state)

    def data_view(**kwargs):
        ds = repo.snapshot()
        p = parse_page_params({"lang": kwargs.get("lang", "")}, None)
        f = parse_filters(kwargs, ds)
        backwards = reversed_years(kwargs.get("year"))
        notices = p.notices + [(i.parameter, i.value, "notice.year_order") if backwards and i.parameter == "year"
                               else (i.parameter, i.value) for i in f.invalid]
        f = Filters(**{**f.__dict__, "invalid": []})
        all_years = sorted({y for c, _ in ds.municipalities() for y in ds.years(c)})
        shown_years = ((str(backwards[0]), str(backwards[1])) if backwards else
                       (str(f.year_from or (all_years[0] if all_years else "")),
                        str(f.year_to or (all_years[-1] if all_years else ""))))
        sort_col, desc, ok = data_page.parse_sort(kwargs.get("sort"))
        if not ok:
            notices.append(("sort", str(kwargs.get("sort"))[:40]))
        page, ok = data_page.parse_page(kwargs.get("page"))
        if not ok:
            notices.append(("page", str(kwargs.get("page"))[:40]))
        key = ("data", ds.fingerprint, repr(sorted(f.as_params().items())), sort_col, desc)
        order = None if backwards else repo.cache.get(key)  # row labels only: a page is cut from the shared frame
        if backwards:  # the impossible choice stays visible and shows nothing, with its notice
            order = ds.enriched.index[:0].to_numpy()
        elif order is None:
            order = data_page.sort_rows(apply_filters(ds, f), sort_col, desc).index.to_numpy()
            repo.cache.set(key, order)
        total = len(order)
        pages = data_page.page_count(total)
        if page > pages:
            notices.append(("page", str(page)))
            page = pages
        part = ds.enriched.loc[order[(page - 1) * data_page.PAGE_SIZE: page * data_page.PAGE_SIZE]]
        search = _search({k: v for k, v in kwargs.items() if k not in ("page",)})
        content = data_page.layout(part, total, page, pages, f, sort_col, desc, ds.catalogue, p.lang,
                                   ds.municipalities(), all_years, search, notices, shown_years)
        fp = f.as_params()
        state = {"cities": ",".join(f.municipality), "q": f.q, "year_from": shown_years[0],
                 "year_to": shown_years[1]}
        state.update({k: fp.get(k, data_page.ANY) for k in ("dimension", "sub_dimension", "category",
                                                            "challenge_area", "band", "status", "verified")})
        return shell.page(p.lang, "/data", _search(kwargs), content, ds.fingerprint, state)

    def not_found_page(**kwargs):
        p = parse_page_params({"lang": kwargs.get("lang", "")}, None)
        return shell.page(p.lang, "/404", "", errors.not_found(p.lang))

    def accessibility_page(**kwargs):
        p = parse_page_params({"lang": kwargs.get("lang", "")}, None)
        return shell.page(p.lang, "/about/accessibility", _search(kwargs), accessibility.layout(p.lang))

    for name, where, render in (
            ("home", {"path": "/"}, home_page), ("snapshot", {"path": "/snapshot"}, overview_page),
            ("challenges", {"path": "/challenges"}, challenges_page),
            ("challenge_area", {"path_template": "/challenges/<area>"}, challenge_area_page),
            ("indicators", {"path": "/indicators"}, indicators_page),
            ("indicator", {"path_template": "/indicators/<kpi>"}, indicator_page),
            ("compare", {"path": "/compare"}, compare_page), ("data", {"path": "/data"}, data_view),
            ("finance", {"path": "/finance"}, finance_page),
            ("accessibility", {"path": "/about/accessibility"}, accessibility_page),
            ("about", {"path": "/about"}, about_page)):
        dash.register_page(name, layout=guarded(render, repo, name), title=page_title, name=name, **where)
    dash.register_page("not_found_404", path="/404", layout=guarded(not_found_page, repo, None), title=page_title)
