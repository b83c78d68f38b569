"""KPI search that forgives: letters folded (å/a, ø/o, æ/ae, accents), everyday words from a synonym table
(``data/search_synonyms.csv``), codes in any spacing and case, and results ranked: code, then name, then
data point, category and definition."""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from .catalogue import KPI, Catalogue

SYNONYMS_FILE = Path(__file__).with_name("search_synonyms.csv")
FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ß": "ss"})
CODE_CHARS = re.compile(r"[\s:._/-]+")
# weights of a word found in a field; a KPI's score is the sum over the query's words of the best field
W_CODE, W_NAME, W_NAME_START, W_POINT, W_TAXONOMY, W_UNIT, W_DEFINITION = 1000, 100, 20, 60, 30, 10, 8


def fold(text: str) -> str:
    """Lower case without diacritics: ``Bredbånd`` -> ``bredband``, ``Ærlig`` -> ``aerlig``."""
    s = str(text).casefold().translate(FOLD)
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if not unicodedata.combining(ch))


def code_key(text: str) -> str:
    """A code without spaces, colons or dashes, upper case: ``ec: i: t: 1c`` and ``EC-I-T-1C`` -> ``ECIT1C``."""
    return CODE_CHARS.sub("", str(text)).upper()


@lru_cache(maxsize=4)
def synonyms(path: Path = SYNONYMS_FILE) -> dict[str, tuple[str, ...]]:
    """term (folded) -> what it also means (folded), from the synonym table."""
    out: dict[str, list[str]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            term, means = fold(row["term"].strip()), fold(row["means"].strip())
            if term and means:
                out.setdefault(term, []).append(means)
    return {k: tuple(v) for k, v in out.items()}


def _fields(kpi: KPI) -> list[tuple[int, str]]:
    from .taxonomy import CATEGORIES, DIMENSIONS, SUB_DIMENSIONS

    fields = [(W_NAME, kpi.name_nb), (W_NAME, kpi.name_en)]
    for dp in kpi.data_points:
        fields += [(W_POINT, dp.label_nb), (W_POINT, dp.label_en)]
    fields += [(W_TAXONOMY, x) for x in (*CATEGORIES[kpi.category_code], *SUB_DIMENSIONS[kpi.sub_dimension_code],
                                         *DIMENSIONS[kpi.dimension])]
    fields += [(W_UNIT, kpi.unit_nb), (W_UNIT, kpi.unit_en)]
    fields += [(W_DEFINITION, kpi.definition_nb or ""), (W_DEFINITION, kpi.definition_en or "")]
    return [(w, fold(text)) for w, text in fields if text]


@lru_cache(maxsize=8)
def _index(catalogue: Catalogue) -> tuple[tuple[KPI, str, tuple[tuple[int, str], ...]], ...]:
    return tuple((k, code_key(k.code), tuple(_fields(k))) for k in catalogue)


def _word_score(word: str, fields) -> int:
    best = 0
    for weight, text in fields:
        at = text.find(word)
        if at < 0:
            continue
        score = weight + (W_NAME_START if weight == W_NAME and (at == 0 or not text[at - 1].isalnum()) else 0)
        best = max(best, score)
    return best


def rank_kpis(catalogue: Catalogue, text: str) -> list[str]:
    """KPI codes matching ``text``, best first (ties in catalogue order); every KPI when ``text`` is empty.

    A KPI matches when every word of the query is found in one of its fields, the word itself or one of its
    synonyms; a query that is a code (in any spacing) or the start of one finds that code first.
    """
    query = " ".join(str(text).split())
    if not query:
        return [k.code for k in catalogue]
    index = _index(catalogue)
    wanted = code_key(query)
    table = synonyms()
    words = [w for w in fold(query).split() if w]
    scored: list[tuple[int, int, str]] = []
    for order, (kpi, key, fields) in enumerate(index):
        score = 0
        if wanted and key == wanted:
            score += W_CODE
        elif len(wanted) >= 3 and key.startswith(wanted) and not any(ch.isdigit() for ch in wanted):
            score += W_CODE // 2  # "EC ICT" -> every KPI of that sub-dimension
        words_score = 0
        for w in words:
            best = max([_word_score(w, fields)] + [_word_score(s, fields) for s in table.get(w, ())])
            if best == 0:
                words_score = 0
                break
            words_score += best
        score += words_score
        if score:
            scored.append((-score, order, kpi.code))
    return [code for _, _, code in sorted(scored)]
