"""What the municipality does about its challenge areas: ``data/initiatives.csv``.

One row per initiative (the README holds the contract). Validated whole: a
file with one bad cell is refused with every problem named by row and
column, and nothing is written. The links to challenge areas and KPIs are a
planning judgement kept in the file, like the KPI mapping of the areas.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from .catalogue import Catalogue
from .errors import DataError, Problem
from .observations import CONTROL_RE, NONCHAR_RE, YEAR_MAX, YEAR_MIN, invisible_char, unescape_text
from .tabular import header_problem, parse_csv_bytes
from .taxonomy import CHALLENGE_AREAS

FILE = "initiatives.csv"
COLUMNS = ("id", "name_nb", "name_en", "description_nb", "description_en", "owner", "started", "status",
           "challenge_areas", "kpi_codes", "source_title", "source_url")
KEY = ("id",)
STATUSES = ("planned", "ongoing", "completed", "unknown")
ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
URL_RE = re.compile(r"https?://[^\s<>\"'`]{1,500}")
LIMITS = {"name_nb": 200, "name_en": 200, "description_nb": 2000, "description_en": 2000, "owner": 200,
          "source_title": 300}
REQUIRED = ("name_nb", "name_en", "description_nb", "description_en", "source_title")


def is_initiatives(header: list[str]) -> bool:
    return "id" in header and "description_nb" in header


def empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in COLUMNS})


def validate_initiatives(table, catalogue: Catalogue) -> tuple[pd.DataFrame, list[Problem]]:
    """Every row checked; ``(frame, [])`` or ``(empty, problems)`` naming file, row and column."""
    name = table.name
    wrong = header_problem(table.header, COLUMNS, name)
    if wrong is not None:
        return empty(), [wrong]
    idx = {c: table.header.index(c) for c in COLUMNS}
    problems: list[Problem] = []
    out: list[dict] = []
    seen: dict[str, int] = {}
    for i, cells in enumerate(table.rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(table.header):
            problems.append(Problem(name, f"has {len(cells)} cells, the header has {len(table.header)}", i))
            continue
        r = {c: unicodedata.normalize("NFC", unescape_text(cells[j].strip())) for c, j in idx.items()}
        mine: list[Problem] = []

        def bad(column: str, message: str, row: int = i, into: list = mine) -> None:
            into.append(Problem(name, message, row, column))

        for c, text in r.items():
            hidden = invisible_char(text)
            if CONTROL_RE.search(text) or NONCHAR_RE.search(text):
                bad(c, "holds a control character or a non-character")
            elif hidden is not None:
                bad(c, f"holds an invisible or direction-changing character (U+{ord(hidden):04X})")
        if not ID_RE.fullmatch(r["id"]):
            bad("id", f"'{r['id'][:70]}' is not an id (lower-case letters, digits and '-', at most 64)")
        elif r["id"] in seen:
            bad("id", f"repeats the id of row {seen[r['id']]}")
        else:
            seen[r["id"]] = i
        for c in REQUIRED:
            if not r[c]:
                bad(c, "is empty")
        for c, top in LIMITS.items():
            if len(r[c]) > top:
                bad(c, f"is {len(r[c])} characters long (at most {top})")
        if r["started"] and not (re.fullmatch(r"[0-9]{4}", r["started"]) and YEAR_MIN <= int(r["started"]) <= YEAR_MAX):
            bad("started", f"'{r['started'][:20]}' is not a year (4 digits) or empty")
        if r["status"] not in STATUSES:
            bad("status", f"'{r['status'][:30]}' is not one of {', '.join(STATUSES)}")
        areas = [a.strip() for a in r["challenge_areas"].split(",") if a.strip()]
        for a in areas:
            if a not in CHALLENGE_AREAS:
                bad("challenge_areas", f"'{a[:40]}' is not a challenge area (one of {', '.join(CHALLENGE_AREAS)})")
        codes = []
        for code in (c.strip() for c in r["kpi_codes"].split(";") if c.strip()):
            kpi = catalogue.resolve(code) or catalogue.by_slug(code.lower())
            if kpi is None:
                bad("kpi_codes", f"'{code[:40]}' is not a code in indicators.csv (separate codes with ';')")
            else:
                codes.append(kpi.code)
        if r["source_url"] and not URL_RE.fullmatch(r["source_url"]):
            bad("source_url", "must be an http(s) address without spaces, or empty")
        problems += mine
        if not mine:
            out.append({**r, "challenge_areas": ",".join(dict.fromkeys(areas)),
                        "kpi_codes": ";".join(dict.fromkeys(codes))})
    if problems:
        return empty(), problems
    return (pd.DataFrame(out, columns=list(COLUMNS)) if out else empty()), []


def load_initiatives(path: Path, catalogue: Catalogue, raw: bytes | None = None) -> pd.DataFrame:
    raw = Path(path).read_bytes() if raw is None else raw
    frame, problems = validate_initiatives(parse_csv_bytes(raw, Path(path).name), catalogue)
    if problems:
        raise DataError(problems)
    return frame


def rows_of(frame: pd.DataFrame) -> list[list[str]]:
    return [[str(r[c]) for c in COLUMNS] for r in frame.to_dict("records")]


def for_area(frame: pd.DataFrame, area: str) -> pd.DataFrame:
    if frame.empty:
        return frame
    return frame[frame["challenge_areas"].map(lambda s: area in s.split(","))]


def for_kpi(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    if frame.empty:
        return frame
    return frame[frame["kpi_codes"].map(lambda s: code in s.split(";"))]


def records(frame: pd.DataFrame) -> list[dict]:
    """For the API: lists instead of joined text."""
    out = []
    for r in frame.to_dict("records"):
        out.append({**r, "challenge_areas": [a for a in r["challenge_areas"].split(",") if a],
                    "kpi_codes": [k for k in r["kpi_codes"].split(";") if k],
                    "started": int(r["started"]) if r["started"] else None})
    return out
