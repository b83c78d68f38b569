"""Queries for ``/finance`` and the finance API: the municipality's own accounts, and KOSTRA figures by region.

Two kinds of rows are never drawn as one series: the municipality's own accounts (``kommunekasse``, as in its
announcements: old Asker, Røyken, the new Asker) and SSB's KOSTRA figures (``konsern``, imported per region).
Every count a sentence states is computed here, per series, from the same rows the chart and table use.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .finance import COLUMNS

OWN_BASIS = "kommunekasse"
KOSTRA_BASIS = "konsern"
# The municipality's own accounts: one series per measure and entity, in this order
OWN_MEASURES = ("net_operating_result_pct", "net_operating_result", "financial_return", "long_term_debt")
KOSTRA_MEASURES = ("net_operating_result_pct", "free_income_per_inhabitant", "long_term_debt_pct",
                   "net_interest_exposure_pct", "free_equity_pct")
ENTITY_ORDER = {"0220": 0, "0627": 1, "0628": 2, "3025": 3, "3203": 4}
NORM_MEASURE = "net_operating_result_pct"


@dataclass(frozen=True)
class Series:
    code: str
    name: str
    basis: str
    measure: str
    unit: str
    rows: pd.DataFrame  # year, value, status, source, note: this series only, by year

    @property
    def years(self) -> list[int]:
        return [int(y) for y in self.rows["year"]]

    @property
    def values(self) -> list[float | None]:
        return [None if pd.isna(v) else float(v) for v in self.rows["value"]]


@dataclass(frozen=True)
class NormCount:
    """How one series stands against the norm: ``above`` of ``n`` years with a figure, first to last."""
    series: Series
    above: int
    n: int
    first: int
    last: int
    latest: float
    latest_status: str


@dataclass(frozen=True)
class FinanceView:
    rows: pd.DataFrame  # own accounts, wide: one row per entity, basis and year with result_mnok and result_pct
    norm_pct: float | None
    norm_source: str
    norm_from: int | None
    own: dict = None  # measure -> [Series] (the municipality's own accounts)
    regions: tuple = ()  # (code, name) of the regions with KOSTRA figures
    region: str | None = None  # the chosen region
    kostra: dict = None  # measure -> Series of the chosen region
    norm_counts: dict = None  # (code, basis, measure) -> NormCount of every own and KOSTRA series (with a norm)

    def norm_count_of(self, s: Series) -> NormCount | None:
        return (self.norm_counts or {}).get((s.code, s.basis, s.measure))


def _series(long: pd.DataFrame, measure: str) -> list[Series]:
    sub = long[long["measure"] == measure]
    out = []
    for (code, basis), g in sub.groupby(["municipality_code", "basis"], sort=False, observed=True):
        g = g.sort_values("year")
        out.append(Series(str(code), str(g["municipality_name"].iloc[-1]), str(basis), measure, str(g["unit"].iloc[0]),
                          g[["year", "value", "status", "source", "note"]].reset_index(drop=True)))
    out.sort(key=lambda s: (ENTITY_ORDER.get(s.code, 9), s.code))
    return out


def norm_count(s: Series, norm: float) -> NormCount | None:
    """Years of this series at or above the norm, among its years with a figure (never another series' years)."""
    r = s.rows[s.rows["value"].notna()]
    if r.empty:
        return None
    last = r.iloc[-1]
    return NormCount(s, int((r["value"] >= norm).sum()), len(r), int(r["year"].min()), int(r["year"].max()),
                     float(last["value"]), str(last["status"]))


def regions(fin: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    k = fin[fin["basis"] == KOSTRA_BASIS]
    if k.empty:
        return ()
    pairs = k.sort_values("year").drop_duplicates("municipality_code", keep="last")
    out = sorted(((str(c), str(n)) for c, n in zip(pairs["municipality_code"], pairs["municipality_name"])),
                 key=lambda p: (ENTITY_ORDER.get(p[0], 9), p[1]))
    return tuple(out)


def default_region(available: tuple[tuple[str, str], ...]) -> str | None:
    codes = [c for c, _ in available]
    for c in ("3203", "3025", "0220"):
        if c in codes:
            return c
    return codes[0] if codes else None


def finance_view(ds, region: str | None = None) -> FinanceView:
    fin = ds.finance if not ds.finance.empty else pd.DataFrame(columns=list(COLUMNS))
    own_long = fin[fin["basis"] == OWN_BASIS]
    cols = ["municipality_code", "municipality_name", "basis", "year", "result_mnok", "status_mnok", "source_mnok",
            "note_mnok", "result_pct", "status_pct", "source_pct", "note_pct"]
    if own_long.empty:
        rows = pd.DataFrame(columns=cols)
    else:
        keys = ["municipality_code", "municipality_name", "basis", "year"]

        def part(measure: str, suffix: str) -> pd.DataFrame:
            sub = own_long[own_long["measure"] == measure][keys + ["value", "status", "source", "note"]]
            return sub.rename(columns={"value": f"result_{suffix}", "status": f"status_{suffix}",
                                       "source": f"source_{suffix}", "note": f"note_{suffix}"})
        rows = part("net_operating_result", "mnok").merge(part("net_operating_result_pct", "pct"), on=keys, how="outer")
        rows["_o"] = rows["municipality_code"].map(ENTITY_ORDER).fillna(9)
        rows = rows.sort_values(["year", "_o", "basis"]).drop(columns="_o").reset_index(drop=True)[cols]
    norm_pct, norm_source, norm_from = None, "", None
    if not ds.norms.empty:
        n = ds.norms[ds.norms["measure"] == NORM_MEASURE]
        if not n.empty:
            latest = n.sort_values("valid_from").iloc[-1]
            norm_pct, norm_source, norm_from = float(latest["value"]), str(latest["source"]), int(latest["valid_from"])
    own = {m: _series(own_long, m) for m in OWN_MEASURES}
    available = regions(fin)
    chosen = region if region in {c for c, _ in available} else default_region(available)
    kostra = {}
    if chosen is not None:
        k = fin[(fin["basis"] == KOSTRA_BASIS) & (fin["municipality_code"] == chosen)]
        for m in KOSTRA_MEASURES:
            found = _series(k, m)
            if found:
                kostra[m] = found[0]
    counts = {}
    if norm_pct is not None:
        for series in [x for group in own.values() for x in group] + list(kostra.values()):
            counts[(series.code, series.basis, series.measure)] = norm_count(series, norm_pct)
    return FinanceView(rows, norm_pct, norm_source, norm_from, own, available, chosen, kostra, counts)


def financial_return_2018(fin: pd.DataFrame) -> float | None:
    """The former Asker's (0220) financial return in 2018, the year before the merger, when the data has it."""
    if fin.empty:
        return None
    ret = fin[(fin["measure"] == "financial_return") & (fin["year"] == 2018) & (fin["municipality_code"] == "0220")
              & (fin["basis"] == "kommunekasse")]["value"]
    return float(ret.iloc[0]) if len(ret) else None
