"""Memoisable queries over a Dataset (pure functions of data and filters)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .repository import Dataset
from .scoring import roll_up


@dataclass(frozen=True)
class Overview:
    municipality: str
    year: int | None
    dimensions: pd.DataFrame
    sub_dimensions: pd.DataFrame
    band_counts: dict[int, int]
    status_counts: dict[str, int]
    exclusion_counts: dict[str, int]
    kpi_count: int
    unit_count: int
    illustrative: bool


def rows_for(ds: Dataset, municipality: str, year: int | None) -> pd.DataFrame:
    obs = ds.observations
    mask = obs["municipality_code"] == municipality
    if year is not None:
        mask &= obs["year"] == year
    return obs[mask]


def overview(ds: Dataset, municipality: str, year: int | None) -> Overview:
    rows = rows_for(ds, municipality, year)
    dims = roll_up(rows, ds.catalogue, "dimension")
    subs = roll_up(rows, ds.catalogue, "sub_dimension")
    scored = rows[rows["exclusion"] == ""]
    bands = {b: int((scored["band_used"] == b).sum()) for b in (1, 2, 3, 4)}
    statuses = rows["status"].value_counts().to_dict()
    excl = {k: int((rows["exclusion"] == k).sum()) for k in ("not_reported", "no_value", "no_benchmark")}
    return Overview(
        municipality=municipality, year=year, dimensions=dims, sub_dimensions=subs,
        band_counts=bands, status_counts={str(k): int(v) for k, v in statuses.items()},
        exclusion_counts=excl, kpi_count=int(rows["kpi_code"].nunique()), unit_count=len(rows),
        illustrative=bool((rows["status"] == "illustrative").any()),
    )
