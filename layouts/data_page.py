"""``/data``: every observation joined with the catalogue, filtered, sorted and paged on the server."""

from __future__ import annotations

import math
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from data.catalogue import Catalogue
from data.export import XLSX_MAX_ROWS
from data.filters import Filters
from data.observations import STATUSES
from data.taxonomy import CATEGORIES, CHALLENGE_AREAS, DIMENSIONS, SUB_DIMENSIONS, name_of

from . import ids
from .components import band_badge, illustrative_banner, notices, status_label
from .formatting import fmt_number, fmt_value, year_text
from .i18n import t
from .urls import with_params

PAGE_SIZE = 50
SORTABLE = ("kpi_code", "municipality_name", "year", "value", "band_used", "status", "dimension", "category")
COLUMNS = ("kpi_code", "kpi_name", "dimension", "sub_dimension", "category", "challenge_area", "municipality_name",
           "year", "data_point", "value", "unit", "target", "band_used", "points", "status", "verified", "quality",
           "source")
NUMERIC_COLS = {"year", "value", "target", "points"}


def parse_sort(raw: str | None) -> tuple[str, bool, bool]:
    """``-year`` -> (column, descending, valid)."""
    text = (raw or "").strip()
    if not text:
        return "", False, True
    desc = text.startswith("-")
    col = text.lstrip("-")
    if col not in SORTABLE:
        return "", False, False
    return col, desc, True


def parse_page(raw: str | None) -> tuple[int, bool]:
    text = (raw or "").strip()
    if not text:
        return 1, True
    if text.isdigit() and 0 < len(text) <= 7 and int(text) >= 1:
        return int(text), True
    return 1, False


def sort_rows(rows: pd.DataFrame, col: str, desc: bool) -> pd.DataFrame:
    if not col:
        return rows
    keys = [col] + [c for c in ("municipality_code", "year", "kpi_code", "data_point") if c != col]
    sortable = rows.assign(**{c: rows[c].astype(str) for c in keys if str(rows[c].dtype) == "category"})
    order = sortable.sort_values(keys, ascending=[not desc] + [True] * (len(keys) - 1), na_position="last",
                                 kind="stable").index
    return rows.loc[order]


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


def filter_controls(f: Filters, lang: str, munis, years: list[int], q: str) -> html.Div:
    p = f.as_params()
    subs = [(k, name_of(SUB_DIMENSIONS, k, lang)) for k in SUB_DIMENSIONS]
    cats = [(k, f"{name_of(CATEGORIES, k, lang)} ({name_of(SUB_DIMENSIONS, k.rsplit(':', 1)[0].strip(), lang)})")
            for k in CATEGORIES]
    return html.Div(html.Fieldset([
        html.Legend(t("data.filters", lang), className="visually-hidden"),
        _select("cities", t("controls.municipality", lang), list(munis), p.get("municipality", ""), lang),
        _select("year", t("controls.year", lang), [(str(y), str(y)) for y in reversed(years)], p.get("year", ""),
                lang),
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
        html.Summary(t("data.export", lang, n=fmt_number(total, lang, 0)), id="export-summary"),
        html.Ul(links, className="export-links"),
        html.P(t("data.export.note", lang), className="small"),
    ], className="export-menu", id="export-menu")


def _header(col: str, label: str, search: str, sort_col: str, desc: bool, lang: str) -> html.Th:
    cls = "num" if col in NUMERIC_COLS else None
    key = {"band_used": "band_used"}.get(col, col)
    if key not in SORTABLE:
        return html.Th(label, scope="col", className=cls)
    is_sorted = key == sort_col
    next_sort = ("" if desc else f"-{key}") if is_sorted else key
    state = ("descending" if desc else "ascending") if is_sorted else "none"
    arrow = ("▼" if desc else "▲") if is_sorted else "↕"
    hint = t(f"data.sort.{state}", lang)
    return html.Th(dcc.Link([label, " ", html.Span(arrow, **{"aria-hidden": "true"}),
                             html.Span(f" ({hint})", className="visually-hidden")],
                            href="/data" + with_params(search, sort=next_sort or None, page=None),
                            className="sort-link"),
                   scope="col", className=cls, **{"aria-sort": state})


def layout(rows: pd.DataFrame, total: int, page: int, pages: int, f: Filters, sort_col: str, desc: bool,
           catalogue: Catalogue, lang: str, munis, years, search: str, param_notices) -> list:
    content: list = []
    if (rows["status"] == "illustrative").any() if len(rows) else False:
        content.append(illustrative_banner(lang))
    n = notices(param_notices, lang)
    if n is not None:
        content.append(n)
    first = (page - 1) * PAGE_SIZE + 1 if total else 0
    last = min(page * PAGE_SIZE, total)
    content += [
        html.H1(t("data.title", lang)),
        html.P(t("data.intro", lang), className="lead-text"),
        filter_controls(f, lang, munis, years, f.q),
        html.Div([
            html.P(t("data.count", lang, n=fmt_number(total, lang, 0), first=fmt_number(first, lang, 0),
                     last=fmt_number(last, lang, 0)), id="data-count", className="result-count", role="status"),
            dcc.Link(t("data.reset", lang), href="/data" + with_params("", lang=None if lang == "nb" else lang),
                     className="reset-link"),
        ], className="data-summary"),
        _export_menu(f, lang, total),
    ]
    head = [_header(c, t(f"data.col.{c}", lang), search, sort_col, desc, lang) for c in COLUMNS]
    body = []
    for r in rows.itertuples(index=False):
        kpi = catalogue[str(r.kpi_code)]
        dp = kpi.data_point(r.data_point) if r.data_point else None
        band = None if pd.isna(r.band_used) else int(r.band_used)
        cells = [
            html.Th(dcc.Link(kpi.code, href=f"/indicators/{kpi.slug}" + with_params("", lang=None if lang == "nb"
                                                                                      else lang)), scope="row"),
            html.Td(kpi.name(lang)),
            html.Td(name_of(DIMENSIONS, kpi.dimension, lang)),
            html.Td(name_of(SUB_DIMENSIONS, kpi.sub_dimension_code, lang)),
            html.Td(name_of(CATEGORIES, kpi.category_code, lang)),
            html.Td(", ".join(name_of(CHALLENGE_AREAS, a, lang) for a in str(r.challenge_area).split(",") if a)),
            html.Td(r.municipality_name),
            html.Td(year_text(r.year, r.year_basis, lang), className="num"),
            html.Td(dp.label(lang) if dp else ""),
            html.Td(fmt_value(r.value, lang), className="num"),
            html.Td(kpi.unit(lang, r.data_point)),
            html.Td("n/a" if r.target_na else fmt_value(r.target, lang), className="num"),
            html.Td(band_badge(band, lang)),
            html.Td("–" if band is None else str(band), className="num"),
            html.Td(status_label(str(r.status), lang)),
            html.Td(t(f"verified.{r.verified or 'unknown'}", lang)),
            html.Td(r.quality),
            html.Td(r.source, className="long-text"),
        ]
        body.append(html.Tr(cells))
    caption = t("data.caption", lang, first=fmt_number(first, lang, 0), last=fmt_number(last, lang, 0),
                n=fmt_number(total, lang, 0))
    if total:
        content.append(html.Div(html.Table([html.Caption(caption), html.Thead(html.Tr(head)), html.Tbody(body)],
                                           className="table table-sm data-table", id="data-table"),
                                className="table-responsive", tabIndex=0, role="region", **{"aria-label": caption}))
    else:
        content.append(html.P(t("data.none", lang), id="data-none", className="empty-result"))
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


def page_count(total: int) -> int:
    return max(1, math.ceil(total / PAGE_SIZE))
