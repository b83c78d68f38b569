"""Row filters shared by ``/compare``, ``/data``, the API and the export command.

One parser for every caller: pages fall back to defaults and show a notice,
the API answers 400. Both get the same list of ``Invalid(parameter, value,
reason)``. Parameter names and forms are those of CONTRACTS section 5.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from .observations import STATUSES
from .taxonomy import CATEGORIES, CHALLENGE_AREAS, DIMENSIONS, SUB_DIMENSIONS, resolve_prefix


class Dataset(Protocol):
    """What filtering needs of a data set (``data.repository.Dataset`` has it): no import of the repository."""

    enriched: pd.DataFrame
    challenges: pd.DataFrame

    def municipalities(self) -> list[tuple[str, str]]: ...

MAX_PARAM_CHARS = 200
MAX_LIST_ITEMS = 400
FILTER_PARAMS = ("municipality", "year", "dimension", "sub_dimension", "category", "challenge_area", "band",
                 "status", "verified", "q")
YEAR_MIN, YEAR_MAX = 1900, 2100


@dataclass(frozen=True)
class Invalid:
    parameter: str
    value: str
    reason: str


@dataclass
class Filters:
    municipality: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    dimension: tuple[str, ...] = ()
    sub_dimension: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    challenge_area: tuple[str, ...] = ()
    band: tuple[int, ...] = ()
    status: tuple[str, ...] = ()
    verified: str | None = None  # "yes" / "no"
    q: str = ""
    invalid: list[Invalid] = field(default_factory=list)

    def as_params(self) -> dict[str, str]:
        """The canonical query parameters that reproduce these filters."""
        out: dict[str, str] = {}
        if self.municipality:
            out["municipality"] = ",".join(self.municipality)
        if self.year_from is not None:
            out["year"] = (str(self.year_from) if self.year_from == self.year_to
                           else f"{self.year_from}-{self.year_to}")
        for name in ("dimension", "sub_dimension", "category", "challenge_area", "status"):
            v = getattr(self, name)
            if v:
                out[name] = ",".join(v)
        if self.band:
            out["band"] = ",".join(str(b) for b in self.band)
        if self.verified:
            out["verified"] = self.verified
        if self.q:
            out["q"] = self.q
        return out


def reversed_years(raw: object) -> tuple[int, int] | None:
    """``"2023-2019"`` -> (2023, 2019): a range whose first year is after its last (a choice the pages keep
    visible with a notice, instead of swapping it silently)."""
    m = re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", str(raw or "").strip())
    if not m or not m.group(1).isascii():
        return None
    a, b = int(m.group(1)), int(m.group(2))
    return (a, b) if a > b and YEAR_MIN <= b and a <= YEAR_MAX else None


def _items(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def _prefixes(table: dict, text: str, param: str, invalid: list[Invalid]) -> tuple[str, ...]:
    whole = resolve_prefix(table, text)  # names may hold commas ("Education, Health and Culture")
    if whole is not None:
        return (whole,)
    out = []
    for item in _items(text):
        key = resolve_prefix(table, item)
        if key is None:
            invalid.append(Invalid(param, item, "unknown code, slug or name"))
        elif key not in out:
            out.append(key)
    return tuple(out)


def parse_filters(raw: dict, ds: Dataset) -> Filters:
    """Query parameters -> Filters; every bad value is listed in ``invalid`` and ignored."""
    f = Filters()
    inv = f.invalid
    vals: dict[str, str] = {}
    for name in FILTER_PARAMS:
        v = raw.get(name)
        if v is None:
            continue
        if isinstance(v, (list, tuple)):
            v = ",".join(str(x) for x in v)
        v = str(v)
        if len(v) > MAX_PARAM_CHARS and name != "municipality":
            inv.append(Invalid(name, v[:40] + "…", f"longer than {MAX_PARAM_CHARS} characters"))
            continue
        if len(v) > 4000:
            inv.append(Invalid(name, v[:40] + "…", "longer than 4000 characters"))
            continue
        if v.strip():
            vals[name] = v.strip()
    if "municipality" in vals:
        munis = dict(ds.municipalities())
        by_name = {n.casefold(): c for c, n in munis.items()}
        items = _items(vals["municipality"])
        if len(items) > MAX_LIST_ITEMS:
            inv.append(Invalid("municipality", f"{len(items)} items", f"more than {MAX_LIST_ITEMS} municipalities"))
        else:
            chosen = []
            for item in items:
                code = item if item in munis else by_name.get(item.casefold())
                if code is None:
                    inv.append(Invalid("municipality", item, "no data for this municipality code or name"))
                elif code not in chosen:
                    chosen.append(code)
            f.municipality = tuple(chosen)
    if "year" in vals:
        m = re.fullmatch(r"(\d{4})(?:\s*-\s*(\d{4}))?", vals["year"])
        if not m:
            inv.append(Invalid("year", vals["year"], "use one year (2021) or a range (2019-2021)"))
        else:
            a, b = int(m.group(1)), int(m.group(2) or m.group(1))
            if not (YEAR_MIN <= a <= YEAR_MAX and YEAR_MIN <= b <= YEAR_MAX) or a > b:
                inv.append(Invalid("year", vals["year"], f"years must lie in {YEAR_MIN}-{YEAR_MAX}, first <= last"))
            else:
                f.year_from, f.year_to = a, b
    if "dimension" in vals:
        f.dimension = _prefixes(DIMENSIONS, vals["dimension"], "dimension", inv)
    if "sub_dimension" in vals:
        f.sub_dimension = _prefixes(SUB_DIMENSIONS, vals["sub_dimension"], "sub_dimension", inv)
    if "category" in vals:
        f.category = _prefixes(CATEGORIES, vals["category"], "category", inv)
    if "challenge_area" in vals:
        f.challenge_area = _prefixes(CHALLENGE_AREAS, vals["challenge_area"], "challenge_area", inv)
    if "band" in vals:
        bands = []
        for item in _items(vals["band"]):
            if item in ("1", "2", "3", "4"):
                if int(item) not in bands:
                    bands.append(int(item))
            else:
                inv.append(Invalid("band", item, "band must be 1, 2, 3 or 4"))
        f.band = tuple(sorted(bands))
    if "status" in vals:
        sts = []
        for item in _items(vals["status"]):
            s = item.lower().replace(" ", "_").replace("-", "_")
            if s in STATUSES:
                if s not in sts:
                    sts.append(s)
            else:
                inv.append(Invalid("status", item, f"status must be one of {', '.join(STATUSES)}"))
        f.status = tuple(sts)
    if "verified" in vals:
        v = vals["verified"].lower()
        mapping = {"yes": "yes", "true": "yes", "ja": "yes", "1": "yes", "no": "no", "false": "no", "nei": "no",
                   "0": "no"}
        if v in mapping:
            f.verified = mapping[v]
        else:
            inv.append(Invalid("verified", vals["verified"], "verified must be yes or no"))
    if "q" in vals:
        f.q = vals["q"]
    return f


def apply_filters(ds: Dataset, f: Filters) -> pd.DataFrame:
    """The enriched rows matching every filter, in key order."""
    df = ds.enriched
    mask = np.ones(len(df), dtype=bool)
    if f.municipality:
        mask &= df["municipality_code"].isin(f.municipality).to_numpy()
    if f.year_from is not None:
        y = df["year"].to_numpy()
        mask &= (y >= f.year_from) & (y <= f.year_to)
    for name in ("dimension", "sub_dimension", "category", "status"):
        v = getattr(f, name)
        if v:
            mask &= df[name].isin(v).to_numpy()
    if f.challenge_area:
        areas = ds.challenges[ds.challenges["area"].isin(f.challenge_area)]["kpi_code"].unique()
        mask &= df["kpi_code"].isin(list(areas)).to_numpy()
    if f.band:
        mask &= df["band_used"].isin(list(f.band)).fillna(False).to_numpy(dtype=bool)
    if f.verified:
        mask &= (df["verified"] == f.verified).to_numpy()
    if f.q:
        needle = f.q.casefold()
        found = np.zeros(len(df), dtype=bool)
        for col in SEARCHED:  # match the distinct values once, then select rows by category
            cats = df[col].cat.categories
            hits = cats[pd.Series(cats).str.casefold().str.contains(needle, regex=False).to_numpy()]
            if len(hits):
                found |= df[col].isin(hits).to_numpy()
        mask &= found
    return df[mask]


SEARCHED = ("kpi_code", "kpi_name_en", "kpi_name_nb", "data_point", "municipality_name")
