"""Municipal finance (``finance.csv`` and ``finance_norms.csv``, CONTRACTS section 2)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from .errors import DataError, Problem
from .tabular import header_problem, parse_number, read_table

COLUMNS = ("municipality_code", "municipality_name", "year", "measure", "value", "unit",
           "basis", "status", "source", "note")
NORM_COLUMNS = ("measure", "value", "unit", "valid_from", "scope", "source", "note")
# SSB table 12134 ContentsCode -> readable measure name
SSB_MEASURES = {
    "KOSAGD230000": "net_operating_result_pct",
    "KOSAG110000": "free_income_per_inhabitant",
    "KOSKG320000": "long_term_debt_pct",
    "KOSKG400000": "net_interest_exposure_pct",
    "KOSKG210000": "free_equity_pct",
}
MEASURES = {
    "net_operating_result": "MNOK",
    "net_operating_result_pct": "%",
    "financial_return": "MNOK",
    "long_term_debt": "MNOK",
    "free_income_per_inhabitant": "NOK",
    "long_term_debt_pct": "%",
    "net_interest_exposure_pct": "%",
    "free_equity_pct": "%",
}
BASES = ("kommunekasse", "konsern")
STATUSES = ("final", "preliminary", "missing")
KEY = ("municipality_code", "year", "measure", "basis")


def validate_finance_table(table, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    wrong = header_problem(table.header, COLUMNS, name)
    if wrong is not None:
        return pd.DataFrame(), [wrong]
    idx = {c: table.header.index(c) for c in COLUMNS}
    problems: list[Problem] = []
    out: list[dict] = []
    seen: dict[tuple, int] = {}
    for i, cells in enumerate(table.rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(table.header):
            problems.append(Problem(name, f"has {len(cells)} cells, the header has {len(table.header)}", i))
            continue
        r = {c: cells[j].strip() for c, j in idx.items()}
        ok = True
        if not re.fullmatch(r"[0-9A-Za-z]{1,16}", r["municipality_code"]):
            problems.append(Problem(name, f"'{r['municipality_code']}' is not a region code", i, "municipality_code"))
            ok = False
        if not re.fullmatch(r"\d{4}", r["year"]) or not (1900 <= int(r["year"]) <= 2100):
            problems.append(Problem(name, f"'{r['year']}' is not a year", i, "year"))
            ok = False
        measure = SSB_MEASURES.get(r["measure"], r["measure"])
        if measure not in MEASURES:
            problems.append(Problem(name, f"unknown measure '{r['measure']}'", i, "measure"))
            ok = False
        if r["basis"] not in BASES:
            problems.append(Problem(name, f"basis must be one of {', '.join(BASES)}", i, "basis"))
            ok = False
        if r["status"] not in STATUSES:
            problems.append(Problem(name, f"status must be one of {', '.join(STATUSES)}", i, "status"))
            ok = False
        value = math.nan
        if r["value"]:
            v = parse_number(r["value"], table.decimal_comma)
            if v is None:
                problems.append(Problem(name, f"'{r['value']}' is not a finite number", i, "value"))
                ok = False
            else:
                value = v
            if r["status"] == "missing":
                problems.append(Problem(name, "must be empty when status is missing", i, "value"))
                ok = False
        elif r["status"] in ("final", "preliminary"):
            problems.append(Problem(name, "is empty; use status missing for a missing value", i, "value"))
            ok = False
        if not r["source"]:
            problems.append(Problem(name, "is empty: every figure needs its source", i, "source"))
            ok = False
        if not ok:
            continue
        key = (r["municipality_code"], int(r["year"]), measure, r["basis"])
        if key in seen:
            problems.append(Problem(name, f"repeats the key of row {seen[key]}", i, "measure"))
            continue
        seen[key] = i
        out.append({**r, "measure": measure, "year": int(r["year"]), "value": value})
    df = pd.DataFrame(out, columns=list(COLUMNS))
    if not df.empty:
        df["year"] = df["year"].astype("int16")
        df["value"] = df["value"].astype("float64")
        for c in ("municipality_code", "municipality_name", "measure", "unit", "basis", "status", "source", "note"):
            df[c] = df[c].astype("string")
    return df, problems


def load_finance(path: Path, raw: bytes | None = None) -> pd.DataFrame:
    table = read_table(path, raw=raw)
    df, problems = validate_finance_table(table, table.name)
    if problems:
        raise DataError(problems)
    return df


def load_norms(path: Path, raw: bytes | None = None) -> pd.DataFrame:
    table = read_table(path, raw=raw)
    name = table.name
    if table.header != list(NORM_COLUMNS):
        raise DataError([Problem(name, f"columns must be exactly: {', '.join(NORM_COLUMNS)}", 1)])
    out, problems = [], []
    for i, cells in enumerate(table.rows, start=2):
        r = dict(zip(NORM_COLUMNS, (c.strip() for c in cells)))
        v = parse_number(r.get("value", ""), table.decimal_comma)
        if v is None:
            problems.append(Problem(name, f"'{r.get('value', '')}' is not a number", i, "value"))
            continue
        if not re.fullmatch(r"\d{4}", r.get("valid_from", "")):
            problems.append(Problem(name, "is not a year", i, "valid_from"))
            continue
        out.append({**r, "value": v, "valid_from": int(r["valid_from"])})
    if problems:
        raise DataError(problems)
    return pd.DataFrame(out, columns=list(NORM_COLUMNS))
