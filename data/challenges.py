"""Asker's four challenge areas (``challenge_areas.csv``, CONTRACTS section 3)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .catalogue import Catalogue
from .errors import DataError, Problem
from .tabular import read_table
from .taxonomy import CHALLENGE_AREAS, DIGITAL_PARTS

COLUMNS = ("kpi_code", "area", "part", "rationale_nb", "rationale_en")


def load_challenges(path: Path, catalogue: Catalogue, raw: bytes | None = None) -> pd.DataFrame:
    table = read_table(path, raw=raw)
    name = table.name
    if table.header != list(COLUMNS):
        raise DataError([Problem(name, f"columns must be exactly: {', '.join(COLUMNS)}", 1)])
    problems, out, seen = [], [], {}
    for i, cells in enumerate(table.rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(COLUMNS):
            problems.append(Problem(name, f"has {len(cells)} cells, expected {len(COLUMNS)}", i))
            continue
        r = dict(zip(COLUMNS, (c.strip() for c in cells)))
        kpi = catalogue.resolve(r["kpi_code"])
        if kpi is None:
            problems.append(Problem(name, f"'{r['kpi_code']}' is not a code in indicators.csv", i, "kpi_code"))
            continue
        if r["area"] not in CHALLENGE_AREAS:
            problems.append(Problem(name, f"area must be one of {', '.join(CHALLENGE_AREAS)}", i, "area"))
            continue
        if r["area"] == "digital" and r["part"] not in DIGITAL_PARTS:
            problems.append(Problem(name, "part must be infrastructure or utilisation in the digital area", i, "part"))
            continue
        if r["area"] != "digital" and r["part"]:
            problems.append(Problem(name, "part is only used in the digital area", i, "part"))
            continue
        key = (kpi.code, r["area"])
        if key in seen:
            problems.append(Problem(name, f"{kpi.code} is in area {r['area']} already (row {seen[key]})", i, "kpi_code"))
            continue
        seen[key] = i
        out.append({**r, "kpi_code": kpi.code})
    if problems:
        raise DataError(problems)
    return pd.DataFrame(out, columns=list(COLUMNS)).astype("string")
