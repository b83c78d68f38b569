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


@dataclass(frozen=True)
class FinanceView:
    rows: pd.DataFrame  # one row per (entity, basis, year) with result_mnok, result_pct, statuses, sources
    norm_pct: float | None
    norm_source: str
    norm_from: int | None


ENTITY_ORDER = {"0220": 0, "3025": 1, "3203": 2}


def finance_view(ds: Dataset) -> FinanceView:
    """Net operating result per entity, basis and year, MNOK and % side by side."""
    fin = ds.finance
    cols = ["municipality_code", "municipality_name", "basis", "year", "result_mnok", "status_mnok", "source_mnok",
            "note_mnok", "result_pct", "status_pct", "source_pct", "note_pct"]
    if fin.empty:
        rows = pd.DataFrame(columns=cols)
    else:
        keys = ["municipality_code", "municipality_name", "basis", "year"]
        def part(measure: str, suffix: str) -> pd.DataFrame:
            sub = fin[fin["measure"] == measure][keys + ["value", "status", "source", "note"]]
            return sub.rename(columns={"value": f"result_{suffix}", "status": f"status_{suffix}",
                                       "source": f"source_{suffix}", "note": f"note_{suffix}"})
        rows = part("net_operating_result", "mnok").merge(part("net_operating_result_pct", "pct"), on=keys, how="outer")
        rows["_o"] = rows["municipality_code"].map(ENTITY_ORDER).fillna(9)
        rows = rows.sort_values(["year", "_o", "basis"]).drop(columns="_o").reset_index(drop=True)[cols]
    norm_pct, norm_source, norm_from = None, "", None
    if not ds.norms.empty:
        n = ds.norms[ds.norms["measure"] == "net_operating_result_pct"]
        if not n.empty:
            latest = n.sort_values("valid_from").iloc[-1]
            norm_pct, norm_source, norm_from = float(latest["value"]), str(latest["source"]), int(latest["valid_from"])
    return FinanceView(rows, norm_pct, norm_source, norm_from)
