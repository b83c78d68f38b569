"""The ``/data`` table's query: sort, page and the parameters that choose them (no Dash, no layout)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

PAGE_SIZE = 50
SORTABLE = ("kpi_code", "municipality_name", "year", "value", "band_used", "status", "dimension", "category")


def parse_sort(raw: str | None) -> tuple[str, bool, bool]:
    """``-year`` -> (column, descending, valid)."""
    text = (raw or "").strip()
    if not text:
        return "", False, True
    desc = text.startswith("-")
    col = text.lstrip("-")
    if col not in SORTABLE:
        return "", False, False
    return col, desc, True


def parse_page(raw: str | None) -> tuple[int, bool]:
    """``page=3`` -> (3, valid); anything but a whole number from 1 gives page 1 and ``valid`` False."""
    text = (raw or "").strip()
    if not text:
        return 1, True
    if text.isdigit() and 0 < len(text) <= 7 and int(text) >= 1:
        return int(text), True
    return 1, False


def sort_rows(rows: pd.DataFrame, col: str, desc: bool) -> pd.DataFrame:
    """Rows ordered by ``col`` then municipality, year, KPI and data point; missing values last."""
    if not col:
        return rows
    keys = [col] + [c for c in ("municipality_code", "year", "kpi_code", "data_point") if c != col]
    sortable = rows.assign(**{c: rows[c].astype(str) for c in keys if str(rows[c].dtype) == "category"})
    order = sortable.sort_values(keys, ascending=[not desc] + [True] * (len(keys) - 1), na_position="last",
                                 kind="stable").index
    return rows.loc[order]


def page_count(total: int) -> int:
    return max(1, math.ceil(total / PAGE_SIZE))


def page_of(order: np.ndarray, page: int) -> np.ndarray:
    """The row labels of one page of ``order``."""
    return order[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
