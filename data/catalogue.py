"""The U4SSC KPI catalogue (``indicators.csv``): loading, code matching, slugs."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataError, Problem
from .rules import ValidRange, parse_range
from .taxonomy import CATEGORIES, SUB_DIMENSIONS

DIRECTIONS = ("higher", "lower", "none")
COLUMNS = (
    "code", "dimension", "sub_dimension", "category", "type", "name_en", "name_nb",
    "unit_en", "unit_nb", "direction", "data_points", "data_point_labels_en",
    "data_point_labels_nb", "data_point_directions", "data_point_units_en",
    "data_point_units_nb", "sdg_itu", "sdg_goals_ks", "sdg_targets_ks", "ks_ids",
    "aliases", "definition_en", "definition_nb",
)
# Optional columns: the physical and logical rules (data/rules.py). A catalogue without them has no rules.
RULE_COLUMNS = ("valid_range", "data_point_valid_ranges", "parts_sum_max")
CODE_RE = re.compile(r"^(EC|EN|SC):(ICT|P|I|EN|E|EH|SH):([A-Z]{1,3}):(\d{1,2})([CA])$")


def normalise_code(code: str) -> str:
    """The whitespace-free, upper-case form used to compare codes."""
    return re.sub(r"\s+", "", str(code)).upper()


def official_form(code: str) -> str:
    """``SC:EH:ED:1C`` -> ``SC: EH: ED: 1C``."""
    return ": ".join(normalise_code(code).split(":"))


def kpi_slug(code: str) -> str:
    """URL slug: lower case, each run of spaces and colons replaced by ``-``."""
    return re.sub(r"[\s:]+", "-", str(code).strip()).lower()


def _pairs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, _, value = part.partition("=")
        out[key.strip()] = value.strip()
    return out


@dataclass(frozen=True)
class DataPoint:
    slug: str
    label_en: str
    label_nb: str
    direction: str
    unit_en: str
    unit_nb: str
    valid: ValidRange = ValidRange()

    def label(self, lang: str) -> str:
        return self.label_nb if lang == "nb" else self.label_en


@dataclass(frozen=True)
class KPI:
    code: str
    dimension: str
    sub_dimension: str
    category: str
    type: str
    name_en: str
    name_nb: str
    unit_en: str
    unit_nb: str
    direction: str
    data_points: tuple[DataPoint, ...]
    sdg_itu: tuple[str, ...]
    sdg_goals_ks: tuple[str, ...]
    sdg_targets_ks: tuple[str, ...]
    ks_ids: tuple[str, ...]
    aliases: tuple[str, ...]
    definition_en: str
    definition_nb: str
    valid: ValidRange = ValidRange()
    parts_sum_max: float | None = None  # data points that split a whole: their sum per municipality and year
    definition_by: str = ""  # "itu": ITU's text; "project": our wording where the sources give none

    def valid_range(self, data_point: str = "") -> ValidRange:
        dp = self.data_point(data_point) if data_point else None
        return dp.valid if dp is not None else self.valid

    @property
    def slug(self) -> str:
        return kpi_slug(self.code)

    @property
    def sub_dimension_code(self) -> str:
        return f"{self.dimension}: {self.sub_dimension}"

    @property
    def category_code(self) -> str:
        return f"{self.dimension}: {self.sub_dimension}: {self.category}"

    def name(self, lang: str) -> str:
        return self.name_nb if lang == "nb" else self.name_en

    def unit(self, lang: str, data_point: str = "") -> str:
        for dp in self.data_points:
            if dp.slug == data_point:
                return dp.unit_nb if lang == "nb" else dp.unit_en
        return self.unit_nb if lang == "nb" else self.unit_en

    def definition(self, lang: str) -> str:
        return self.definition_nb if lang == "nb" else self.definition_en

    def direction_of(self, data_point: str = "") -> str:
        for dp in self.data_points:
            if dp.slug == data_point:
                return dp.direction
        return self.direction

    def data_point(self, slug: str) -> DataPoint | None:
        for dp in self.data_points:
            if dp.slug == slug:
                return dp
        return None

    @property
    def units(self) -> tuple[str, ...]:
        """The scored units: each data point, or the KPI itself once."""
        return tuple(dp.slug for dp in self.data_points) or ("",)


@dataclass(frozen=True)
class Catalogue:
    kpis: tuple[KPI, ...]
    _by_norm: dict[str, KPI] = field(default_factory=dict, repr=False, compare=False)
    _by_slug: dict[str, KPI] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for kpi in self.kpis:
            self._by_norm[normalise_code(kpi.code)] = kpi
            self._by_slug[kpi.slug] = kpi
        for kpi in self.kpis:
            for alias in kpi.aliases:
                self._by_norm.setdefault(normalise_code(alias), kpi)

    def __len__(self) -> int:
        return len(self.kpis)

    def __iter__(self):
        return iter(self.kpis)

    def resolve(self, code: str) -> KPI | None:
        """Find a KPI by code in any spacing, or by a known alias."""
        return self._by_norm.get(normalise_code(code))

    def by_slug(self, slug: str) -> KPI | None:
        return self._by_slug.get(str(slug).strip().lower())

    def __getitem__(self, code: str) -> KPI:
        kpi = self.resolve(code)
        if kpi is None:
            raise KeyError(code)
        return kpi

    @property
    def unit_count(self) -> int:
        return sum(len(k.units) for k in self.kpis)


def parse_catalogue(text: str, name: str = "indicators.csv") -> Catalogue:
    problems: list[Problem] = []
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise DataError([Problem(name, f"missing column(s): {', '.join(missing)}")])
    kpis: list[KPI] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        row.update({c: row.get(c, "") for c in RULE_COLUMNS})
        code = official_form(row["code"])
        m = CODE_RE.match(normalise_code(code))
        if not m:
            problems.append(Problem(name, f"'{row['code']}' is not a U4SSC code", i, "code"))
            continue
        norm = normalise_code(code)
        if norm in seen:
            problems.append(Problem(name, f"code {code} repeats row {seen[norm]}", i, "code"))
            continue
        seen[norm] = i
        dim, sub, cat = m.group(1), m.group(2), m.group(3)
        if (row["dimension"], row["sub_dimension"]) != (dim, sub):
            problems.append(Problem(name, f"dimension/sub_dimension do not match code {code}", i, "dimension"))
        if f"{dim}: {sub}" not in SUB_DIMENSIONS:
            problems.append(Problem(name, f"unknown sub-dimension {dim}: {sub}", i, "sub_dimension"))
        # The category is its own column: a KPI may sit in another category than its code's prefix
        # (Electronic Health Records, SC: EH: ED: 5A, is a Health KPI).
        cat = row["category"] or cat
        if f"{dim}: {sub}: {cat}" not in CATEGORIES:
            problems.append(Problem(name, f"unknown category {dim}: {sub}: {cat}", i, "category"))
        rule_text = {c: row.get(c, "") for c in RULE_COLUMNS}
        try:
            valid = parse_range(rule_text["valid_range"])
        except ValueError as exc:
            problems.append(Problem(name, str(exc), i, "valid_range"))
            valid = ValidRange()
        dp_valid: dict[str, ValidRange] = {}
        for slug, text in _pairs(rule_text["data_point_valid_ranges"]).items():
            try:
                dp_valid[slug] = parse_range(text)
            except ValueError as exc:
                problems.append(Problem(name, f"{slug}: {exc}", i, "data_point_valid_ranges"))
        parts_sum_max = None
        if rule_text["parts_sum_max"]:
            try:
                parts_sum_max = float(rule_text["parts_sum_max"])
            except ValueError:
                problems.append(Problem(name, f"'{rule_text['parts_sum_max']}' is not a number", i, "parts_sum_max"))
        if row["direction"] not in DIRECTIONS:
            problems.append(Problem(name, f"direction must be one of {', '.join(DIRECTIONS)}", i, "direction"))
        if row["type"] not in ("core", "advanced"):
            problems.append(Problem(name, "type must be core or advanced", i, "type"))
        for col in ("name_en", "name_nb"):
            if not row[col]:
                problems.append(Problem(name, "empty name", i, col))
        slugs = [s.strip() for s in row["data_points"].split(";") if s.strip()]
        labels_en, labels_nb = _pairs(row["data_point_labels_en"]), _pairs(row["data_point_labels_nb"])
        dirs = _pairs(row["data_point_directions"])
        units_en, units_nb = _pairs(row["data_point_units_en"]), _pairs(row["data_point_units_nb"])
        for slug, d in dirs.items():
            if d not in DIRECTIONS or slug not in slugs:
                problems.append(Problem(name, f"bad data point direction '{slug}={d}'", i, "data_point_directions"))
        dps = tuple(
            DataPoint(
                slug=s,
                label_en=labels_en.get(s, s),
                label_nb=labels_nb.get(s, labels_en.get(s, s)),
                direction=dirs.get(s, row["direction"]),
                unit_en=units_en.get(s, row["unit_en"]),
                unit_nb=units_nb.get(s, row["unit_nb"]),
                valid=dp_valid.get(s, valid),
            )
            for s in slugs
        )
        split = lambda v: tuple(x.strip() for x in v.split(";") if x.strip())  # noqa: E731
        kpis.append(KPI(
            code=code, dimension=dim, sub_dimension=sub, category=cat, type=row["type"],
            name_en=row["name_en"], name_nb=row["name_nb"], unit_en=row["unit_en"],
            unit_nb=row["unit_nb"], direction=row["direction"], data_points=dps,
            sdg_itu=split(row["sdg_itu"]), sdg_goals_ks=split(row["sdg_goals_ks"]),
            sdg_targets_ks=split(row["sdg_targets_ks"]), ks_ids=split(row["ks_ids"]),
            aliases=tuple(official_form(a) for a in split(row["aliases"])),
            definition_en=row["definition_en"], definition_nb=row["definition_nb"],
            valid=valid, parts_sum_max=parts_sum_max,
            definition_by=(row.get("definition_by") or "").strip().lower(),
        ))
    if not kpis and not problems:
        problems.append(Problem(name, "the catalogue has no rows"))
    if problems:
        raise DataError(problems)
    return Catalogue(tuple(kpis))


def load_catalogue(path: Path) -> Catalogue:
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DataError([Problem(str(path), "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise DataError([Problem(Path(path).name, f"not UTF-8 text (byte {exc.start})")]) from None
    return parse_catalogue(text, Path(path).name)
