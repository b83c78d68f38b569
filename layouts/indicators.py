"""The planners' pages: ``/indicators`` (searchable list) and ``/indicators/<kpi>`` (one KPI in depth)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from data.catalogue import KPI, Catalogue
from data.indicators import HORIZON, Pace
from data.taxonomy import CATEGORIES, DIMENSIONS, SUB_DIMENSIONS, name_of

from . import ids
from .components import (
    band_badge,
    controls,
    data_table,
    data_text,
    illustrative_banner,
    notices,
    plain_text,
    status_label,
)
from .figures import kpi_series
from .finance import MERGER_YEAR
from .formatting import fmt_number, fmt_signed, fmt_value, year_label, year_text
from .i18n import t
from .urls import href

OTHER = {"nb": "en", "en": "nb"}


def kpi_href(kpi: KPI, lang: str, municipality: str | None) -> str:
    return href(f"/indicators/{kpi.slug}", lang, municipality=None if municipality in (None, "3203") else municipality)


def _other_name(kpi: KPI, lang: str) -> html.Span:
    other = OTHER[lang]
    return html.Span(kpi.name(other), lang=other)


def list_layout(catalogue: Catalogue, units: pd.DataFrame, hits, lang: str, munis, years, muni: str,
                year: int | None, q: str, param_notices, year_basis: str = "data") -> list:
    name = dict(munis).get(muni, muni)
    ylab = year_label(year, year_basis, lang)
    content: list = []
    shown = units[units["kpi_code"].isin(hits)]
    if (shown["status"] == "illustrative").any():
        content.append(illustrative_banner(lang))
    n = notices(param_notices, lang)
    if n is not None:
        content.append(n)
    search = html.Div([
        dbc.Label(t("ind.search", lang), html_for=ids.dom_id(ids.url_param("q"))),
        dbc.Input(id=ids.url_param("q"), type="search", value=q, debounce=True, maxLength=200,
                  autoComplete="off"),
        html.Small(t("ind.search.help", lang), id="indicators-search-help", className="form-text"),
    ], className="control control-wide")
    count = len(set(hits))
    content += [
        html.H1(t("ind.title", lang)),
        html.P(t("ind.intro", lang, n=len(catalogue), units=catalogue.unit_count), className="lead-text"),
        controls(lang, munis, years, muni, year, extra=[search]),
        html.P(t("ind.count", lang, shown=count, total=len(catalogue), q=q) if q
               else t("ind.count.all", lang, total=len(catalogue)),
               id="indicators-count", className="result-count", role="status"),
    ]
    rows = []
    for code in (hits if q else [k.code for k in catalogue if k.code in set(hits)]):  # best match first
        kpi = catalogue[code]
        u = shown[shown["kpi_code"] == kpi.code]
        bands = []
        for r in u.itertuples(index=False):
            label = kpi.data_point(r.data_point).label(lang) + ": " if r.data_point else ""
            if r.exclusion == "not_reported" or r.status == "not_reported":
                cell = t("status.not_reported", lang)
            elif r.status == "":
                cell = t("ind.no_data", lang)
            else:
                cell = band_badge(r.band, lang)
            bands.append(html.Li([label, cell]))
        rows.append([
            html.A(kpi.code, href=kpi_href(kpi, lang, muni), className="kpi-code-link"),
            kpi.name(lang), _other_name(kpi, lang),
            f"{name_of(CATEGORIES, kpi.category_code, lang)} ({name_of(DIMENSIONS, kpi.dimension, lang)})",
            html.Ul(bands, className="band-list"),
        ])
    if rows:
        content.append(data_table(
            t("ind.table.caption", lang, municipality=name, year=ylab),
            [t("ind.col.code", lang), t("ind.col.name", lang), t("ind.col.name_other", lang),
             t("ind.col.category", lang), t("ind.col.band", lang, municipality=name, year=ylab)],
            rows, table_id="indicators-table"))
    else:
        content.append(html.P(t("ind.none", lang, q=q), className="empty-result"))
    return content


def _series_traces(kpi: KPI, rows: pd.DataFrame, lang: str) -> list[dict]:
    traces = []
    for unit in kpi.units:
        r = rows[(rows["data_point"] == unit)]
        if r.empty:
            continue
        dp = kpi.data_point(unit)
        label = dp.label(lang) if dp else kpi.name(lang)
        targets = r[r["target"].notna() & ~r["target_na"]]
        hover = [
            f"{label} {year_text(x.year, x.year_basis, lang)}: {fmt_value(x.value, lang)} {kpi.unit(lang, unit)} – "
            f"{t('status.' + str(x.status), lang)} – {t('kpi.source', lang)}: {plain_text(x.source, lang) or '–'}"
            for x in r.itertuples(index=False)
        ]
        traces.append({
            "name": label, "years": [int(y) for y in r["year"]], "bases": [str(b) for b in r["year_basis"]],
            "values": [None if pd.isna(v) else float(v) for v in r["value"]], "hover": hover,
            "target": float(targets["target"].iloc[-1]) if not targets.empty else None,
        })
    return traces


def _series_sentence(kpi: KPI, traces: list[dict], lang: str, municipality: str) -> str:
    parts = []
    for tr in traces:
        pts = [(y, v, b) for y, v, b in zip(tr["years"], tr["values"], tr["bases"]) if v is not None]
        if not pts:
            continue
        (y0, v0, b0), (y1, v1, b1) = pts[0], pts[-1]
        target = (t("kpi.sentence.target", lang, target=fmt_value(tr["target"], lang))
                  if tr["target"] is not None else t("kpi.sentence.no_target", lang))
        report = "report" in (b0, b1)  # only the report's year is known: never "in 2021"
        if y0 == y1:
            parts.append(t("kpi.sentence.one_report" if report else "kpi.sentence.one", lang, name=tr["name"],
                           year=y1, value=fmt_value(v1, lang), unit=kpi.unit(lang), target=target))
        else:
            parts.append(t("kpi.sentence.range_report" if report else "kpi.sentence.range", lang, name=tr["name"],
                           y0=year_text(y0, b0, lang), v0=fmt_value(v0, lang), y1=year_text(y1, b1, lang),
                           v1=fmt_value(v1, lang), unit=kpi.unit(lang), target=target))
    if not parts:
        return t("kpi.sentence.none", lang, municipality=municipality)
    return t("kpi.sentence.lead", lang, municipality=municipality) + " " + " ".join(parts)


def _values_table(kpi: KPI, rows: pd.DataFrame, lang: str, municipality: str) -> html.Div:
    out = []
    for r in rows.itertuples(index=False):
        dp = kpi.data_point(r.data_point)
        target = "n/a" if r.target_na else fmt_value(r.target, lang)
        out.append([
            year_text(r.year, r.year_basis, lang), dp.label(lang) if dp else "–",
            f"{fmt_value(r.value, lang)} {kpi.unit(lang, r.data_point)}" if not pd.isna(r.value) else "–",
            target, band_badge(None if pd.isna(r.band_used) else int(r.band_used), lang),
            status_label(str(r.status), lang), t(f"verified.{r.verified or 'unknown'}", lang), r.quality or "–",
            data_text(r.source, lang), data_text(r.note, lang),
        ])
    head = [t(f"kpi.col.{c}", lang) for c in ("year", "data_point", "value", "target", "band", "status", "verified",
                                               "quality", "source", "note")]
    return data_table(t("kpi.table.caption", lang, name=kpi.name(lang), municipality=municipality), head, out,
                      numeric={2, 3}, table_id="kpi-values-table", long_text={8, 9})


def _pace_block(kpi: KPI, paces: list[Pace], lang: str, municipality: str) -> list:
    rows, sentences = [], []
    for p in paces:
        dp = kpi.data_point(p.data_point)
        label = dp.label(lang) if dp else kpi.name(lang)
        unit = kpi.unit(lang, p.data_point)
        if p.state == "on_track":
            reached = t("pace.reached_in", lang, year=p.reached_year)
        elif p.state == "too_slow":
            reached = t("pace.reached_late", lang, year=p.reached_year) if p.reached_year <= 2100 \
                else t("pace.after_2100", lang)
        else:
            reached = t(f"pace.state.{p.state}", lang)
        rows.append([
            label, f"{fmt_value(p.latest_value, lang)} ({year_text(p.latest_year, p.latest_basis, lang)})" if p.latest_value is not None else "–",
            fmt_value(p.target, lang) if p.target is not None else "–",
            fmt_signed(p.required_per_year, lang) if p.required_per_year is not None else "–",
            fmt_signed(p.actual_per_year, lang) if p.actual_per_year is not None else "–",
            reached,
        ])
        if p.state in ("on_track", "too_slow", "wrong_way", "no_trend"):
            sentences.append(t(f"pace.sentence.{p.state}", lang, name=label, unit=unit, horizon=HORIZON,
                               required=fmt_signed(p.required_per_year, lang),
                               actual=fmt_signed(p.actual_per_year, lang), year=p.reached_year or "–"))
        elif p.state == "met":
            sentences.append(t("pace.sentence.met", lang, name=label))
    head = [t("pace.col.unit", lang), t("pace.col.latest", lang), t("pace.col.target", lang),
            t("pace.col.required", lang, horizon=HORIZON), t("pace.col.actual", lang), t("pace.col.reached", lang)]
    return [
        html.H2(t("pace.heading", lang, horizon=HORIZON), id="pace-heading"),
        html.P(t("pace.method", lang, horizon=HORIZON), className="small"),
        html.Div([html.P(s) for s in sentences] or [html.P(t("pace.sentence.none", lang))], id="pace-summary"),
        data_table(t("pace.caption", lang, name=kpi.name(lang), municipality=municipality), head, rows,
                   numeric={1, 2, 3, 4}, table_id="kpi-pace-table"),
    ]


def _peers_table(kpi: KPI, peers: pd.DataFrame, lang: str) -> list:
    rows = []
    for r in peers.itertuples(index=False):
        dp = kpi.data_point(r.data_point)
        rows.append([
            r.municipality_name, year_text(r.year, r.year_basis, lang), dp.label(lang) if dp else "–",
            f"{fmt_value(r.value, lang)} {kpi.unit(lang, r.data_point)}" if not pd.isna(r.value) else "–",
            band_badge(None if pd.isna(r.band_used) else int(r.band_used), lang), status_label(str(r.status), lang),
            data_text(r.source, lang),
        ])
    head = [t(f"kpi.col.{c}", lang) for c in ("municipality", "year", "data_point", "value", "band", "status",
                                               "source")]
    block: list = [html.H2(t("kpi.peers.heading", lang), id="peers-heading"),
                   html.P(t("kpi.peers.intro", lang), className="small")]
    if rows:
        block.append(data_table(t("kpi.peers.caption", lang, name=kpi.name(lang)), head, rows, numeric={3},
                                table_id="kpi-peers-table", long_text={6}))
    else:
        block.append(html.P(t("kpi.peers.none", lang)))
    return block


def _metadata(kpi: KPI, rows: pd.DataFrame, lang: str) -> html.Section:
    definition = kpi.definition(lang) or t("kpi.definition.pending", lang)
    units = [kpi.unit(lang)] + [f"{dp.label(lang)}: {dp.unit_nb if lang == 'nb' else dp.unit_en}"
                                for dp in kpi.data_points]
    directions = [t(f"direction.{kpi.direction}", lang)] if not kpi.data_points else [
        f"{dp.label(lang)}: {t(f'direction.{dp.direction}', lang)}" for dp in kpi.data_points]
    latest = rows.sort_values("year").iloc[-1] if not rows.empty else None
    sdg_itu = ", ".join(kpi.sdg_itu) or "–"
    sdg_ks = ", ".join(list(kpi.sdg_goals_ks) + list(kpi.sdg_targets_ks)) or "–"
    items = [
        ("kpi.meta.definition", [definition, *([" ", html.Span(t("kpi.definition.project", lang),
                                                               className="definition-by")]
                                               if kpi.definition_by == "project" and kpi.definition(lang) else [])]),
        ("kpi.meta.code", kpi.code),
        ("kpi.meta.type", t(f"kpi.type.{kpi.type}", lang)),
        ("kpi.meta.place", f"{name_of(DIMENSIONS, kpi.dimension, lang)} › "
                           f"{name_of(SUB_DIMENSIONS, kpi.sub_dimension_code, lang)} › "
                           f"{name_of(CATEGORIES, kpi.category_code, lang)}"),
        ("kpi.meta.unit", "; ".join(units if kpi.data_points else units[:1])),
        ("kpi.meta.direction", "; ".join(directions)),
        ("kpi.meta.sdg_itu", sdg_itu),
        ("kpi.meta.sdg_ks", sdg_ks + (f" (KS: {', '.join(kpi.ks_ids)})" if kpi.ks_ids else "")),
        ("kpi.meta.source", data_text(latest["source"], lang) if latest is not None else "–"),
        ("kpi.meta.verified", t(f"verified.{latest['verified'] or 'unknown'}", lang) if latest is not None else "–"),
        ("kpi.meta.quality", latest["quality"] if latest is not None and latest["quality"] else "–"),
    ]
    dl = []
    for key, value in items:
        dl += [html.Dt(t(key, lang)), html.Dd(value, className="definition-pending"
                                              if key == "kpi.meta.definition" and not kpi.definition(lang) else None)]
    return html.Section([html.H2(t("kpi.meta.heading", lang), id="meta-heading"), html.Dl(dl, className="meta-list"),
                         html.P(t("kpi.meta.sdg_note", lang), className="small")], id="kpi-metadata")


def _crosses(traces: list[dict], year: int) -> bool:
    years = [y for tr in traces for y in tr["years"]]
    return bool(years) and min(years) < year <= max(years)


def detail_layout(kpi: KPI, rows: pd.DataFrame, paces: list[Pace], peers: pd.DataFrame, lang: str, munis,
                  muni: str, param_notices, initiatives: pd.DataFrame | None = None,
                  catalogue: Catalogue | None = None) -> list:
    name = dict(munis).get(muni, muni)
    content: list = []
    if (rows["status"] == "illustrative").any() or (peers["status"] == "illustrative").any():
        content.append(illustrative_banner(lang))
    n = notices(param_notices, lang)
    if n is not None:
        content.append(n)
    traces = _series_traces(kpi, rows, lang)
    shading = None
    if len(traces) == 1 and traces[0]["target"] is not None:
        shading = (traces[0]["target"], kpi.direction_of(kpi.units[0]))
    sentence = _series_sentence(kpi, traces, lang, name)
    content += [
        html.P(html.A(t("kpi.back", lang), href=href("/indicators", lang,
                                                      municipality=None if muni == "3203" else muni)),
               className="back-link"),
        html.H1([kpi.name(lang), html.Br(), html.Small(kpi.code, className="kpi-code")]),
        html.P([kpi.definition(lang) or t("kpi.definition.pending", lang),
                *([" ", html.Span(t("kpi.definition.project", lang), className="definition-by")]
                  if kpi.definition_by == "project" and kpi.definition(lang) else [])], className="lead-text"),
        controls(lang, munis, None, muni, None),
        html.H2(t("kpi.series.heading", lang, municipality=name), id="series-heading"),
        html.P(sentence, id="kpi-series-sentence", className="chart-sentence"),
    ]
    if traces:
        note = t("kpi.shading.note", lang) if shading else (
            t("kpi.shading.many", lang) if len(traces) > 1 else t("kpi.shading.none", lang))
        content += [
            html.Div(dcc.Graph(id="kpi-series-graph", figure=kpi_series(traces, lang, kpi.unit(lang), shading,
                                                                          MERGER_YEAR if muni == "3203" else None),
                               config={"displayModeBar": False, "responsive": True}),
                     className="chart", **{"aria-describedby": "kpi-series-sentence"}),
            html.P(note, className="small"),
            *([html.P(t("kpi.merger.note", lang), className="small", id="kpi-merger-note")]
              if muni == "3203" and _crosses(traces, MERGER_YEAR) else []),
            _values_table(kpi, rows, lang, name),
        ]
    content += _pace_block(kpi, paces, lang, name) if traces else []
    content += _peers_table(kpi, peers, lang)
    if initiatives is not None and len(initiatives) and catalogue is not None:
        from .initiatives import block as initiatives_block  # initiatives.py links back to the KPI pages

        content += initiatives_block(initiatives, catalogue, lang, "ini.heading.kpi",
                                     "ini.intro.kpi", None, "kpi-initiatives")
    content.append(_metadata(kpi, rows, lang))
    return content


def count_text(n: int, lang: str) -> str:
    return fmt_number(n, lang, 0)
