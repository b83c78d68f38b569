"""Error pages: not found (inside Dash) and data unavailable (plain HTML, HTTP 503)."""

from __future__ import annotations

from html import escape

from dash import html

from .i18n import t


def not_found(lang: str) -> list:
    return [html.H1(t("error.404.title", lang)),
            html.P(html.A(t("error.404.body", lang), href="/" if lang == "nb" else "/?lang=en"))]


def failed(lang: str) -> list:
    """A page that could not be built: an apology and a way on, never the exception's text."""
    return [html.H1(t("error.500.title", lang)),
            html.P(t("error.500.body", lang)),
            html.P(html.A(t("error.404.body", lang), href="/" if lang == "nb" else "/?lang=en"))]


def unavailable(lang: str, problems: list[str]) -> list:
    return [html.H1(t("error.503.title", lang)), html.P(t("error.503.body", lang)),
            html.Ul([html.Li(p) for p in problems[:20]])]


def unavailable_html(lang: str, problems: list[str]) -> str:
    """A self-contained page; every problem text is escaped (data is never markup)."""
    items = "".join(f"<li>{escape(p)}</li>" for p in problems[:20])
    return (
        f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(t('error.503.title', lang))}</title>"
        '<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;'
        "color:#1a1a1a}h1{font-size:1.6rem}li{margin:.4rem 0;overflow-wrap:anywhere}</style></head>"
        f"<body><main><h1>{escape(t('error.503.title', lang))}</h1><p>{escape(t('error.503.body', lang))}</p>"
        f"<ul>{items}</ul></main></body></html>"
    )
