"""The frame around every page: skip link, header, navigation, language switch, footer."""

from __future__ import annotations

from dash import dcc, html

from . import ids
from .i18n import t
from .urls import with_params

NAV = (("/", "nav.home"), ("/snapshot", "nav.snapshot"), ("/challenges", "nav.challenges"),
       ("/indicators", "nav.indicators"), ("/compare", "nav.compare"), ("/finance", "nav.finance"), ("/data", "nav.data"),
       ("/about", "nav.about"))


def _permalink(path: str, search: str) -> str:
    from flask import has_request_context, request

    host = request.host_url.rstrip("/") if has_request_context() else ""
    return f"{host}{path}{search}"


def _today(lang: str) -> str:
    import datetime as dt

    d = dt.date.today()
    return f"{d.day}.{d.month}.{d.year}" if lang == "nb" else d.isoformat()


def page(lang: str, path: str, search: str, content: list, fingerprint: str | None = None,
         state: dict | None = None) -> html.Div:
    """``state``: the value each url-param control on the page was drawn with (see callbacks.navigation)."""
    other = "en" if lang == "nb" else "nb"
    switch = path + with_params(search, lang=None if other == "nb" else other)
    links = []
    for href, key in NAV:
        current = (path == href) or (href != "/" and path.startswith(href + "/"))
        links.append(html.Li(html.A(
            t(key, lang), href=href + with_params("", lang=lang if lang != "nb" else None),
            className="nav-link" + (" active" if current else ""),
            **({"aria-current": "page"} if current else {}),
        ), className="nav-item"))
    lang_q = with_params("", lang=lang if lang != "nb" else None)
    footer = [html.P(t("footer.text", lang)),
              html.P(html.A(t("footer.accessibility", lang), href="/about/accessibility" + lang_q))]
    if fingerprint:
        footer.append(html.P(t("footer.data_version", lang, fingerprint=fingerprint[:12]), className="small"))
    return html.Div([
        html.A(t("nav.skip", lang), href="#main-content", className="skip-link"),
        html.Header([
            html.Div([
                html.P(t("app.title", lang), className="app-title"),
                html.P(t("app.subtitle", lang), className="app-subtitle"),
            ], className="brand"),
            html.Nav(html.Ul(links + [html.Li(html.A(
                t("nav.language", lang), href=switch, lang=other, hrefLang=other,
                className="nav-link lang-switch", title=t("nav.language_label", lang),
            ), className="nav-item")], className="nav"), **{"aria-label": t("nav.label", lang)}),
        ], className="site-header"),
        html.Main([
            html.Div([
                html.Button(t("print.button", lang), id=ids.PRINT_BUTTON, type="button",
                            className="btn btn-outline-primary btn-sm print-button"),
            ], className="page-tools"),
            html.Div([html.P(t("print.permalink", lang, url=_permalink(path, search))),
                      html.P(t("print.date", lang, date=_today(lang)))], className="print-only print-meta"),
            *content,
        ], id="main-content", tabIndex=-1, className="container-fluid main"),
        html.Footer(footer, className="site-footer"),
        dcc.Store(id=ids.URL_STATE, data={k: "" if v is None else str(v) for k, v in (state or {}).items()}),
    ], className="app-shell", lang=lang)
