"""Which municipalities resemble one municipality on a set of KPIs (the peer finder on ``/compare``).

The method, in full:

1. For every municipality and every scored unit (KPI or data point) in the
   scope, take its latest value up to the chosen year.
2. Standardise each unit across the municipalities that have a value for it:
   z = (value - mean) / standard deviation (population). A unit with fewer
   than three values, or with no spread, is left out: it cannot tell
   municipalities apart.
3. The distance between two municipalities is the root mean square of the
   differences of their z-values over the units both have:
   d = sqrt(mean((z_a - z_b)^2)). A unit missing for either is left out (never
   counted as zero), so d is comparable whatever the number of shared units.
4. A municipality that shares fewer than ``min_common`` units with the chosen
   one (at least 3, and at least half of the chosen one's units) is not
   ranked; the answer says how many were left out for that reason.

d = 0 means identical standardised values; d = 1 means the values differ by
one standard deviation on average.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MIN_VALUES = 3  # a unit needs values for at least this many municipalities to be standardised


@dataclass
class PeerResult:
    target: str
    units: list[str]  # the units used (columns of ``wide`` that could be standardised)
    ranked: pd.DataFrame  # municipality_code, distance, common; nearest first
    unranked: int  # municipalities left out: too few units in common
    target_units: int  # how many usable units the chosen municipality has
    min_common: int
    statuses: set[str] = field(default_factory=set)  # statuses of the values compared (synthetic, illustrative...)


def standardise(wide: pd.DataFrame) -> pd.DataFrame:
    """Columns with at least MIN_VALUES values and some spread, as z-scores (population standard deviation)."""
    counts = wide.notna().sum()
    mean = wide.mean()
    std = wide.std(ddof=0)
    keep = (counts >= MIN_VALUES) & (std > 0)
    return (wide.loc[:, keep] - mean[keep]) / std[keep]


def nearest(wide: pd.DataFrame, target: str, k: int = 5) -> PeerResult:
    """``wide``: one row per municipality (index: code), one column per unit, values or NaN."""
    z = standardise(wide)
    if target not in z.index:
        return PeerResult(target, list(z.columns), _empty(), 0, 0, MIN_VALUES)
    t = z.loc[target].to_numpy(dtype=float)
    has_t = ~np.isnan(t)
    target_units = int(has_t.sum())
    min_common = max(MIN_VALUES, int(np.ceil(target_units / 2)))
    others = z.drop(index=target)
    m = others.to_numpy(dtype=float)
    both = ~np.isnan(m) & has_t
    common = both.sum(axis=1)
    diff = np.where(both, m - np.where(has_t, t, 0.0), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        dist = np.sqrt((diff ** 2).sum(axis=1) / common)
    ok = common >= min_common
    ranked = pd.DataFrame({"municipality_code": others.index[ok], "distance": dist[ok], "common": common[ok]})
    ranked = ranked.sort_values(["distance", "municipality_code"], kind="stable").head(k).reset_index(drop=True)
    return PeerResult(target, list(z.columns), ranked, int((~ok).sum()), target_units, min_common)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"municipality_code": pd.Series([], dtype=object), "distance": pd.Series([], dtype=float),
                         "common": pd.Series([], dtype=int)})


def latest_values(observations: pd.DataFrame, units: list[tuple[str, str]], year_to: int | None
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(wide values, long rows used): the latest value per municipality and unit up to ``year_to``."""
    codes = sorted({c for c, _ in units})
    obs = observations
    mask = obs["kpi_code"].isin(codes).to_numpy() & obs["value"].notna().to_numpy()
    if year_to is not None:
        mask &= (obs["year"] <= year_to).to_numpy()
    rows = obs.loc[mask, ["municipality_code", "kpi_code", "data_point", "year", "value", "status"]]
    # the latest year per municipality and unit, found on the (categorical) columns before any text is made
    rows = rows.sort_values("year", kind="stable").drop_duplicates(["municipality_code", "kpi_code", "data_point"],
                                                                    keep="last")
    rows = rows.assign(**{c: rows[c].astype(str) for c in ("municipality_code", "kpi_code", "data_point", "status")})
    rows["unit"] = rows["kpi_code"] + "|" + rows["data_point"]
    wanted = {f"{c}|{d}" for c, d in units}
    rows = rows[rows["unit"].isin(wanted)]
    wide = rows.pivot(index="municipality_code", columns="unit", values="value")
    order = [f"{c}|{d}" for c, d in units if f"{c}|{d}" in wide.columns]
    return wide[order].astype(float), rows
