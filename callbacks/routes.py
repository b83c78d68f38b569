"""Which page a URL is, its ``<title>`` in the page's language, and its HTTP status (404 for unknown routes,
KPIs and areas). Used for the first response (the index page) and for every in-app navigation."""

from __future__ import annotations

import re
from collections.abc import Mapping

from data.indicators import find_kpi
from data.params import MAX_PARAM_CHARS, parse_page_params
from data.repository import Dataset
from data.taxonomy import CHALLENGE_AREAS, name_of
from layouts.formatting import year_label
from layouts.i18n import t

STATIC = {"/": "home", "/snapshot": "snapshot", "/challenges": "challenges", "/indicators": "indicators",
          "/compare": "compare", "/finance": "finance", "/data": "data", "/about": "about",
          "/about/accessibility": "accessibility"}
TEMPLATES = ((re.compile(r"^/challenges/([^/]+)$"), "challenge_area", "area"),
             (re.compile(r"^/indicators/([^/]+)$"), "indicator", "kpi"))


def route_of(path: str) -> tuple[str | None, dict[str, str]]:
    """The page name and path variables of a path, or (None, {}) when no page has it."""
    p = path.rstrip("/") or "/"
    if p in STATIC:
        return STATIC[p], {}
    for pattern, name, var in TEMPLATES:
        m = pattern.match(p)
        if m:
            return name, {var: m.group(1)}
    return None, {}


def _title(lang: str, key: str, **kw) -> str:
    return f"{t(key, lang, **kw)} – {t('title.suffix', lang)}"


def page_meta(ds: Dataset, name: str | None, kwargs: Mapping[str, object]) -> tuple[int, str]:
    """(HTTP status, title) of the page ``name`` drawn with ``kwargs`` (path variables and query parameters)."""
    args = {k: v for k, v in kwargs.items() if isinstance(v, str)}
    p = parse_page_params({k: v for k, v in args.items() if k in ("lang", "municipality", "year")}, ds)
    lang = p.lang
    munis = dict(ds.municipalities())
    muni = munis.get(p.municipality, p.municipality)
    if name is None:
        return 404, _title(lang, "title.not_found")
    if name == "home":
        return 200, _title(lang, "title.home", municipality=muni)
    if name == "snapshot":
        return 200, _title(lang, "title.snapshot", municipality=muni, year=year_label(p.year, "data", lang))
    if name == "challenges":
        return 200, _title(lang, "title.challenges", municipality=muni)
    if name == "challenge_area":
        slug = str(args.get("area", "")).strip().lower()
        if slug not in CHALLENGE_AREAS:
            return 404, _title(lang, "title.area_not_found")
        return 200, _title(lang, "title.challenge_area", area=name_of(CHALLENGE_AREAS, slug, lang), municipality=muni)
    if name == "indicators":
        q = " ".join(str(args.get("q", "")).split())[:MAX_PARAM_CHARS]
        return 200, _title(lang, "title.indicators.q", q=q[:60]) if q else _title(lang, "title.indicators")
    if name == "indicator":
        kpi = find_kpi(ds.catalogue, str(args.get("kpi", "")))
        if kpi is None:
            return 404, _title(lang, "title.kpi_not_found")
        return 200, _title(lang, "title.indicator", code=kpi.code, name=kpi.name(lang))
    key = {"compare": "title.compare", "finance": "title.finance", "data": "title.data", "about": "title.about",
           "accessibility": "title.accessibility"}.get(name, "title.not_found")
    return (200 if key != "title.not_found" else 404), _title(lang, key)
