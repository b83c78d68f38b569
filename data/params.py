"""Parsing and validating URL/API parameters (pure; shared by pages and API)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .repository import Dataset

MAX_PARAM_CHARS = 200
LANGS = ("nb", "en")


@dataclass
class PageParams:
    lang: str = "nb"
    municipality: str = "3203"
    year: int | None = None
    notices: list[tuple[str, str]] = field(default_factory=list)  # (parameter, given value)


def parse_lang(raw: object, default: str = "nb") -> tuple[str, bool]:
    text = str(raw).strip().lower() if raw is not None else ""
    if not text:
        return default, True
    if text in LANGS:
        return text, True
    return default, False


def parse_page_params(kwargs: dict, ds: Dataset | None) -> PageParams:
    """Query parameters of a page -> validated values; bad ones fall back with a notice."""
    p = PageParams()
    raw = {k: (v if isinstance(v, str) else str(v)) for k, v in (kwargs or {}).items()}
    lang, ok = parse_lang(raw.get("lang"))
    p.lang = lang
    if not ok:
        p.notices.append(("lang", raw.get("lang", "")[:MAX_PARAM_CHARS]))
    if ds is None:
        return p
    munis = dict(ds.municipalities())
    default_muni = "3203" if "3203" in munis else (next(iter(munis), "3203"))
    m = raw.get("municipality", "").strip()
    if m:
        if m in munis:
            p.municipality = m
        else:
            by_name = [c for c, n in munis.items() if n.casefold() == m.casefold()]
            if len(by_name) == 1:
                p.municipality = by_name[0]
            else:
                p.municipality = default_muni
                p.notices.append(("municipality", m[:MAX_PARAM_CHARS]))
    else:
        p.municipality = default_muni
    years = ds.years(p.municipality)
    y = raw.get("year", "").strip()
    if y:
        if re.fullmatch(r"\d{4}", y) and int(y) in years:
            p.year = int(y)
        else:
            p.notices.append(("year", y[:MAX_PARAM_CHARS]))
    if p.year is None and years:
        p.year = years[-1]
    return p
