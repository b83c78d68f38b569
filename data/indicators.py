"""Queries for the planners' pages: the KPI list, one KPI over time, its pace to 2030, and its peers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import unquote

import numpy as np
import pandas as pd

from .catalogue import KPI, Catalogue
from .repository import Dataset

HORIZON = 2030
PACE_WINDOW = 4  # the latest up to four yearly values give the recent change


def indicator_list(ds: Dataset, municipality: str, year: int | None) -> pd.DataFrame:
    """One row per scored unit of every KPI, with this municipality's band in this year (or none)."""
    obs = ds.observations
    here = obs[(obs["municipality_code"] == municipality) & (obs["year"] == year)]
    found = {(r.kpi_code, r.data_point): r for r in here.itertuples(index=False)}
    rows = []
    for kpi in ds.catalogue:
        for unit in kpi.units:
            r = found.get((kpi.code, unit))
            rows.append({
                "kpi_code": kpi.code, "slug": kpi.slug, "data_point": unit, "dimension": kpi.dimension,
                "sub_dimension": kpi.sub_dimension_code, "category": kpi.category_code,
                "name_en": kpi.name_en, "name_nb": kpi.name_nb,
                "band": None if r is None or pd.isna(r.band_used) else int(r.band_used),
                "status": "" if r is None else str(r.status),
                "exclusion": "" if r is None else str(r.exclusion),
            })
    return pd.DataFrame(rows)


def search_kpis(ds: Dataset, text: str) -> set[str]:
    """The KPI codes ``rank_kpis`` finds for ``text``, as a set."""
    from .search import rank_kpis

    return set(rank_kpis(ds.catalogue, text))


def series(ds: Dataset, kpi: KPI, municipality: str) -> pd.DataFrame:
    """Every row of one KPI for one municipality, by data point and year."""
    obs = ds.observations
    rows = obs[(obs["municipality_code"] == municipality) & (obs["kpi_code"] == kpi.code)]
    order = {u: i for i, u in enumerate(kpi.units)}
    rows = rows.assign(_o=rows["data_point"].map(order).fillna(99))
    return rows.sort_values(["_o", "year"]).drop(columns="_o").reset_index(drop=True)


@dataclass(frozen=True)
class Pace:
    data_point: str
    latest_year: int | None
    latest_value: float | None
    target: float | None
    direction: str
    state: str  # met, on_track, too_slow, wrong_way, no_trend, no_target, no_value
    required_per_year: float | None
    actual_per_year: float | None
    reached_year: int | None  # at the current pace; None when never or unknown
    latest_basis: str = "data"  # year_basis of the latest value: "report" when only the report's year is known


def _slope(years: np.ndarray, values: np.ndarray) -> float | None:
    if len(years) < 2:
        return None
    x = years.astype(float) - years.mean()
    denom = float((x * x).sum())
    if denom == 0:
        return None
    return float((x * (values - values.mean())).sum() / denom)


def pace(kpi: KPI, rows: pd.DataFrame, horizon: int = HORIZON) -> list[Pace]:
    """Distance to target as a pace: the yearly change needed by ``horizon`` vs the recent yearly change."""
    out = []
    for unit in kpi.units:
        direction = kpi.direction_of(unit)
        r = rows[(rows["data_point"] == unit) & rows["value"].notna()].sort_values("year")
        if r.empty:
            out.append(Pace(unit, None, None, None, direction, "no_value", None, None, None))
            continue
        last = r.iloc[-1]
        n, v = int(last["year"]), float(last["value"])
        basis = str(last["year_basis"]) if "year_basis" in r else "data"
        target = None if bool(last["target_na"]) or pd.isna(last["target"]) else float(last["target"])
        recent = r[r["year"] > n - PACE_WINDOW]
        actual = _slope(recent["year"].to_numpy(), recent["value"].to_numpy(dtype=float))
        if target is None or direction not in ("higher", "lower"):
            out.append(Pace(unit, n, v, target, direction, "no_target", None, actual, None, basis))
            continue
        gap = target - v
        met = v >= target if direction == "higher" else v <= target
        if met:
            out.append(Pace(unit, n, v, target, direction, "met", 0.0, actual, n, basis))
            continue
        required = gap / (horizon - n) if horizon > n else None
        if actual is None:
            state, reached = "no_trend", None
        elif actual == 0 or math.copysign(1, actual) != math.copysign(1, gap):
            state, reached = "wrong_way", None
        else:
            years_needed = gap / actual
            if not math.isfinite(years_needed) or years_needed > 10_000:  # a target out of reach of any pace
                state, reached = "too_slow", None
            else:
                reached = n + math.ceil(round(years_needed, 9))
                state = "on_track" if reached <= horizon else "too_slow"
        out.append(Pace(unit, n, v, target, direction, state, required, actual, reached, basis))
    return out


def peers(ds: Dataset, kpi: KPI, year: int | None = None) -> pd.DataFrame:
    """Each municipality's latest row per data point of this KPI (up to ``year`` when given)."""
    obs = ds.observations
    rows = obs[obs["kpi_code"] == kpi.code]
    if year is not None:
        rows = rows[rows["year"] <= year]
    rows = rows.sort_values("year").drop_duplicates(["municipality_code", "data_point"], keep="last")
    order = {u: i for i, u in enumerate(kpi.units)}
    rows = rows.assign(_o=rows["data_point"].map(order).fillna(99),
                       _a=rows["municipality_code"] != "3203")
    return rows.sort_values(["_o", "_a", "municipality_name"]).drop(columns=["_o", "_a"]).reset_index(drop=True)


def find_kpi(catalogue: Catalogue, raw: str) -> KPI | None:
    """A KPI by slug, or by its code in any spacing and case, also when the code arrives percent-encoded."""
    text = str(raw or "").strip()
    return catalogue.by_slug(text.lower()) or catalogue.resolve(unquote(text)) or catalogue.resolve(text)
