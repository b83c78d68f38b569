"""The overview page (``/``): scores per dimension and sub-dimension, counts per band and status."""

from __future__ import annotations

import math

from dash import dcc, html

from data.queries import Overview
from data.taxonomy import DIMENSIONS, SUB_DIMENSIONS, name_of

from . import ids
from .components import band_badge, controls, data_table, illustrative_banner, notices, status_label
from .figures import score_bars
from .formatting import fmt_number, fmt_pct
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
                html.P(fmt_pct(score, lang) if score is not None else t("overview.no_score", lang),
                       className="score-big"),
                band_badge(None if score is None else int(r.band), lang),
                html.P(t("overview.scored_of", lang, scored=int(r.scored), total=total), className="small mb-0 mt-2"),
                html.P(t("overview.excluded", lang, not_reported=int(r.not_reported),
                         no_benchmark=int(r.no_benchmark), no_value=int(r.no_value)), className="small mb-0"),
            ]
        cards.append(html.Section([html.H3(name, className="h5")] + body, className="dim-card",
                                  **{"aria-label": name}))
    return html.Div(cards, className="dim-cards")


def layout(ov: Overview, lang: str, munis: list[tuple[str, str]], years: list[int],
           param_notices: list[tuple[str, str]]) -> list:
    muni_name = dict(munis).get(ov.municipality, ov.municipality)
    year_text = str(ov.year) if ov.year else "–"
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
    return content
