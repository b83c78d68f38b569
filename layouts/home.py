"""``/``: the municipality's situation on one screen, for a politician: the four challenge areas, the latest
net operating result against the norm, the largest changes since the year before, and a way into each."""

from __future__ import annotations

from dash import html

from data.catalogue import Catalogue
from data.home import Change, FinanceHeadline, Home
from data.queries import AreaSummary
from data.taxonomy import CHALLENGE_AREAS, name_of

from .challenges import trend_badge, unit_label
from .components import band_badge, controls, illustrative_banner, notices, status_label
from .finance import entity_name
from .formatting import fmt_pct, fmt_value, year_label
from .i18n import t
from .indicators import kpi_href
from .initiatives import home_line
from .urls import href


def _area_card(s: AreaSummary, catalogue: Catalogue, lang: str, params: dict) -> html.Section:
    area = name_of(CHALLENGE_AREAS, s.area, lang)
    link = href(f"/challenges/{s.area}", lang, **params)
    if s.score is None:
        sentence = t("home.area.none", lang)
    elif s.weakest:
        sentence = t("home.area.weakest", lang, kpi=unit_label(catalogue, *s.weakest[0], lang))
    else:
        sentence = t("home.area.no_weakest", lang)
    if s.previous_score is not None and s.score is not None:
        d = s.score - s.previous_score
        trend_text = t("home.area.delta", lang, sign="+" if d > 0 else ("−" if d < 0 else "±"),
                       d=fmt_value(round(abs(d), 1), lang), prev=s.previous_year)
    else:
        trend_text = t("ch.trend.none", lang)
    return html.Section([
        html.H2(html.A(area, href=link), className="home-card-title"),
        html.P([html.Span(fmt_pct(s.score, lang) if s.score is not None else "–", className="score-big"),
                html.Span(t("home.area.of_max", lang), className="score-caption")], className="score-line"),
        html.Div([band_badge(s.band, lang), trend_badge(s.trend, lang)], className="badges"),
        html.P(trend_text, className="small home-delta"),
        html.P(sentence, className="home-sentence"),
        html.A([t("home.area.open", lang), html.Span(f": {area}", className="visually-hidden")], href=link,
               className="home-more"),
    ], className="home-card area-card", id=f"home-area-{s.area}")


def _finance_card(f: FinanceHeadline | None, lang: str) -> html.Section:
    body: list = [html.H2(html.A(t("home.finance.title", lang), href=href("/finance", lang)),
                          className="home-card-title")]
    if f is None:
        body.append(html.P(t("home.finance.none", lang), className="home-sentence"))
    else:
        entity = entity_name(f.entity_code, f.entity_name, lang)
        prelim = t("home.finance.preliminary_short", lang) if f.status == "preliminary" else ""
        body.append(html.P([html.Span(fmt_pct(f.pct, lang), className="score-big"),
                            html.Span(t("home.finance.of_income", lang, year=f.year, entity=entity, status=prelim),
                                      className="score-caption")], className="score-line"))
        if f.norm is not None:
            key = "home.finance.above" if f.above_norm else "home.finance.below"
            body.append(html.P([html.Span("▲ " if f.above_norm else "▼ ", **{"aria-hidden": "true"}),
                                t(key, lang, norm=fmt_pct(f.norm, lang, 2))],
                               className="home-norm " + ("norm-above" if f.above_norm else "norm-below")))
        if f.later_year is not None:
            body.append(html.P(t("home.finance.later", lang, year=f.later_year,
                                 value=fmt_value(f.later_mnok, lang),
                                 entity=entity_name(f.later_entity_code, f.later_entity_name, lang),
                                 status=t("home.finance.preliminary_short", lang)
                                 if f.later_status == "preliminary" else ""), className="home-sentence"))
    body.append(html.A(t("home.finance.open", lang), href=href("/finance", lang), className="home-more"))
    return html.Section(body, className="home-card home-finance", id="home-finance")


def _change_item(c: Change, catalogue: Catalogue, lang: str, muni: str) -> html.Li:
    kpi = catalogue[c.kpi_code]
    unit = kpi.unit(lang, c.data_point)
    up = c.delta > 0
    arrow = "▲" if up else "▼"
    return html.Li([
        html.A(unit_label(catalogue, c.kpi_code, c.data_point, lang), href=kpi_href(kpi, lang, muni)),
        ": ",
        html.Span([html.Span(arrow + " ", **{"aria-hidden": "true"}),
                   t("home.change.closer" if up else "home.change.further", lang,
                     d=fmt_value(round(abs(c.delta), 1), lang))], className="move-up" if up else "move-down"),
        " ",
        t("home.change.values", lang, before=fmt_value(c.value_before, lang), now=fmt_value(c.value_now, lang),
          unit=unit, y0=c.year_before, y1=c.year_now),
        " ", status_label(c.status, lang) if c.status != "verified" else "",
    ])


def _changes_card(h: Home, catalogue: Catalogue, lang: str, params: dict) -> html.Section:
    body: list = [html.H2(t("home.changes.title", lang, prev=h.previous_year or "–"), className="home-card-title")]
    if not h.changes:
        body.append(html.P(t("home.changes.none", lang), className="home-sentence"))
    else:
        body.append(html.P(t("home.changes.sentence", lang, n=len(h.changes), of=h.comparable,
                             prev=h.previous_year, year=h.year), className="small"))
        body.append(html.Ol([_change_item(c, catalogue, lang, h.municipality) for c in h.changes],
                            className="home-changes"))
    body.append(html.A(t("home.changes.open", lang), href=href("/snapshot", lang, **params), className="home-more"))
    return html.Section(body, className="home-card home-changes-card", id="home-changes")


def layout(h: Home, catalogue: Catalogue, lang: str, munis, years, param_notices, initiatives=None) -> list:
    name = dict(munis).get(h.municipality, h.municipality)
    ylab = year_label(h.year, h.year_basis, lang)
    params = {"municipality": h.municipality if h.municipality != "3203" else None, "year": h.year}
    content: list = []
    if h.illustrative:
        content.append(illustrative_banner(lang, compact=True))
    n = notices(param_notices, lang)
    if n is not None:
        content.append(n)
    scored = [s for s in h.areas if s.score is not None]
    lead = (t("home.lead", lang)
            if scored else t("home.lead.none", lang, municipality=name, year=ylab))
    content += [
        html.Div([
            html.Div([html.H1(t("home.title", lang, municipality=name, year=ylab)),
                      html.P(lead, className="home-lead")], className="home-heading"),
            controls(lang, munis, years, h.municipality, h.year),
        ], className="home-top"),
        html.Div([_area_card(s, catalogue, lang, params) for s in h.areas], className="home-areas"),
        html.Div([_finance_card(h.finance, lang), _changes_card(h, catalogue, lang, params)],
                 className="home-second"),
        *([line] if (line := home_line(initiatives, lang) if initiatives is not None else None) is not None else []),
        html.Nav(html.Ul([
            html.Li(html.A(t("home.link.snapshot", lang), href=href("/snapshot", lang, **params))),
            html.Li(html.A(t("home.link.compare", lang), href=href("/compare", lang))),
            html.Li(html.A(t("home.link.indicators", lang), href=href("/indicators", lang, **params))),
            html.Li(html.A(t("home.link.data", lang), href=href("/data", lang))),
        ], className="home-links"), **{"aria-label": t("home.links.label", lang)}),
    ]
    return content
