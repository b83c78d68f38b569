"""Physical and logical rules for values: what can be true, checked on every import and every load.

The rules live in the catalogue (``indicators.csv``), so a planner can read and change them:

- ``valid_range``: the values a KPI can take. ``0..100`` (both ends included), ``0..`` (no upper
  end), ``..`` (no rule), ``0|1`` (only these values, for yes/no KPIs). Empty means no rule.
- ``data_point_valid_ranges``: the same per data point where it differs (``number=0..;percent=0..100``).
- ``parts_sum_max``: for KPIs whose data points split one whole (mode shares, waste treatment), the
  most their values may add up to per municipality and year, plus ``SUM_TOLERANCE`` for rounding.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from .errors import Problem

SUM_TOLERANCE = 0.5  # percentage points: six shares rounded to one decimal can add up to 100.3
_RANGE_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)?\s*\.\.\s*(-?\d+(?:\.\d+)?)?\s*$")


@dataclass(frozen=True)
class ValidRange:
    low: float | None = None
    high: float | None = None
    allowed: tuple[float, ...] = ()

    @property
    def empty(self) -> bool:
        return self.low is None and self.high is None and not self.allowed

    def holds(self, value: float) -> bool:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return True
        if self.allowed:
            return value in self.allowed
        if self.low is not None and value < self.low:
            return False
        return not (self.high is not None and value > self.high)

    def describe(self) -> str:
        if self.allowed:
            return "one of " + ", ".join(_num(v) for v in self.allowed)
        if self.low is not None and self.high is not None:
            return f"between {_num(self.low)} and {_num(self.high)}"
        if self.low is not None:
            return f"at least {_num(self.low)}"
        if self.high is not None:
            return f"at most {_num(self.high)}"
        return "any number"

    def text(self) -> str:
        """The catalogue notation, for documentation and the API."""
        if self.allowed:
            return "|".join(_num(v) for v in self.allowed)
        if self.empty:
            return ""
        return f"{'' if self.low is None else _num(self.low)}..{'' if self.high is None else _num(self.high)}"


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def parse_range(text: str) -> ValidRange:
    text = (text or "").strip()
    if not text:
        return ValidRange()
    if "|" in text:
        try:
            return ValidRange(allowed=tuple(float(p) for p in text.split("|")))
        except ValueError:
            raise ValueError(f"'{text}' is not a list of values such as 0|1") from None
    m = _RANGE_RE.match(text)
    if not m:
        raise ValueError(f"'{text}' is not a range such as 0..100, 0.. or 0|1")
    low = float(m.group(1)) if m.group(1) is not None else None
    high = float(m.group(2)) if m.group(2) is not None else None
    if low is not None and high is not None and low > high:
        raise ValueError(f"'{text}': the lower end is above the upper end")
    return ValidRange(low, high)


def range_problem(kpi, data_point: str, value: float) -> str | None:
    """The message for a value outside its KPI's valid range, or None when it may be true."""
    rng = kpi.valid_range(data_point)
    if rng.holds(value):
        return None
    unit = kpi.unit("en", data_point)
    what = f"{kpi.code}" + (f" ({data_point})" if data_point else "")
    return f"{_num(value)} cannot be true for {what} in {unit}: rule valid_range, must be {rng.describe()}"


def sum_problems(frame: pd.DataFrame, catalogue, name: str, rownums: dict[tuple, int] | None = None) -> list[Problem]:
    """Parts of one whole (``parts_sum_max``) that add up to more than the whole, per municipality and year.

    ``rownums`` maps a key (municipality, year, kpi, data point) to its row in the file being checked;
    only groups with at least one such row are reported, naming that row.
    """
    codes = {k.code: k for k in catalogue if k.parts_sum_max is not None}
    if frame.empty or not codes:
        return []
    sub = frame[frame["kpi_code"].astype(str).isin(codes) & frame["value"].notna()]
    if sub.empty:
        return []
    problems = []
    sums = sub.groupby([sub["municipality_code"].astype(str), sub["year"].astype(int), sub["kpi_code"].astype(str)],
                       sort=True, observed=True)["value"].sum()
    for (muni, year, code), total in sums.items():
        limit = codes[code].parts_sum_max
        if total <= limit + SUM_TOLERANCE:
            continue
        row = None
        if rownums is not None:
            mine = [n for (m, y, c, _dp), n in rownums.items() if m == muni and y == year and c == code]
            if not mine:
                continue
            row = min(mine)
        problems.append(Problem(
            name, f"the data points of {code} for {muni} in {year} add up to {round(float(total), 6):g}: "
                  f"rule parts_sum_max, at most {_num(limit)} (+{SUM_TOLERANCE:g} for rounding)", row, "value"))
    return problems
