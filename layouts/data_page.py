"""``/data``: every observation joined with the catalogue, filtered, sorted and paged on the server."""

from __future__ import annotations

from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from data.catalogue import Catalogue
from data.export import XLSX_MAX_ROWS
from data.filters import Filters
from data.observations import STATUSES
from data.table import PAGE_SIZE, SORTABLE
from data.taxonomy import CATEGORIES, CHALLENGE_AREAS, DIMENSIONS, SUB_DIMENSIONS, name_of

from . import ids
from .components import band_badge, data_text, illustrative_banner, notices, scroll_region, status_label
from .formatting import fmt_number, fmt_value, year_text
from .i18n import t
from .urls import with_params

# what the table shows in columns (visible at 1280 px); the rest of a row opens in its "details" cell
COLUMNS = ("kpi_code", "municipality_name", "year", "data_point", "value", "unit", "target", "band_used", "status",
           "details")
DETAILS = ("dimension", "sub_dimension", "category", "challenge_area", "points", "verified", "quality", "source",
           "note")
NUMERIC_COLS = {"year", "value", "target"}


ANY = "all"  # the "no filter" choice of a select (an empty value would show as a blank select)


def _select(param: str, label: str, options: list[tuple[str, str]], value: str, lang: str) -> html.Div:
    opts = [{"label": t("data.all", lang), "value": ANY}] + [{"label": lab, "value": v} for v, lab in options]
    value = value or ANY
    if value and value not in {v for v, _ in options}:
        opts.append({"label": value, "value": value})  # a multi-value or range from the URL
    return html.Div([
        dbc.Label(label, html_for=ids.dom_id(ids.url_param(param))),
        dbc.Select(id=ids.url_param(param), value=value, options=opts),
    ], className="control")


def _cities(chosen: tuple[str, ...], munis, lang: str) -> html.Div:
    """Several municipalities: a disclosure whose summary says the choice in words, holding a checkbox list."""
    names = dict(munis)
    said = ", ".join(names.get(c, c) for c in chosen) if chosen else t("data.cities.all", lang)
    return html.Div(html.Details([
        html.Summary([html.Span(t("controls.municipality", lang), className="form-label d-block"),
                      html.Span(said, className="multi-summary")], id="data-cities-summary"),
        html.Fieldset([
            html.Legend(t("data.cities.legend", lang), className="visually-hidden"),
            dbc.Checklist(id=ids.url_param("cities"), value=list(chosen),
                          options=[{"label": n, "value": c} for c, n in munis], className="multi-list"),
        ]),
    ], className="multi-choice", id="data-cities"), className="control control-wide")


def _years(year_from: str, year_to: str, years: list[int], lang: str) -> list[html.Div]:
    opts = [{"label": str(y), "value": str(y)} for y in years]
    return [html.Div([
        dbc.Label(t(f"cmp.{key}", lang), html_for=ids.dom_id(ids.url_param(key))),
        dbc.Select(id=ids.url_param(key), value=value, options=opts),
    ], className="control control-year") for key, value in (("year_from", year_from), ("year_to", year_to))]


def filter_controls(f: Filters, lang: str, munis, years: list[int], q: str, shown_years: tuple[str, str]) -> html.Div:
    p = f.as_params()
    subs = [(k, name_of(SUB_DIMENSIONS, k, lang)) for k in SUB_DIMENSIONS]
    cats = [(k, f"{name_of(CATEGORIES, k, lang)} ({name_of(SUB_DIMENSIONS, k.rsplit(':', 1)[0].strip(), lang)})")
            for k in CATEGORIES]
    return html.Div(html.Fieldset([
        html.Legend(t("data.filters", lang), className="visually-hidden"),
        _cities(f.municipality, munis, lang),
        *_years(shown_years[0], shown_years[1], years, lang),
        _select("dimension", t("table.dimension", lang), [(k, name_of(DIMENSIONS, k, lang)) for k in DIMENSIONS],
                p.get("dimension", ""), lang),
        _select("sub_dimension", t("cmp.scope.sub_dimension", lang), subs, p.get("sub_dimension", ""), lang),
        _select("category", t("cmp.scope.category", lang), cats, p.get("category", ""), lang),
        _select("challenge_area", t("cmp.scope.challenge_area", lang),
                [(k, name_of(CHALLENGE_AREAS, k, lang)) for k in CHALLENGE_AREAS], p.get("challenge_area", ""), lang),
        _select("band", t("table.band", lang), [(str(b), t(f"band.{b}", lang)) for b in (4, 3, 2, 1)],
                p.get("band", ""), lang),
        _select("status", t("table.status", lang), [(s, t(f"status.{s}", lang)) for s in STATUSES],
                p.get("status", ""), lang),
        _select("verified", t("kpi.col.verified", lang), [("yes", t("verified.yes", lang)),
                                                         ("no", t("verified.no", lang))], p.get("verified", ""), lang),
        html.Div([
            dbc.Label(t("data.search", lang), html_for=ids.dom_id(ids.url_param("q"))),
            dbc.Input(id=ids.url_param("q"), type="search", value=q, debounce=True, maxLength=200,
                      autoComplete="off"),
        ], className="control control-wide"),
    ], className="controls"), className="controls-form", role="search", **{"aria-label": t("data.filters", lang)})


def chips(f: Filters, search: str, munis, lang: str) -> html.Div | None:
    """The choice in words, one chip per filter, each a link that removes it."""
    names = dict(munis)
    p = f.as_params()
    out = []

    def chip(param: str, label: str, text: str, **drop) -> html.Li:
        href = "/data" + with_params(search, page=None, **({param: None} | drop))
        return html.Li(dcc.Link([html.Span(f"{label}: ", className="chip-label"), text,
                                 html.Span(" ✕", **{"aria-hidden": "true"}),
                                 html.Span(f" ({t('data.chip.remove', lang)})", className="visually-hidden")],
                                href=href, className="chip"))

    if f.municipality:
        out.append(chip("municipality", t("controls.municipality", lang),
                        ", ".join(names.get(c, c) for c in f.municipality)))
    if f.year_from is not None:
        text = str(f.year_from) if f.year_from == f.year_to else f"{f.year_from}–{f.year_to}"
        out.append(chip("year", t("controls.year", lang), text))
    for param, table, key in (("dimension", DIMENSIONS, "table.dimension"),
                              ("sub_dimension", SUB_DIMENSIONS, "cmp.scope.sub_dimension"),
                              ("category", CATEGORIES, "cmp.scope.category"),
                              ("challenge_area", CHALLENGE_AREAS, "cmp.scope.challenge_area")):
        chosen = getattr(f, param)
        if chosen:
            out.append(chip(param, t(key, lang), ", ".join(name_of(table, c, lang) for c in chosen)))
    if "band" in p:
        out.append(chip("band", t("table.band", lang), ", ".join(t(f"band.{b}", lang) for b in p["band"].split(","))))
    if "status" in p:
        out.append(chip("status", t("table.status", lang),
                        ", ".join(t(f"status.{x}", lang) for x in p["status"].split(","))))
    if "verified" in p:
        out.append(chip("verified", t("kpi.col.verified", lang), t(f"verified.{p['verified']}", lang)))
    if f.q:
        out.append(chip("q", t("data.search", lang), f"«{f.q}»" if lang == "nb" else f"“{f.q}”"))
    if not out:
        return None
    return html.Div([html.Span(t("data.chips", lang), className="chips-lead", id="data-chips-lead"),
                     html.Ul(out, className="chips", **{"aria-labelledby": "data-chips-lead"})],
                    className="chip-row", id="data-chips")


def _export_menu(f: Filters, lang: str, total: int) -> html.Details:
    params = {**f.as_params(), "lang": lang}
    query = "?" + urlencode(params)
    links = [html.Li(html.A(t("data.export.csv", lang), href=f"/api/v1/observations.csv{query}", download="",
                            id="export-csv")),
             html.Li(html.A(t("data.export.parquet", lang), href=f"/api/v1/observations.parquet{query}", download="",
                            id="export-parquet"))]
    if total <= XLSX_MAX_ROWS:
        links.insert(1, html.Li(html.A(t("data.export.xlsx", lang), href=f"/api/v1/observations.xlsx{query}",
                                       download="", id="export-xlsx")))
    else:
        links.insert(1, html.Li(t("data.export.xlsx_too_big", lang, n=fmt_number(total, lang, 0),
                                  max=fmt_number(XLSX_MAX_ROWS, lang, 0))))
    return html.Details([
        html.Summary(t("data.export", lang, count=total, n=fmt_number(total, lang, 0)), id="export-summary"),
        html.Ul(links, className="export-links"),
        html.P(t("data.export.note", lang), className="small"),
    ], className="export-menu", id="export-menu")


def _header(col: str, label: str, search: str, sort_col: str, desc: bool, lang: str) -> html.Th:
    cls = "num" if col in NUMERIC_COLS else None
    key = {"band_used": "band_used"}.get(col, col)
    if key not in SORTABLE:
        return html.Th(label, scope="col", className=cls, role="columnheader")
    is_sorted = key == sort_col
    next_sort = ("" if desc else f"-{key}") if is_sorted else key
    state = ("descending" if desc else "ascending") if is_sorted else "none"
    arrow = ("▼" if desc else "▲") if is_sorted else "↕"
    hint = t(f"data.sort.{state}", lang)
    return html.Th(dcc.Link([label, " ", html.Span(arrow, **{"aria-hidden": "true"}),
                             html.Span(f" ({hint})", className="visually-hidden")],
                            href="/data" + with_params(search, sort=next_sort or None, page=None),
                            className="sort-link"),
                   scope="col", className=cls, role="columnheader", **{"aria-sort": state})


def _details(r, kpi, band: int | None, lang: str) -> html.Details:
    """The rest of a row (framework place, points, verification, source, note), opened per row by keyboard or
    pointer; its summary names the row for screen readers."""
    items = [
        ("dimension", name_of(DIMENSIONS, kpi.dimension, lang)),
        ("sub_dimension", name_of(SUB_DIMENSIONS, kpi.sub_dimension_code, lang)),
        ("category", name_of(CATEGORIES, kpi.category_code, lang)),
        ("challenge_area", ", ".join(name_of(CHALLENGE_AREAS, a, lang) for a in str(r.challenge_area).split(",") if a)
         or "–"),
        ("points", "–" if band is None else str(band)),
        ("verified", t(f"verified.{r.verified or 'unknown'}", lang)),
        ("quality", r.quality or "–"),
        ("source", data_text(r.source, lang)),
        ("note", data_text(r.note, lang)),
    ]
    dl = []
    for key, value in items:
        dl += [html.Dt(t(f"data.col.{key}", lang)), html.Dd(value)]
    return html.Details([
        html.Summary([t("data.details.open", lang),
                      html.Span(f" {kpi.code}, {r.municipality_name}, {r.year}", className="visually-hidden")]),
        html.Dl(dl, className="row-details"),
    ], className="row-more")


def layout(rows: pd.DataFrame, total: int, page: int, pages: int, f: Filters, sort_col: str, desc: bool,
           catalogue: Catalogue, lang: str, munis, years, search: str, param_notices,
           shown_years: tuple[str, str] | None = None) -> list:
    content: list = []
    if (rows["status"] == "illustrative").any() if len(rows) else False:
        content.append(illustrative_banner(lang))
    n = notices(param_notices, lang)
    if n is not None:
        content.append(n)
    first = (page - 1) * PAGE_SIZE + 1 if total else 0
    last = min(page * PAGE_SIZE, total)
    shown_years = shown_years or (str(f.year_from or (years[0] if years else "")),
                                  str(f.year_to or (years[-1] if years else "")))
    count = (t("data.count", lang, count=total, n=fmt_number(total, lang, 0), first=fmt_number(first, lang, 0),
               last=fmt_number(last, lang, 0)) if total else t("data.none", lang))
    content += [
        html.H1(t("data.title", lang)),
        html.P(t("data.intro", lang), className="lead-text"),
        filter_controls(f, lang, munis, years, f.q, shown_years),
        chips(f, search, munis, lang),
        html.Div([
            html.P(count, id="data-count", className="result-count", role="status"),
            dcc.Link(t("data.reset", lang), href="/data" + with_params("", lang=None if lang == "nb" else lang),
                     className="reset-link"),
        ], className="data-summary"),
    ]
    if total:  # an empty result offers no download
        content.append(_export_menu(f, lang, total))
    labels = [t(f"data.col.{c}", lang) for c in COLUMNS]
    head = [_header(c, label, search, sort_col, desc, lang) for c, label in zip(COLUMNS, labels)]
    body = []
    for r in rows.itertuples(index=False):
        kpi = catalogue[str(r.kpi_code)]
        dp = kpi.data_point(r.data_point) if r.data_point else None
        band = None if pd.isna(r.band_used) else int(r.band_used)
        values = [
            (r.municipality_name, None),
            (year_text(r.year, r.year_basis, lang), "num"),
            (dp.label(lang) if dp else "–", None),
            (fmt_value(r.value, lang), "num value-cell"),
            (kpi.unit(lang, r.data_point), None),
            ("n/a" if r.target_na else fmt_value(r.target, lang), "num"),
            (band_badge(band, lang), None),
            (status_label(str(r.status), lang), None),
            (_details(r, kpi, band, lang), None),
        ]
        # explicit roles keep the table a table for screen readers when a phone's style sheet stacks each row
        # into a block; data-label names each value there (style.css)
        cells = [html.Th([dcc.Link(kpi.code, href=f"/indicators/{kpi.slug}" + with_params("", lang=None if lang == "nb"
                                                                                            else lang)),
                          html.Span(kpi.name(lang), className="kpi-name")], scope="row", className="kpi-cell",
                         role="rowheader")]
        cells += [html.Td(v, className=c, role="cell", **{"data-label": label})
                  for (v, c), label in zip(values, labels[1:])]
        body.append(html.Tr(cells, role="row"))
    caption = t("data.caption", lang, first=fmt_number(first, lang, 0), last=fmt_number(last, lang, 0),
                n=fmt_number(total, lang, 0))
    if total:
        content.append(scroll_region(html.Table([html.Caption(caption),
                                                 html.Thead(html.Tr(head, role="row"), role="rowgroup"),
                                                 html.Tbody(body, role="rowgroup")],
                                                className="table table-sm data-table stack-on-phone", id="data-table",
                                                role="table"), caption))

    if pages > 1:
        def link(p: int, key: str, link_id: str):
            return dcc.Link(t(key, lang), href="/data" + with_params(search, page=None if p == 1 else p),
                            className="page-link-a", id=link_id)
        nav = []
        if page > 1:
            nav += [link(1, "data.page.first", "page-first"), link(page - 1, "data.page.prev", "page-prev")]
        nav.append(html.Span(t("data.page.of", lang, page=fmt_number(page, lang, 0), pages=fmt_number(pages, lang, 0)),
                             className="page-status"))
        if page < pages:
            nav += [link(page + 1, "data.page.next", "page-next"), link(pages, "data.page.last", "page-last")]
        content.append(html.Nav(nav, className="pager", **{"aria-label": t("data.page.label", lang)}))
    return content
