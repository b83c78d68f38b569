"""Small component builders shared by the pages."""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
from dash import html

from data.texts import in_language, split_urls

from . import ids
from .formatting import fmt_pct
from .i18n import BAND_SYMBOLS, t


def band_badge(band: int | None, lang: str) -> html.Span:
    """Band as shape AND text AND colour, never colour alone."""
    if band is None or (isinstance(band, float) and math.isnan(band)):
        return html.Span(t("band.none", lang), className="band band-none")
    b = int(band)
    return html.Span(
        [html.Span(BAND_SYMBOLS[b], className="band-symbol", **{"aria-hidden": "true"}), " ", t(f"band.{b}", lang)],
        className=f"band band-{b}",
    )


def data_text(text: object, lang: str, empty: str = "–"):
    """A note or source from the data, in the page's language when the translation table knows it; addresses
    become links (http and https only; the text itself is never read as markup)."""
    shown, _ = in_language(text, lang)
    if not shown:
        return empty
    pieces = split_urls(shown)
    if not any(is_url for _, is_url in pieces):
        return shown
    return html.Span([html.A(p, href=p, className="source-link")
                      if is_url else p for p, is_url in pieces])


def plain_text(text: object, lang: str) -> str:
    """The same text as ``data_text`` for places that take plain text only (hover labels, sentences)."""
    return in_language(text, lang)[0]


def status_label(status: str, lang: str) -> html.Span:
    return html.Span(t(f"status.{status}", lang), className=f"status status-{status}")


def data_table(caption: str, header: list[str], rows: list[list], numeric: set[int] | None = None,
               table_id: str | None = None, long_text: set[int] | None = None) -> html.Div:
    """An accessible table: caption, header cells with scope, first column as row headers.

    ``long_text``: columns (sources, URLs) whose text may break anywhere so the table still fits.
    """
    numeric = numeric or set()
    long_text = long_text or set()

    def cls(i: int) -> str | None:
        return "num" if i in numeric else ("long-text" if i in long_text else None)

    head = html.Thead(html.Tr([
        html.Th(h, scope="col", className="num" if i in numeric else None) for i, h in enumerate(header)
    ]))
    body = html.Tbody([
        html.Tr([
            html.Th(c, scope="row") if i == 0 else html.Td(c, className=cls(i))
            for i, c in enumerate(r)
        ]) for r in rows
    ])
    kw = {"id": table_id} if table_id else {}
    return scroll_region(html.Table([html.Caption(caption), head, body], className="table table-sm data-table", **kw),
                         caption)


def scroll_region(table, label: str) -> html.Div:
    """A wide table scrolls inside its own region: labelled, reachable by keyboard, with shadows at the edges
    that have more to show (CSS) as the visible cue."""
    return html.Div(table, className="table-responsive", tabIndex=0, role="region",
                    **{"aria-label": label, "data-scroll-region": "table"})


def score_text(pct: float | None, lang: str) -> str:
    return fmt_pct(pct, lang)


def illustrative_banner(lang: str, compact: bool = False) -> html.Div:
    """The warning on every page that shows illustrative values; ``compact``: one sentence (the home page)."""
    body = t("banner.illustrative.short" if compact else "banner.illustrative.body", lang)
    return html.Div(
        [
            html.Span("⚠", className="banner-icon", **{"aria-hidden": "true"}),
            html.Div([html.Strong(t("banner.illustrative.title", lang) + ": "), body]),
        ],
        className="illustrative-banner" + (" banner-compact" if compact else ""), role="note", id="illustrative-banner",
    )


def notices(items: list[tuple], lang: str) -> html.Div | None:
    """``(parameter, value)`` for an invalid value (the default is shown instead), or ``(parameter, value, key)``
    for a choice that cannot be met, with its own message."""
    if not items:
        return None
    lines = [t(it[2], lang, value=it[1]) if len(it) > 2 else t("notice.invalid", lang, param=it[0], value=it[1])
             for it in items]
    title = "notice.title" if any(len(it) == 2 for it in items) else "notice.choice"
    return html.Div([html.Strong(t(title, lang)), html.Ul([html.Li(x) for x in lines])],
                    className="param-notice", role="status")


def controls(lang: str, munis: list[tuple[str, str]], years: list[int] | None, muni: str, year: int | None,
             extra: list | None = None) -> html.Div:
    """Municipality and year (the year is left out when ``years`` is None), plus a page's own controls."""
    parts = [html.Div([
        dbc.Label(t("controls.municipality", lang), html_for=ids.CONTROLS_MUNICIPALITY),
        dbc.Select(id=ids.url_param("municipality"), value=muni, options=[{"label": n, "value": c} for c, n in munis]),
    ], className="control")]
    if years is not None:
        parts.append(html.Div([
            dbc.Label(t("controls.year", lang), html_for=ids.CONTROLS_YEAR),
            dbc.Select(id=ids.url_param("year"), value=str(year) if year else None,
                       options=[{"label": str(y), "value": str(y)} for y in reversed(years)]),
        ], className="control"))
    legend = t("controls.legend", lang) if years is not None else t("controls.legend_muni", lang)
    return html.Div([
        html.Fieldset([html.Legend(legend, className="visually-hidden"), *parts, *(extra or [])],
                      className="controls"),
    ], className="controls-form", role="search", **{"aria-label": legend})
