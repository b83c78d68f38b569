"""The home page's questions, answered from one data set: how the challenge areas stand, the latest
net operating result against the norm, and the largest changes since the year before."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .finance_view import ENTITY_ORDER, finance_view
from .queries import AreaSummary, challenge_summaries, rows_for, year_basis_of
from .repository import Dataset

ACHIEVEMENT_CAP = 100.0  # beyond the target is the target reached: a change above it is no change


@dataclass(frozen=True)
class Change:
    kpi_code: str
    data_point: str
    year_before: int
    year_now: int
    value_before: float
    value_now: float
    achievement_before: float  # % of the target, capped at 100
    achievement_now: float
    band_before: int | None
    band_now: int | None
    status: str  # of the newer value

    @property
    def delta(self) -> float:
        return self.achievement_now - self.achievement_before


@dataclass(frozen=True)
class FinanceHeadline:
    """The newest net operating result in % of operating income, and the norm it is measured against."""

    year: int
    pct: float
    status: str
    entity_code: str
    entity_name: str
    norm: float | None
    norm_source: str
    later_year: int | None = None  # a newer year published in NOK only
    later_mnok: float | None = None
    later_status: str = ""
    later_entity_code: str = ""
    later_entity_name: str = ""

    @property
    def above_norm(self) -> bool | None:
        return None if self.norm is None else self.pct >= self.norm


@dataclass(frozen=True)
class Home:
    municipality: str
    year: int | None
    previous_year: int | None
    areas: list[AreaSummary]
    changes: list[Change]
    comparable: int  # values with an achievement in both years (the changes are the largest of these)
    finance: FinanceHeadline | None
    illustrative: bool
    year_basis: str


def largest_changes(ds: Dataset, municipality: str, year: int | None, n: int = 3) -> tuple[list[Change], int, int | None]:
    """The ``n`` values whose achievement moved most since the municipality's previous year, and how many
    values could be compared at all (an achievement in both years)."""
    years = [y for y in ds.years(municipality) if year is not None and y < year]
    prev = max(years, default=None)
    if prev is None:
        return [], 0, None
    now = rows_for(ds, municipality, year)
    before = rows_for(ds, municipality, prev)
    keys = ["kpi_code", "data_point"]
    cols = keys + ["value", "achievement", "band_used", "status", "unit"]
    both = now[cols].merge(before[cols], on=keys, suffixes=("", "_before"))
    both = both[both["achievement"].notna() & both["achievement_before"].notna()
                & both["value"].notna() & both["value_before"].notna()]
    if both.empty:
        return [], 0, prev
    both = both.assign(ach_now=both["achievement"].clip(upper=ACHIEVEMENT_CAP),
                       ach_before=both["achievement_before"].clip(upper=ACHIEVEMENT_CAP))
    both = both.assign(moved_by=(both["ach_now"] - both["ach_before"]).abs())
    moved = both[both["moved_by"] > 0].sort_values(["moved_by", "kpi_code", "data_point"], ascending=[False, True, True])

    def band(v) -> int | None:
        return None if pd.isna(v) else int(v)

    out = [Change(r.kpi_code, r.data_point, prev, int(year), float(r.value_before), float(r.value),
                  float(r.ach_before), float(r.ach_now), band(r.band_used_before), band(r.band_used), str(r.status))
           for r in moved.head(n).itertuples(index=False)]
    return out, len(both), prev


def finance_headline(ds: Dataset) -> FinanceHeadline | None:
    view = finance_view(ds)
    pct_series = view.own.get("net_operating_result_pct", []) if view.own else []
    best = None
    for s in pct_series:
        r = s.rows[s.rows["value"].notna()]
        if r.empty:
            continue
        last = r.sort_values("year").iloc[-1]
        key = (int(last["year"]), -ENTITY_ORDER.get(s.code, 9))
        if best is None or key > best[0]:
            best = (key, s, last)
    if best is None:
        return None
    _, s, last = best
    later = None
    for m in view.own.get("net_operating_result", []) if view.own else []:
        r = m.rows[m.rows["value"].notna() & (m.rows["year"] > int(last["year"]))]
        if not r.empty:
            row = r.sort_values("year").iloc[-1]
            if later is None or int(row["year"]) > later[1]:
                later = (m, int(row["year"]), float(row["value"]), str(row["status"]))
    extra = {}
    if later is not None:
        m, y, v, st = later
        extra = {"later_year": y, "later_mnok": v, "later_status": st, "later_entity_code": m.code,
                 "later_entity_name": m.name}
    return FinanceHeadline(int(last["year"]), float(last["value"]), str(last["status"]), s.code, s.name,
                           view.norm_pct, view.norm_source, **extra)


def home(ds: Dataset, municipality: str, year: int | None) -> Home:
    rows = rows_for(ds, municipality, year)
    changes, comparable, prev = largest_changes(ds, municipality, year)
    return Home(municipality, year, prev, challenge_summaries(ds, municipality, year), changes, comparable,
                finance_headline(ds) if municipality == "3203" else None,
                bool((rows["status"] == "illustrative").any()), year_basis_of(rows))
