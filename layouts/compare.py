"""``/compare``: KPIs x municipalities for a scope, and year-over-year change for one municipality."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from data.catalogue import Catalogue
from data.filters import Filters
from data.queries import value_kind
from data.taxonomy import CATEGORIES, CHALLENGE_AREAS, DIMENSIONS, SUB_DIMENSIONS, name_of

from . import ids
from .challenges import unit_label
from .components import band_badge, data_table, illustrative_banner, notices, plain_text, status_label
from .figures import band_matrix
from .formatting import fmt_signed, fmt_value, year_text
from .i18n import BAND_SYMBOLS, t
from .indicators import kpi_href

MATRIX_LABELS_PX, MATRIX_COLUMN_PX = 170, 90  # the KPI names' column; one municipality's column

SCOPE_KINDS = (("dimension", DIMENSIONS), ("sub_dimension", SUB_DIMENSIONS), ("category", CATEGORIES),
               ("challenge_area", CHALLENGE_AREAS))


ALL_SCOPE = ("dimension", ",".join(DIMENSIONS))
DEFAULT_SCOPE = ("challenge_area", "transport")


def scope_of(f: Filters) -> tuple[str, str] | None:
    """The one scope the page shows; every dimension at once is "all indicators"."""
    if set(f.dimension) == set(DIMENSIONS):
        return ALL_SCOPE
    for kind, _ in SCOPE_KINDS:
        v = getattr(f, kind)
        if v:
            return kind, v[0]
    return None


def scope_name(scope: tuple[str, str] | None, lang: str) -> str:
    if scope is None or scope == ALL_SCOPE:
        return t("cmp.scope.all", lang)
    table = dict(SCOPE_KINDS)[scope[0]]
    return name_of(table, scope[1], lang)


def _scope_options(lang: str) -> list[dict]:
    opts = [{"label": t("cmp.scope.all", lang), "value": ":".join(ALL_SCOPE)}]
    for kind, table in SCOPE_KINDS:
        group = t(f"cmp.scope.{kind}", lang)
        for key in table:
            label = name_of(table, key, lang)
            if kind == "category":
                label = f"{label} ({name_of(SUB_DIMENSIONS, key.rsplit(':', 1)[0].strip(), lang)})"
            opts.append({"label": f"{group}: {label}", "value": f"{kind}:{key}"})
    return opts


def form(lang: str, munis, chosen: list[str], all_years: list[int], year_from: int | None, year_to: int | None,
         scope: tuple[str, str] | None) -> html.Div:
    year_opts = [{"label": str(y), "value": str(y)} for y in all_years]
    focus_opts = [{"label": n, "value": c} for c, n in munis if c in chosen]
    scope_value = f"{scope[0]}:{scope[1]}" if scope else ""
    return html.Div(html.Fieldset([
        html.Legend(t("cmp.legend", lang), className="visually-hidden"),
        html.Div([
            html.Fieldset([
                html.Legend(t("cmp.cities", lang), className="form-label"),
                dbc.Checklist(id=ids.url_param("cities"), value=chosen, inline=True,
                              options=[{"label": n, "value": c} for c, n in munis]),
            ], className="city-choice"),
        ], className="control control-wide"),
        html.Div([
            dbc.Label(t("cmp.year_from", lang), html_for=ids.dom_id(ids.url_param("year_from"))),
            dbc.Select(id=ids.url_param("year_from"), value=str(year_from) if year_from else None, options=year_opts),
        ], className="control"),
        html.Div([
            dbc.Label(t("cmp.year_to", lang), html_for=ids.dom_id(ids.url_param("year_to"))),
            dbc.Select(id=ids.url_param("year_to"), value=str(year_to) if year_to else None, options=year_opts),
        ], className="control"),
        html.Div([
            dbc.Label(t("cmp.scope", lang), html_for=ids.dom_id(ids.url_param("scope"))),
            dbc.Select(id=ids.url_param("scope"), value=scope_value, options=_scope_options(lang)),
        ], className="control control-wide control-scope"),
        html.Div([
            dbc.Label(t("cmp.focus", lang), html_for=ids.dom_id(ids.url_param("focus"))),
            dbc.Select(id=ids.url_param("focus"), value=chosen[0] if chosen else None, options=focus_opts),
        ], className="control"),
    ], className="controls"), className="controls-form", role="search", **{"aria-label": t("cmp.legend", lang)})


NO_CITY = "none"  # ?municipality=none: the user unticked every city (kept visible, not replaced by all of them)

STATE_SYMBOLS = {"no_band": "□", "no_benchmark": "◇", "not_reported": "✕", "no_value": "✕", "missing": "–"}
ILLUSTRATIVE_MARK = "*"


def cell_state(r) -> str:
    """What a matrix cell holds: a band (1-4), a value without band, a value without benchmark, not reported,
    no figure, or nothing at all (missing). Told apart by symbol and text, never by colour alone."""
    if r is None:
        return "missing"
    if r.exclusion == "not_reported":
        return "not_reported"
    if pd.isna(r.value):
        return "no_value"
    if not pd.isna(r.band_used):
        return f"band{int(r.band_used)}"
    return "no_benchmark" if bool(r.target_na) else "no_band"


def _short_value(value: float, unit: str, lang: str) -> str:
    return fmt_value(value, lang) + (" %" if unit.startswith("%") else "")


def _cell(r, state: str, catalogue: Catalogue, lang: str) -> list:
    kpi = catalogue[r.kpi_code]
    if state in ("not_reported", "no_value"):
        value = t(f"cmp.state.{state}", lang)
    else:
        value = f"{fmt_value(r.value, lang)} {kpi.unit(lang, r.data_point)}"
    band = int(r.band_used) if state.startswith("band") else None
    what = band_badge(band, lang) if band else html.Span(
        [html.Span(STATE_SYMBOLS[state], **{"aria-hidden": "true"}), " ", t(f"cmp.state.{state}", lang)],
        className=f"cell-state state-{state}")
    return [html.Span(value, className="cell-value"), " ",
            html.Span(f"({year_text(r.year, r.year_basis, lang)})", className="cell-year"),
            html.Br(), what, html.Br(), status_label(str(r.status), lang)]


def matrix_summary(units: list[tuple[str, str]], rows: pd.DataFrame, chosen: list[str]) -> dict:
    """Counts of the matrix's cells by state (they add up to ``cells``) and the basis for a ranking sentence."""
    by_key = {(r.municipality_code, r.kpi_code, r.data_point): r for r in rows.itertuples(index=False)}
    counts = {"cells": len(units) * len(chosen), "banded": 0, "value": 0, "not_reported": 0, "missing": 0}
    top = {m: 0 for m in chosen}
    banded = {m: 0 for m in chosen}
    kinds: dict[str, set[str]] = {m: set() for m in chosen}
    for code, dp in units:
        for m in chosen:
            r = by_key.get((m, code, dp))
            state = cell_state(r)
            if state == "missing":
                counts["missing"] += 1
            elif state in ("not_reported", "no_value"):
                counts["not_reported"] += 1
            else:
                counts["value"] += 1
                if state.startswith("band"):
                    counts["banded"] += 1
                    banded[m] += 1
                    kinds[m].add(value_kind(str(r.status)))
                    top[m] += state == "band4"
    counts.update(top=top, banded_by=banded, kinds=kinds)
    return counts


def ranking(summary: dict, chosen: list[str]) -> tuple[str, list[str]]:
    """Whether "who has the most values in the top band" may be said, and if not, why.

    Returns (``best``, [city]) or a reason: ``none`` (no city has bands), ``one`` (only one has),
    ``mixed`` (bands of illustrative and published values), with the cities it concerns."""
    with_bands = [m for m in chosen if summary["banded_by"][m]]
    if not with_bands:
        return "none", []
    if len(with_bands) == 1:
        return "one", with_bands
    kinds = set().union(*(summary["kinds"][m] for m in with_bands))
    if len(kinds) > 1:
        return "mixed", [m for m in with_bands if summary["kinds"][m] - {"published"}]
    best = max(with_bands, key=lambda m: summary["top"][m])
    return "best", [best]


def matrix_block(units: list[tuple[str, str]], rows: pd.DataFrame, catalogue: Catalogue, lang: str, munis,
                 chosen: list[str], scope_label: str, muni: str) -> list:
    names = dict(munis)
    if not units or not chosen:
        return [html.P(t("cmp.empty", lang), id="compare-sentence", className="chart-sentence")]
    by_key = {(r.municipality_code, r.kpi_code, r.data_point): r for r in rows.itertuples(index=False)}
    labels = [unit_label(catalogue, c, dp, lang) for c, dp in units]
    states, texts, hover, table_rows = [], [], [], []
    for (code, dp), label in zip(units, labels):
        s_row, x_row, h_row = [], [], []
        kpi = catalogue[code]
        cells: list = [html.A(label, href=kpi_href(kpi, lang, muni))]
        for m in chosen:
            r = by_key.get((m, code, dp))
            state = cell_state(r)
            s_row.append(state)
            if r is None:
                x_row.append(STATE_SYMBOLS["missing"])
                h_row.append(f"{names.get(m, m)} – {label}: {t('cmp.state.missing', lang)}")
                cells.append(html.Span(t("cmp.state.missing", lang), className="missing"))
                continue
            mark = f" {ILLUSTRATIVE_MARK}" if str(r.status) == "illustrative" else ""
            if state in ("not_reported", "no_value"):
                x_row.append(STATE_SYMBOLS[state] + mark)
                value = t(f"cmp.state.{state}", lang)
            else:
                symbol = BAND_SYMBOLS[int(r.band_used)] if state.startswith("band") else STATE_SYMBOLS[state]
                x_row.append(f"{symbol} {_short_value(r.value, kpi.unit('en', dp), lang)}{mark}")
                value = f"{fmt_value(r.value, lang)} {kpi.unit(lang, dp)}"
            what = t(f"band.{int(r.band_used)}", lang) if state.startswith("band") else t(f"cmp.state.{state}", lang)
            h_row.append(f"{names.get(m, m)} {year_text(r.year, r.year_basis, lang)} – {label}: {value}; {what}; "
                         f"{t('status.' + str(r.status), lang)}; {t('kpi.source', lang)}: {plain_text(r.source, lang) or '–'}")
            cells.append(_cell(r, state, catalogue, lang))
        states.append(s_row)
        texts.append(x_row)
        hover.append(h_row)
        table_rows.append(cells)
    city_names = [names.get(m, m) for m in chosen]
    summary = matrix_summary(units, rows, chosen)
    sentence = t("cmp.sentence", lang, n=len(units), scope=scope_label, cities=", ".join(city_names),
                 cells=summary["cells"], value=summary["value"], banded=summary["banded"],
                 not_reported=summary["not_reported"], missing=summary["missing"])
    verdict, who = ranking(summary, chosen)
    who_names = ", ".join(names.get(m, m) for m in who)
    if verdict == "best":
        best = who[0]
        rank_sentence = t("cmp.rank.best", lang, best=names.get(best, best), k=summary["top"][best],
                          n=summary["banded_by"][best])
    else:
        rank_sentence = t(f"cmp.rank.{verdict}", lang, cities=who_names)
    legend = [html.Li([html.Span(BAND_SYMBOLS[b], **{"aria-hidden": "true"}), " ", t(f"band.{b}", lang)])
              for b in (4, 3, 2, 1)]
    legend += [html.Li([html.Span(STATE_SYMBOLS[s], **{"aria-hidden": "true"}), " ", t(f"cmp.state.{s}", lang)])
               for s in ("no_band", "no_benchmark", "not_reported", "missing")]
    legend.append(html.Li([html.Span(ILLUSTRATIVE_MARK, **{"aria-hidden": "true"}), " ",
                           t("status.illustrative", lang)]))
    return [
        html.P([sentence, " ", html.Span(rank_sentence, id="compare-rank-sentence")], id="compare-sentence",
               className="chart-sentence"),
        html.P(t("cmp.years_note", lang), className="small"),
        # each municipality's column keeps room for its longest cell text ("◕ 100 % *"): on a phone the matrix
        # scrolls sideways in its own labelled region instead of printing the texts over each other
        html.Div(html.Div(dcc.Graph(id="compare-graph", figure=band_matrix(labels, city_names, states, texts, hover,
                                                                           lang),
                                    config={"displayModeBar": False, "responsive": True}),
                          className="chart", style={"minWidth": f"{MATRIX_LABELS_PX + MATRIX_COLUMN_PX * len(city_names)}px"},
                          **{"aria-describedby": "compare-sentence"}),
                 className="matrix-scroll", tabIndex=0, role="region",
                 **{"aria-label": t("cmp.matrix.region", lang), "data-scroll-region": "chart"}),
        html.Ul(legend, className="matrix-legend", id="compare-legend", **{"aria-label": t("cmp.legend.label", lang)}),
        data_table(t("cmp.table.caption", lang, scope=scope_label), [t("cmp.col.kpi", lang)] + city_names,
                   table_rows, table_id="compare-table"),
    ]


def yoy_block(years: list[int], rows: pd.DataFrame, catalogue: Catalogue, lang: str, city: str,
              scope_label: str, muni: str) -> list:
    block: list = [html.H2(t("cmp.yoy.heading", lang, city=city), id="yoy-heading")]
    if len(years) < 2:
        block.append(html.P(t("cmp.yoy.too_few", lang, city=city, years=", ".join(map(str, years)) or "–"),
                            id="yoy-sentence"))
        return block
    last, prev = years[-1], years[-2]
    latest = rows[(rows["year"] == last) & rows["change"].notna()]
    up, down = int((latest["change"] > 0).sum()), int((latest["change"] < 0).sum())
    block.append(html.P(t("cmp.yoy.sentence", lang, city=city, prev=prev, last=last, up=up, down=down,
                          same=len(latest) - up - down, scope=scope_label), id="yoy-sentence"))
    table_rows = []
    order = {k.code: i for i, k in enumerate(catalogue)}
    rows = rows.assign(_o=rows["kpi_code"].map(order)).sort_values(["_o", "data_point", "year"], kind="stable")
    for (code, dp), g in rows.groupby(["kpi_code", "data_point"], sort=False):
        kpi = catalogue[code]
        by_year = {int(r.year): r for r in g.itertuples(index=False)}
        cells: list = [html.A(unit_label(catalogue, code, dp, lang), href=kpi_href(kpi, lang, muni))]
        for y in years:
            r = by_year.get(y)
            if r is None:
                cells.append(html.Span(t("cmp.missing", lang), className="missing"))
                continue
            value = t("status.not_reported", lang) if r.status == "not_reported" else fmt_value(r.value, lang)
            parts: list = [value]
            if not pd.isna(r.change):
                rel = f"; {fmt_signed(r.change_pct, lang, pct=True)}" if not pd.isna(r.change_pct) else ""
                parts += [html.Br(), html.Small(f"{fmt_signed(r.change, lang)}{rel}", className="change")]
            if r.status == "illustrative":  # said at the value, as in the matrix above
                parts += [html.Br(), status_label("illustrative", lang)]
            cells.append(parts)
        table_rows.append(cells)
    block.append(html.P(t("cmp.yoy.note", lang), className="small"))
    block.append(data_table(t("cmp.yoy.caption", lang, city=city, scope=scope_label),
                            [t("cmp.col.kpi", lang)] + [str(y) for y in years], table_rows,
                            numeric=set(range(1, len(years) + 1)), table_id="yoy-table"))
    return block


MAX_MATRIX_CITIES = 12  # the matrix is read cell by cell: more columns help no one and cost every other user


def blocked(f: Filters, lang: str, munis, all_years, param_notices, shown_years: tuple[int, int]) -> list:
    """No city ticked, or a "from" year after the "to" year: the notice, and the form still showing the choice."""
    return [notices(param_notices, lang), html.H1(t("cmp.title", lang)), html.P(t("cmp.intro", lang),
                                                                                className="lead-text"),
            form(lang, munis, list(f.municipality), all_years, shown_years[0], shown_years[1], scope_of(f))]


def layout(f: Filters, units, rows, years, yoy_rows, catalogue: Catalogue, lang: str, munis, all_years,
           param_notices, capped_from: int | None = None) -> list:
    content = _layout(f, units, rows, years, yoy_rows, catalogue, lang, munis, all_years, param_notices, capped_from)
    chosen = list(f.municipality)
    if chosen:
        from .peers import placeholder

        scope = scope_of(f) or ALL_SCOPE
        content.append(placeholder({"municipality": chosen[0], "name": dict(munis).get(chosen[0], chosen[0]),
                                    "scope": f"{scope[0]}:{scope[1]}", "scope_name": scope_name(scope, lang),
                                    "year_to": f.year_to, "lang": lang}, lang))
    return content


def _layout(f: Filters, units, rows, years, yoy_rows, catalogue: Catalogue, lang: str, munis, all_years,
            param_notices, capped_from: int | None = None) -> list:
    chosen = list(f.municipality)
    scope = scope_of(f)
    label = scope_name(scope, lang)
    content: list = []
    if (rows["status"] == "illustrative").any():
        content.append(illustrative_banner(lang))
    n = notices(param_notices, lang)
    if n is not None:
        content.append(n)
    muni = chosen[0] if chosen else "3203"
    content += [
        html.H1(t("cmp.title", lang)),
        html.P(t("cmp.intro", lang), className="lead-text"),
        form(lang, munis, chosen, all_years, f.year_from, f.year_to, scope),
        html.H2(t("cmp.matrix.heading", lang, scope=label), id="matrix-heading"),
        *([html.P(t("cmp.capped", lang, shown=len(chosen), n=capped_from), id="compare-capped",
                  className="param-notice", role="status")] if capped_from else []),
        *matrix_block(units, rows, catalogue, lang, munis, chosen, label, muni),
    ]
    if chosen:
        content += yoy_block(years, yoy_rows, catalogue, lang, dict(munis).get(chosen[0], chosen[0]), label, muni)
    return content
