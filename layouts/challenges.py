"""The challenge areas for politicians: ``/challenges`` and ``/challenges/<area>``."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from data.catalogue import Catalogue
from data.queries import AreaSummary
from data.taxonomy import CHALLENGE_AREAS, DIGITAL_PARTS, name_of

from .components import band_badge, controls, data_table, illustrative_banner, notices, status_label
from .figures import score_bars
from .formatting import fmt_pct, fmt_value, year_label
from .i18n import TREND_SYMBOLS, t
from .indicators import kpi_href
from .initiatives import block as initiatives_block
from .urls import href


def trend_badge(trend: str, lang: str) -> html.Span:
    return html.Span([html.Span(TREND_SYMBOLS[trend], **{"aria-hidden": "true"}), " ", t(f"trend.{trend}", lang)],
                     className=f"trend trend-{trend}")


def unit_label(catalogue: Catalogue, code: str, dp: str, lang: str) -> str:
    kpi = catalogue[code]
    d = kpi.data_point(dp) if dp else None
    return f"{kpi.name(lang)}: {d.label(lang)}" if d else kpi.name(lang)


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {t('ch.and', lang)} " + items[-1]


def summary_sentences(s: AreaSummary, catalogue: Catalogue, lang: str, year: int | None) -> list[str]:
    """Two (three for digital) plain-language sentences, generated from the data."""
    area = name_of(CHALLENGE_AREAS, s.area, lang)
    if s.score is None:
        out = [t("ch.s1.none", lang, area=area, year=year)]
    else:
        if s.previous_score is None:
            trend = t("ch.trend.none", lang)
        else:
            d = s.score - s.previous_score
            key = {"improving": "ch.trend.up", "worsening": "ch.trend.down"}.get(s.trend, "ch.trend.flat")
            trend = t(key, lang, d=fmt_value(round(abs(d), 1), lang), prev=s.previous_year)
        out = [t("ch.s1", lang, area=area, score=fmt_pct(s.score, lang), year=year,
                 band=t(f"band.{s.band}", lang).lower() if lang == "en" else t(f"band.{s.band}", lang), trend=trend)]
    weakest = [unit_label(catalogue, c, dp, lang) for c, dp in s.weakest]
    out.append(t("ch.s2", lang, weakest=_join(weakest, lang)) if weakest else t("ch.s2.none", lang))
    if s.area == "digital" and s.parts:
        (i_score, _), (u_score, _) = s.parts["infrastructure"], s.parts["utilisation"]
        if i_score is not None and u_score is not None:
            out.append(t("ch.digital.s3", lang, infra=fmt_pct(i_score, lang), use=fmt_pct(u_score, lang)))
    return out


def _card(s: AreaSummary, catalogue: Catalogue, lang: str, year: int | None, search_params: dict) -> html.Section:
    area = name_of(CHALLENGE_AREAS, s.area, lang)
    body: list = [html.H2(html.A(area, href=href(f"/challenges/{s.area}", lang, **search_params)), className="h4")]
    body.append(html.P(fmt_pct(s.score, lang) if s.score is not None else "–", className="score-big"))
    body.append(html.Div([band_badge(s.band, lang), " ", trend_badge(s.trend, lang)], className="badges"))
    body += [html.P(x, className="summary") for x in summary_sentences(s, catalogue, lang, year)]
    if s.parts:
        body.append(html.Ul([html.Li([f"{name_of(DIGITAL_PARTS, p, lang)}: ",
                                      fmt_pct(sc, lang) if sc is not None else "–", " ", band_badge(b, lang)])
                             for p, (sc, b) in s.parts.items()], className="parts"))
    body.append(html.P(t("ch.kpis", lang, n=s.kpi_count, values=s.values, scored=s.scored,
                         unscored=s.values - s.scored), className="small"))
    return html.Section(body, className="area-card", id=f"area-{s.area}")


def index_layout(summaries: list[AreaSummary], catalogue: Catalogue, lang: str, munis, years, muni: str,
                 year: int | None, param_notices, illustrative: bool, year_basis: str = "data") -> list:
    name = dict(munis).get(muni, muni)
    ylab = year_label(year, year_basis, lang)
    params = {"municipality": muni if muni != "3203" else None, "year": year}
    content: list = []
    if illustrative:
        content.append(illustrative_banner(lang))
    n = notices(param_notices, lang)
    if n is not None:
        content.append(n)
    content += [html.H1(t("ch.title", lang, municipality=name)), html.P(t("ch.intro", lang) if muni == "3203" else t("ch.intro.other", lang, municipality=name),
                       className="lead-text", id="ch-intro"),
                controls(lang, munis, years, muni, year),
                html.Div([_card(s, catalogue, lang, ylab, params) for s in summaries], className="area-cards")]
    return content


def _units_table(units: pd.DataFrame, catalogue: Catalogue, lang: str, caption: str, table_id: str,
                 muni: str = "3203"):
    rows = []
    for r in units.itertuples(index=False):
        kpi = catalogue[r.kpi_code]
        unit = kpi.unit(lang, r.data_point)
        target = "n/a" if r.target_na else (fmt_value(r.target, lang) if not pd.isna(r.target) else "–")
        pos = (t("ch.position", lang, rank=int(r.rank), n=int(r.peers)) if not pd.isna(r.rank)
               else t("ch.position.other_kind", lang) if getattr(r, "rank_note", "") == "other_kind"
               else t("ch.position.none", lang))
        rows.append([
            html.Span([html.A(unit_label(catalogue, r.kpi_code, r.data_point, lang), href=kpi_href(kpi, lang, muni)),
                       html.Br(),
                       html.Small(kpi.code, className="kpi-code")]),
            f"{fmt_value(r.value, lang)} {unit}" if not pd.isna(r.value) else "–", target,
            band_badge(None if pd.isna(r.band_used) else int(r.band_used), lang), trend_badge(r.trend, lang), pos,
            status_label(r.status, lang),
        ])
    head = [t(f"ch.col.{c}", lang) for c in ("kpi", "value", "target", "band", "trend", "position", "status")]
    return data_table(caption, head, rows, numeric={1, 2}, table_id=table_id)


def _chart(units: pd.DataFrame, catalogue: Catalogue, lang: str, area_name: str, gid: str) -> list:
    u = units[units["achievement"].notna() & units["band_used"].notna()]
    sid = f"{gid}-sentence"
    if u.empty:
        return [html.P(t("ch.chart.none", lang, area=area_name), id=sid, className="chart-sentence")]
    labels = [unit_label(catalogue, r.kpi_code, r.data_point, lang) for r in u.itertuples(index=False)]
    a = [float(x) for x in u["achievement"]]
    lo, hi = min(range(len(a)), key=lambda i: a[i]), max(range(len(a)), key=lambda i: a[i])
    sentence = t("ch.chart.sentence", lang, n=len(a), total=len(units), rest=len(units) - len(a), area=area_name,
                 worst=labels[lo], worst_pct=fmt_pct(a[lo], lang), best=labels[hi], best_pct=fmt_pct(a[hi], lang))
    fig = score_bars(labels, a, [int(b) for b in u["band_used"]], lang, axis_key="ch.chart.axis", cap=120)
    return [html.P(sentence, id=sid, className="chart-sentence"),
            html.Div(dcc.Graph(id=gid, figure=fig, config={"displayModeBar": False, "responsive": True}),
                     className="chart chart-tall" if len(a) > 10 else "chart", **{"aria-describedby": sid})]


def area_layout(s: AreaSummary, units: pd.DataFrame, catalogue: Catalogue, lang: str, munis, years, muni: str,
                year: int | None, param_notices, year_basis: str = "data", initiatives: pd.DataFrame | None = None) -> list:
    name = dict(munis).get(muni, muni)
    ylab = year_label(year, year_basis, lang)
    area = name_of(CHALLENGE_AREAS, s.area, lang)
    content: list = []
    if not units.empty and (units["status"] == "illustrative").any():
        content.append(illustrative_banner(lang))
    n = notices(param_notices, lang)
    if n is not None:
        content.append(n)
    params = {"municipality": muni if muni != "3203" else None, "year": year}
    content += [
        html.P(html.A(t("ch.back", lang), href=href("/challenges", lang, **params)), className="back-link"),
        html.H1(t("ch.area.heading", lang, area=area, municipality=name, year=ylab)),
        html.Div([band_badge(s.band, lang), " ", trend_badge(s.trend, lang)], className="badges"),
        html.Div([html.P(x) for x in summary_sentences(s, catalogue, lang, ylab)], className="summary-box",
                 id="area-summary"),
        controls(lang, munis, years, muni, year),
    ]
    if s.area == "digital":
        cols = []
        for part in DIGITAL_PARTS:
            pname = name_of(DIGITAL_PARTS, part, lang)
            sc, b = s.parts.get(part, (None, None))
            pu = units[units["part"] == part] if not units.empty else units
            cols.append(html.Section([
                html.H2(pname),
                html.P([t("ch.part.score", lang, part=pname, score=fmt_pct(sc, lang)), " ", band_badge(b, lang)],
                       className="part-score"),
                *_chart(pu, catalogue, lang, pname, f"challenge-{part}-graph"),
                _units_table(pu, catalogue, lang, t("ch.part.caption", lang, part=pname, municipality=name, year=ylab),
                             f"challenge-{part}-table", muni),
            ], className="part-column", id=f"part-{part}"))
        content.append(html.Div(cols, className="digital-parts"))
    else:
        content += _chart(units, catalogue, lang, area, "challenge-graph")
        content.append(_units_table(units, catalogue, lang,
                                    t("ch.table.caption", lang, area=area, municipality=name, year=ylab),
                                    "challenge-table", muni))
    if initiatives is not None:
        content += initiatives_block(initiatives, catalogue, lang, "ini.heading.area", "ini.intro.area",
                                     "ini.none.area", "area-initiatives")
    return content
