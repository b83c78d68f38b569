"""Shipped notes and sources in both languages (``data/text_translations.csv``, columns ``en,nb``).

The data files keep one text per row, as the contract says; the pages show
a text in the page's language when the table knows it. A text the table does
not know (an imported note, say) is shown as it was written.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("text_translations.csv")
URL_RE = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:)]")


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    with TABLE.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            pair = {"en": row["en"], "nb": row["nb"]}
            out[row["en"]] = pair
            out[row["nb"]] = pair
    return out


def in_language(text: object, lang: str) -> tuple[str, str | None]:
    """``(text to show, its language)``; the language is None when the table does not know the text."""
    s = "" if text is None or (isinstance(text, float) and text != text) else str(text)
    pair = _table().get(s)
    if pair is None:
        return s, None
    return pair[lang], lang


def split_urls(text: str) -> list[tuple[str, bool]]:
    """``text`` as pieces, each ``(piece, is_url)``; only http and https addresses count as links."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in URL_RE.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out
