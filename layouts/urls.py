"""Building and changing query strings (pure)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

ALLOWED = ("lang", "municipality", "year", "dimension", "sub_dimension", "category",
           "challenge_area", "band", "status", "verified", "q", "sort", "page")


def parse_query(search: str | None) -> dict[str, str]:
    text = (search or "").lstrip("?")
    return {k: v for k, v in parse_qsl(text, keep_blank_values=False) if k in ALLOWED}


def with_params(search: str | None, **updates: str | int | None) -> str:
    """The query string with some parameters set (or removed when None/'')."""
    q = parse_query(search)
    for k, v in updates.items():
        if v is None or v == "":
            q.pop(k, None)
        else:
            q[k] = str(v)
    ordered = {k: q[k] for k in ALLOWED if k in q}
    return "?" + urlencode(ordered) if ordered else ""


def href(path: str, lang: str, **params: str | int | None) -> str:
    q = {"lang": lang if lang != "nb" else None, **params}
    return path + with_params("", **q)
