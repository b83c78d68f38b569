"""The overview page (``/``): scores per dimension and sub-dimension, counts per band and status."""

from __future__ import annotations

import math

import pandas as pd
from dash import dcc, html

from data.catalogue import Catalogue
from data.queries import Overview
from data.taxonomy import CATEGORIES, DIMENSIONS, SUB_DIMENSIONS, name_of

from . import ids
from .components import band_badge, controls, data_table, illustrative_banner, notices, status_label
from .figures import score_bars, wheel
from .formatting import fmt_number, fmt_pct, year_label
from .i18n import t


def _dimension_cards(ov: Overview, lang: str) -> html.Div:
    cards = []
    by_dim = {r.group: r for r in ov.dimensions.itertuples(index=False)}
    for code in DIMENSIONS:
        r = by_dim.get(code)
        name = name_of(DIMENSIONS, code, lang)
        if r is None:
            body = [html.P(t("overview.no_data", lang))]
        else:
            total = int(r.scored + r.not_reported + r.no_benchmark + r.no_value)
            score = None if math.isnan(r.score_pct) else r.score_pct
            body = [
                html.P(fmt_pct(score, lang), className="score-big") if score is not None
                else html.P(t("overview.no_score", lang), className="no-score"),
                band_badge(None if score is None else int(r.band), lang),
                html.P(t("overview.scored_of", lang, scored=int(r.scored), total=total), className="small mb-0 mt-2"),
                html.P(t("overview.excluded", lang, not_reported=int(r.not_reported),
                         no_benchmark=int(r.no_benchmark), no_value=int(r.no_value)), className="small mb-0"),
            ]
        cards.append(html.Section([html.H3(name, className="h5")] + body, className="dim-card",
                                  **{"aria-label": name}))
    return html.Div(cards, className="dim-cards")


def _wheel_block(ov: Overview, catalogue: Catalogue, lang: str, muni_name: str, year_text: str) -> list:
    cats = {r.group: r for r in ov.categories.itertuples(index=False)} if not ov.categories.empty else {}
    subs = {r.group: r for r in ov.sub_dimensions.itertuples(index=False)} if not ov.sub_dimensions.empty else {}
    kb = ov.kpis or {}

    def band(rec):
        return None if rec is None or pd.isna(rec.band) else int(rec.band)

    nodes, table_rows = [], []
    for sub in SUB_DIMENSIONS:
        kpis_in_sub = [k for k in catalogue if k.sub_dimension_code == sub]
        if not kpis_in_sub:
            continue
        sb = band(subs.get(sub))
        sname = name_of(SUB_DIMENSIONS, sub, lang)
        nodes.append({"id": sub, "parent": "", "label": sname, "band": sb, "size": len(kpis_in_sub),
                      "hover": f"{sname}: {t(f'band.{sb}', lang) if sb else t('band.none', lang)}"})
        for cat in [c for c in CATEGORIES if c.startswith(sub + ":")]:
            kpis = [k for k in kpis_in_sub if k.category_code == cat]
            if not kpis:
                continue
            rec = cats.get(cat)
            cb = band(rec)
            cname = name_of(CATEGORIES, cat, lang)
            pct = None if rec is None or pd.isna(rec.score_pct) else float(rec.score_pct)
            nodes.append({"id": cat, "parent": sub, "label": cname, "band": cb, "size": len(kpis),
                          "hover": f"{cname}: {fmt_pct(pct, lang)} – "
                                   f"{t(f'band.{cb}', lang) if cb else t('band.none', lang)}"})
            table_rows.append([cname, sname, fmt_pct(pct, lang), band_badge(cb, lang),
                               int(rec.scored) if rec is not None else 0, len(kpis)])
            for k in kpis:
                kband, reason = kb.get(k.code, (None, "missing"))
                why = t(f"band.{kband}", lang) if kband else t(f"wheel.reason.{reason or 'missing'}", lang)
                nodes.append({"id": k.code, "parent": cat, "label": k.code.rsplit(":", 1)[-1].strip(),
                              "band": kband, "size": 1, "hover": f"{k.code} {k.name(lang)}: {why}", "leaf": True})
    if not table_rows:
        return []
    counts = ov.kpi_totals
    sentence = t("wheel.sentence", lang, municipality=muni_name, year=year_text, total=counts["total"],
                 b4=counts[4], b3=counts[3], b2=counts[2], b1=counts[1], grey=counts["none"])
    band_rows = [[band_badge(b, lang), fmt_number(counts[b], lang, 0)] for b in (4, 3, 2, 1)]
    band_rows.append([t("band.none", lang), fmt_number(counts["none"], lang, 0)])
    band_rows.append([html.Strong(t("table.total", lang)), html.Strong(fmt_number(counts["total"], lang, 0))])
    return [
        html.H2(t("wheel.heading", lang), id="wheel-heading"),
        html.P(sentence, id="wheel-sentence", className="chart-sentence"),
        html.P(t("wheel.how", lang), className="small"),
        html.Div([
            # as tall as it is wide up to 560 px (style.css .wheel-box; the responsive Graph fills its box):
            # at 390 px no empty band below it
            html.Div(dcc.Graph(id="overview-wheel-graph", figure=wheel(nodes, lang),
                               config={"displayModeBar": False, "responsive": True}),
                     className="chart wheel-box", **{"aria-describedby": "wheel-sentence"}),
            data_table(t("wheel.bands.caption", lang, municipality=muni_name, year=year_text),
                       [t("table.band", lang), t("wheel.col.kpis", lang)], band_rows, numeric={1},
                       table_id="wheel-bands-table"),
            data_table(t("wheel.caption", lang, municipality=muni_name, year=year_text),
                       [t("wheel.col.category", lang), t("wheel.col.sub", lang), t("table.score", lang),
                        t("table.band", lang), t("table.scored", lang), t("wheel.col.kpis", lang)],
                       table_rows, numeric={2, 4, 5}, table_id="wheel-table"),
        ], className="chart-and-table"),
    ]


def _reporting_block(ov: Overview, lang: str, muni_name: str, year_text: str) -> list:
    rows = []
    for r in ov.reporting.itertuples(index=False):
        rows.append([name_of(DIMENSIONS, r.dimension, lang)] + [fmt_number(getattr(r, c), lang, 0) for c in (
            "verified", "reported", "illustrative", "synthetic", "not_reported", "no_benchmark", "no_value",
            "missing", "units")])
    head = [t("table.dimension", lang)] + [t(f"report.col.{c}", lang) for c in (
        "verified", "reported", "illustrative", "synthetic", "not_reported", "no_benchmark", "no_value", "missing",
        "units")]
    tot = ov.reporting.sum(numeric_only=True)
    sentence = t("report.sentence", lang, municipality=muni_name, year=year_text,
                 reported=int(tot["verified"] + tot["reported"] + tot["illustrative"] + tot["synthetic"]),
                 verified=int(tot["verified"]), total=int(tot["units"]),
                 missing=int(tot["not_reported"] + tot["no_value"] + tot["missing"]))
    return [html.H2(t("report.heading", lang), id="reporting-heading"),
            html.P(sentence, id="reporting-sentence"),
            data_table(t("report.caption", lang, municipality=muni_name, year=year_text), head, rows,
                       numeric=set(range(1, 10)), table_id="reporting-table")]


def _changes_block(ov: Overview, catalogue: Catalogue, lang: str, muni_name: str, year_text: str) -> list:
    from .challenges import unit_label
    from .indicators import kpi_href

    block: list = [html.H2(t("changes.heading", lang), id="changes-heading")]
    if ov.previous_year is None:
        block.append(html.P(t("changes.no_previous", lang, municipality=muni_name, year=year_text),
                            id="changes-sentence"))
        return block
    ch = ov.band_changes
    up, down = int((ch["move"] > 0).sum()), int((ch["move"] < 0).sum())
    block.append(html.P(t("changes.sentence", lang, municipality=muni_name, prev=ov.previous_year, year=year_text,
                          n=len(ch), up=up, down=down), id="changes-sentence"))
    if ch.empty:
        return block
    rows = []
    for r in ch.itertuples(index=False):
        kpi = catalogue[str(r.kpi_code)]
        direction = t("changes.up", lang) if r.move > 0 else t("changes.down", lang)
        rows.append([html.A(unit_label(catalogue, kpi.code, str(r.data_point), lang),
                            href=kpi_href(kpi, lang, ov.municipality)),
                     band_badge(int(r.band_before), lang), band_badge(int(r.band_now), lang),
                     html.Span([html.Span("▲" if r.move > 0 else "▼", **{"aria-hidden": "true"}), " ",
                                direction, f" ({abs(int(r.move))})"],
                               className="move-up" if r.move > 0 else "move-down"),
                     status_label(str(r.status), lang)])
    block.append(data_table(
        t("changes.caption", lang, municipality=muni_name, prev=ov.previous_year, year=year_text),
        [t("changes.col.kpi", lang), t("changes.col.before", lang, year=ov.previous_year),
         t("changes.col.now", lang, year=year_text), t("changes.col.move", lang), t("table.status", lang)],
        rows, table_id="changes-table"))
    return block


def layout(ov: Overview, lang: str, munis: list[tuple[str, str]], years: list[int],
           param_notices: list[tuple[str, str]], catalogue: Catalogue | None = None) -> list:
    muni_name = dict(munis).get(ov.municipality, ov.municipality)
    year_text = year_label(ov.year, ov.year_basis, lang) if ov.year else "–"
    content: list = []
    if ov.illustrative:
        content.append(illustrative_banner(lang))
    notice = notices(param_notices, lang)
    if notice is not None:
        content.append(notice)
    content += [
        html.H1(t("overview.heading", lang, municipality=muni_name, year=year_text)),
        html.P(t("overview.intro", lang), className="lead-text"),
        controls(lang, munis, years, ov.municipality, ov.year),
        html.H2(t("overview.dimensions", lang)),
        _dimension_cards(ov, lang),
    ]
    if catalogue is not None and ov.units is not None:
        content += _wheel_block(ov, catalogue, lang, muni_name, year_text)
    # Sub-dimensions: chart + sentence + table
    subs = ov.sub_dimensions
    subs = subs[subs["scored"] > 0] if not subs.empty else subs
    order = [k for k in SUB_DIMENSIONS if k in set(subs["group"])] if not subs.empty else []
    rows_by = {r.group: r for r in subs.itertuples(index=False)} if not subs.empty else {}
    labels = [name_of(SUB_DIMENSIONS, k, lang) for k in order]
    pcts = [float(rows_by[k].score_pct) for k in order]
    bands = [int(rows_by[k].band) for k in order]
    content.append(html.H2(t("overview.subdimensions", lang), id="subdims-heading"))
    if order:
        best = max(range(len(order)), key=lambda i: pcts[i])
        worst = min(range(len(order)), key=lambda i: pcts[i])
        sentence = t("overview.sentence", lang, n=len(order), municipality=muni_name, year=year_text,
                     best=labels[best], best_pct=fmt_pct(pcts[best], lang),
                     worst=labels[worst], worst_pct=fmt_pct(pcts[worst], lang))
    else:
        sentence = t("overview.sentence_none", lang, municipality=muni_name, year=year_text)
    content.append(html.P(sentence, id="subdims-sentence", className="chart-sentence"))
    if order:
        content.append(html.Div([
            html.Div(dcc.Graph(
                id=ids.OVERVIEW_SUBDIM_GRAPH, figure=score_bars(labels, pcts, bands, lang),
                config={"displayModeBar": False, "responsive": True},
            ), className="chart", **{"aria-describedby": "subdims-sentence"}),
            data_table(
                t("table.caption.subdims", lang, municipality=muni_name, year=year_text),
                [t("table.group", lang), t("table.score", lang), t("table.band", lang), t("table.points", lang),
                 t("table.scored", lang), t("table.not_reported", lang), t("table.no_benchmark", lang)],
                [[labels[i], fmt_pct(pcts[i], lang), band_badge(bands[i], lang),
                  f"{int(rows_by[k].points)} / {int(rows_by[k].max_points)}", int(rows_by[k].scored),
                  int(rows_by[k].not_reported), int(rows_by[k].no_benchmark)] for i, k in enumerate(order)],
                numeric={1, 3, 4, 5, 6}, table_id="subdims-table",
            ),
        ], className="chart-and-table"))
    # Counts per band and per status
    total_units = ov.unit_count
    band_rows = [[band_badge(b, lang), fmt_number(ov.band_counts.get(b, 0), lang, 0)] for b in (4, 3, 2, 1)]
    band_rows.append([t("table.not_reported", lang), fmt_number(ov.exclusion_counts["not_reported"], lang, 0)])
    band_rows.append([t("table.no_benchmark", lang), fmt_number(ov.exclusion_counts["no_benchmark"]
                                                                + ov.exclusion_counts["no_value"], lang, 0)])
    status_rows = [[status_label(s, lang), fmt_number(n, lang, 0)] for s, n in sorted(ov.status_counts.items())]
    caption = t("overview.counts_caption", lang, municipality=muni_name, year=year_text)
    content += [
        html.Div([
            html.Section([html.H2(t("overview.band_counts", lang)),
                          data_table(caption, [t("table.band", lang), t("table.count", lang)], band_rows, {1},
                                     table_id="band-counts-table")], className="count-block"),
            html.Section([html.H2(t("overview.status_counts", lang)),
                          data_table(caption, [t("table.status", lang), t("table.count", lang)], status_rows, {1},
                                     table_id="status-counts-table")], className="count-block"),
        ], className="counts"),
        html.P([t("overview.units_note", lang), f" (n = {fmt_number(total_units, lang, 0)})"], className="small"),
    ]
    if catalogue is not None and ov.units is not None:
        content += _changes_block(ov, catalogue, lang, muni_name, year_text)
        content += _reporting_block(ov, lang, muni_name, year_text)
    return content
