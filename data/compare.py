"""Queries for ``/compare``: KPIs x municipalities, and year-over-year change for one municipality."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from .filters import Filters, apply_filters
from .repository import Dataset


def scope_units(ds: Dataset, f: Filters) -> list[tuple[str, str]]:
    """(kpi_code, data_point) of every catalogue unit inside the chosen scope, in catalogue order."""
    areas = set()
    if f.challenge_area:
        areas = set(ds.challenges[ds.challenges["area"].isin(f.challenge_area)]["kpi_code"])
    out = []
    for kpi in ds.catalogue:
        if f.dimension and kpi.dimension not in f.dimension:
            continue
        if f.sub_dimension and kpi.sub_dimension_code not in f.sub_dimension:
            continue
        if f.category and kpi.category_code not in f.category:
            continue
        if f.challenge_area and kpi.code not in areas:
            continue
        out += [(kpi.code, u) for u in kpi.units]
    return out


def matrix(ds: Dataset, f: Filters) -> tuple[list[tuple[str, str]], pd.DataFrame]:
    """The units in scope and, per municipality and unit, the latest row within the year range.

    Units without a row for a municipality are missing from the frame; the page
    shows them as missing, never as zero.
    """
    units = scope_units(ds, f)
    rows = apply_filters(ds, replace(f, band=(), status=(), verified=None, q="", invalid=[]))
    rows = rows.sort_values("year").drop_duplicates(["municipality_code", "kpi_code", "data_point"], keep="last")
    return units, rows.reset_index(drop=True)


def year_over_year(ds: Dataset, f: Filters, municipality: str) -> tuple[list[int], pd.DataFrame]:
    """One municipality's values per unit and year in range, with the change from the previous year shown.

    Columns: kpi_code, data_point, year, value, status, change (absolute), change_pct (relative, % of the
    previous value; empty when the previous value is 0 or missing).
    """
    g = replace(f, municipality=(municipality,), band=(), status=(), verified=None, q="", invalid=[])
    rows = apply_filters(ds, g)[["kpi_code", "data_point", "year", "value", "status"]].copy()
    rows["kpi_code"] = rows["kpi_code"].astype(str)
    rows["status"] = rows["status"].astype(str)
    years = sorted(int(y) for y in rows["year"].unique())
    rows = rows.sort_values(["kpi_code", "data_point", "year"])
    prev = rows.groupby(["kpi_code", "data_point"], sort=False)["value"].shift(1)
    prev_year = rows.groupby(["kpi_code", "data_point"], sort=False)["year"].shift(1)
    consecutive = (rows["year"] - prev_year) == 1
    rows["change"] = (rows["value"] - prev).where(consecutive)
    rel = (rows["value"] - prev) / prev.abs() * 100.0
    rows["change_pct"] = rel.where(consecutive & prev.notna() & (prev != 0))
    return years, rows.reset_index(drop=True)
