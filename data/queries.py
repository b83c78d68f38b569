"""Memoisable queries over a Dataset (pure functions of data and filters)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .finance_view import FinanceView, finance_view  # noqa: F401  (the finance queries live beside the others)
from .repository import Dataset
from .scoring import roll_up, rollup_score


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
    categories: pd.DataFrame = None  # roll-up per category (for the benchmarking wheel)
    units: pd.DataFrame = None  # the scored rows themselves (kpi_code, data_point, band_used, ...)
    kpis: dict = None  # kpi_code -> (band or None, reason): each catalogue KPI once (the wheel)
    kpi_totals: dict = None  # KPIs per band 1-4, "none" and "total" (kpi_band_counts of ``kpis``)
    reporting: pd.DataFrame = None  # per dimension: verified, reported, illustrative, not reported, no benchmark
    previous_year: int | None = None
    band_changes: pd.DataFrame = None  # units whose band differs from the previous year
    year_basis: str = "data"  # "report" when every row of this year only carries its report's year


REPORTING_COLUMNS = ("verified", "reported", "illustrative", "synthetic", "not_reported", "no_benchmark",
                     "no_value", "missing")


def reporting_panel(rows: pd.DataFrame, catalogue) -> pd.DataFrame:
    """Per dimension: how many catalogue units are verified, reported, illustrative, synthetic, not reported,
    without a benchmark, without a number, or missing from the data altogether."""
    from .taxonomy import DIMENSIONS

    out = []
    for dim in DIMENSIONS:
        units = [(k.code, u) for k in catalogue if k.dimension == dim for u in k.units]
        r = rows[rows["kpi_code"].astype(str).str.startswith(dim + ":")]
        rec = {"dimension": dim, "units": len(units)}
        for st in ("verified", "reported", "illustrative", "synthetic"):
            rec[st] = int(((r["status"] == st) & ~r["exclusion"].isin(["not_reported", "no_value"])).sum())
        rec["not_reported"] = int((r["exclusion"] == "not_reported").sum())
        rec["no_benchmark"] = int((r["exclusion"] == "no_benchmark").sum())
        rec["no_value"] = int((r["exclusion"] == "no_value").sum())
        rec["missing"] = len(units) - len(r)
        out.append(rec)
    return pd.DataFrame(out)


def band_changes(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Units scored in both years whose band moved, biggest moves first."""
    cols = ["kpi_code", "data_point", "band_before", "band_now", "move", "status"]
    if now.empty or before.empty:
        return pd.DataFrame(columns=cols)
    a = now[now["exclusion"] == ""][["kpi_code", "data_point", "band_used", "status"]]
    b = before[before["exclusion"] == ""][["kpi_code", "data_point", "band_used"]]
    m = a.merge(b, on=["kpi_code", "data_point"], suffixes=("", "_before"))
    m = m.rename(columns={"band_used": "band_now", "band_used_before": "band_before"})
    m["move"] = m["band_now"].astype(int) - m["band_before"].astype(int)
    m = m[m["move"] != 0]
    m = m.assign(_abs=m["move"].abs()).sort_values(["_abs", "move", "kpi_code"], ascending=[False, False, True])
    return m[cols].reset_index(drop=True)


def kpi_bands(units: pd.DataFrame, catalogue) -> dict[str, tuple[int | None, str]]:
    """Each catalogue KPI's band (its scored values' points rolled up, as U4SSC scores a KPI with data points)
    and, when it has none, why: ``not_reported``, ``no_value``, ``no_benchmark`` or ``missing`` (no row)."""
    out: dict[str, tuple[int | None, str]] = {k.code: (None, "missing") for k in catalogue}
    if units is None or units.empty:
        return out
    # plain lists, not a pandas group per KPI: 91 groups cost pandas 40-100 ms, these loops about 1 ms
    per_kpi: dict[str, list] = {}
    for code, band, excl in zip(units["kpi_code"].tolist(), units["band_used"].tolist(),
                                units["exclusion"].tolist()):
        if not pd.isna(code):
            per_kpi.setdefault(str(code), []).append((band, excl))
    for code, items in per_kpi.items():
        pts = [int(p) for p, e in items if e == "" and not pd.isna(p)]
        res = rollup_score(pts)
        if res:
            out[code] = (res[1], "")
        else:
            reasons = [str(e) for _, e in items if str(e)]
            out[code] = (None, reasons[0] if reasons else "no_benchmark")
    return out


def kpi_band_counts(bands: dict[str, tuple[int | None, str]]) -> dict:
    """KPIs per band, and without one: the counts add up to ``total``, the KPIs in the catalogue."""
    counts = {b: sum(1 for band, _ in bands.values() if band == b) for b in (1, 2, 3, 4)}
    counts["none"] = sum(1 for band, _ in bands.values() if band is None)
    counts["total"] = len(bands)
    return counts


def year_basis_of(rows: pd.DataFrame) -> str:
    """``report`` when every row carries only its report's year (``year_basis``), else ``data``."""
    if rows.empty or "year_basis" not in rows:
        return "data"
    return "report" if bool((rows["year_basis"].astype(str) == "report").all()) else "data"


def all_years(ds: Dataset) -> list[int]:
    """Every year any municipality has data for, ascending."""
    return sorted({y for c, _ in ds.municipalities() for y in ds.years(c)})


def has_illustrative(rows: pd.DataFrame) -> bool:
    """Whether any of the rows is an illustrative (invented) value: the page then says so."""
    return bool((rows["status"] == "illustrative").any()) if "status" in rows else False


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
    years = ds.years(municipality)
    prev = max((y for y in years if year is not None and y < year), default=None)
    prev_rows = rows_for(ds, municipality, prev) if prev is not None else rows.iloc[0:0]
    return Overview(
        municipality=municipality, year=year, dimensions=dims, sub_dimensions=subs,
        band_counts=bands, status_counts={str(k): int(v) for k, v in statuses.items()},
        exclusion_counts=excl, kpi_count=int(rows["kpi_code"].nunique()), unit_count=len(rows),
        illustrative=bool((rows["status"] == "illustrative").any()),
        categories=roll_up(rows, ds.catalogue, "category"),
        units=rows[["kpi_code", "data_point", "value", "band_used", "exclusion", "status", "achievement"]]
        .reset_index(drop=True),
        kpis=(per_kpi := kpi_bands(rows, ds.catalogue)),
        kpi_totals=kpi_band_counts(per_kpi),
        reporting=reporting_panel(rows, ds.catalogue), previous_year=prev,
        band_changes=band_changes(rows, prev_rows), year_basis=year_basis_of(rows),
    )


TREND_THRESHOLD_PP = 2.0  # score change (percentage points) that counts as a movement


@dataclass(frozen=True)
class AreaSummary:
    area: str
    score: float | None
    band: int | None
    previous_year: int | None
    previous_score: float | None
    trend: str  # improving, stagnating, worsening, unknown
    weakest: list[tuple[str, str]]  # (kpi_code, data_point)
    kpi_count: int
    scored: int
    parts: dict[str, tuple[float | None, int | None]]
    values: int = 0  # the catalogue's values (KPIs and data points) in the area: scored + not scored


def _score_of(rolled: pd.DataFrame, group: str) -> tuple[float | None, int | None]:
    r = rolled[rolled["group"] == group] if not rolled.empty else rolled
    if r.empty or pd.isna(r["score_pct"].iloc[0]):
        return None, None
    return float(r["score_pct"].iloc[0]), int(r["band"].iloc[0])


def value_kind(status: str) -> str:
    """Values that may be compared with each other: published ones (verified, reported), illustrative ones,
    synthetic ones. A ranking or "best" never mixes kinds."""
    return {"verified": "published", "reported": "published"}.get(status, status)


def trend_of(delta: float | None) -> str:
    if delta is None:
        return "unknown"
    if delta > TREND_THRESHOLD_PP:
        return "improving"
    if delta < -TREND_THRESHOLD_PP:
        return "worsening"
    return "stagnating"


def area_units(ds: Dataset, municipality: str, year: int | None, area: str) -> pd.DataFrame:
    """The area's rows for one municipality and year, weakest first, with trend and position."""
    ch = ds.challenges[ds.challenges["area"] == area][["kpi_code", "part"]]
    obs = ds.observations
    rows = obs[(obs["municipality_code"] == municipality) & (obs["year"] == year)].merge(ch, on="kpi_code")
    if rows.empty:
        return rows.assign(trend="unknown", trend_delta=pd.Series(dtype=float), rank=pd.Series(dtype="Int64"),
                           peers=pd.Series(dtype="Int64"), rank_note=pd.Series(dtype=str))
    history = obs[(obs["municipality_code"] == municipality) & (obs["year"] <= year)
                  & obs["kpi_code"].isin(set(ch["kpi_code"]))]
    trends, deltas = [], []
    for r in rows.itertuples(index=False):
        h = history[(history["kpi_code"] == r.kpi_code) & (history["data_point"] == r.data_point)].sort_values("year")
        h = h[h["year"] >= year - 2]
        delta = None
        if len(h) >= 2:
            a = h["achievement"].astype(float)
            if a.notna().all():
                delta = (a.iloc[-1] - a.iloc[0]) / (int(h["year"].iloc[-1]) - int(h["year"].iloc[0]))
        trends.append(trend_of(None if delta is None else delta * 2))  # > 1 pp a year counts
        deltas.append(delta)
    rows = rows.assign(trend=trends, trend_delta=deltas)
    # position among the municipalities with a value for the same unit: each one's latest year up to this one,
    # and only values of the same kind (an illustrative value is never ranked against published ones)
    ranks, peers, notes = [], [], []
    cand = obs[(obs["year"] <= year) & obs["kpi_code"].isin(set(rows["kpi_code"])) & obs["value"].notna()]
    cand = cand[cand["municipality_code"] != municipality]
    cand = cand.sort_values("year").drop_duplicates(["municipality_code", "kpi_code", "data_point"], keep="last")
    same_year = pd.concat([cand, rows[rows["value"].notna()]], ignore_index=True)
    same_year = same_year.assign(_kind=same_year["status"].astype(str).map(value_kind))
    for r in rows.itertuples(index=False):
        p = same_year[(same_year["kpi_code"] == r.kpi_code) & (same_year["data_point"] == r.data_point)]
        same = p[p["_kind"] == value_kind(str(r.status))]
        note = "other_kind" if len(p) >= 2 and len(same) < 2 and not pd.isna(r.value) else ""
        p = same
        notes.append(note)
        if len(p) < 2 or pd.isna(r.value) or r.direction not in ("higher", "lower"):
            ranks.append(None)
            peers.append(len(p) if len(p) >= 2 else None)
            continue
        better = (p["value"] > r.value).sum() if r.direction == "higher" else (p["value"] < r.value).sum()
        ranks.append(int(better) + 1)
        peers.append(len(p))
    rows = rows.assign(rank_note=notes)
    rows = rows.assign(rank=pd.array(ranks, dtype="Int64"), peers=pd.array(peers, dtype="Int64"))
    order = rows.assign(_p=rows["points"].astype("Float64").fillna(99), _a=rows["achievement"].fillna(1e9))
    return order.sort_values(["_p", "_a", "kpi_code", "data_point"]).drop(columns=["_p", "_a"]).reset_index(drop=True)


def challenge_summaries(ds: Dataset, municipality: str, year: int | None) -> list[AreaSummary]:
    from .scoring import roll_up
    from .taxonomy import CHALLENGE_AREAS, DIGITAL_PARTS

    obs = ds.observations
    years = ds.years(municipality)
    prev = max((y for y in years if year is not None and y < year), default=None)
    now_rows = obs[(obs["municipality_code"] == municipality) & (obs["year"] == year)]
    prev_rows = obs[(obs["municipality_code"] == municipality) & (obs["year"] == prev)] if prev else obs.iloc[0:0]
    now = roll_up(now_rows, ds.catalogue, "challenge_area", ds.challenges)
    before = roll_up(prev_rows, ds.catalogue, "challenge_area", ds.challenges)
    out = []
    for area in CHALLENGE_AREAS:
        score, band = _score_of(now, area)
        pscore, _ = _score_of(before, area)
        delta = None if score is None or pscore is None else score - pscore
        units = area_units(ds, municipality, year, area)
        scored = units[units["exclusion"] == ""] if not units.empty else units
        weakest = [(r.kpi_code, r.data_point) for r in scored.head(2).itertuples(index=False)]
        parts = {p: _score_of(now, f"{area}/{p}") for p in DIGITAL_PARTS} if area == "digital" else {}
        codes = set(ds.challenges[ds.challenges["area"] == area]["kpi_code"])
        n_values = sum(len(k.units) for k in ds.catalogue if k.code in codes)
        out.append(AreaSummary(area, score, band, prev, pscore, trend_of(delta), weakest, len(codes),
                               len(scored), parts, n_values))
    return out
