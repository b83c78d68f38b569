"""The observation template (CONTRACTS section 1): validation and the typed frame."""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path

import pandas as pd

from .catalogue import Catalogue
from .errors import DataError, Problem
from .rules import range_problem, sum_problems
from .tabular import MAX_CELL_CHARS, Table, parse_number, read_table

COLUMNS = (
    "municipality_code", "municipality_name", "year", "kpi_code", "data_point", "value",
    "unit", "target", "band", "verified", "quality", "status", "source", "note",
)
KEY = ("municipality_code", "year", "kpi_code", "data_point")
# Optional column: what ``year`` means. ``data`` (the default) is the year the value describes; ``report``
# is the year of the report the value comes from, when the report does not say which year it describes.
YEAR_BASIS = ("data", "report")
OPTIONAL = ("year_basis",)
FILE_COLUMNS = (*COLUMNS, *OPTIONAL)  # what the store and the exports write
# Columns our exports add for readers; an import ignores them (they are derived from the catalogue and scoring).
EXPORT_ONLY = ("kpi_name", "dimension", "sub_dimension", "category", "challenge_area", "score_band", "points",
               "achievement_pct")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


CONTROL_RE = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Unicode non-characters (U+FDD0-U+FDEF and the last two code points of every plane): XML cannot hold them
NONCHAR_RE = re.compile("[\ufdd0-\ufdef" + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}"
                                                    for p in range(17)) + "]")
IDENTITY = ("municipality_code", "municipality_name", "kpi_code", "data_point")
_FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u034f"}


def _nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def invisible_char(text: str) -> str | None:
    """The first invisible or direction-changing character (zero-width, bidi controls, soft hyphen, BOM...), if any:
    two names that look the same must be the same name."""
    import unicodedata

    for ch in text:
        if ch in _FILLERS or unicodedata.category(ch) == "Cf":
            return ch
    return None


def unescape_text(cell: str) -> str:
    """Undo the export's formula guard: a leading apostrophe before a formula character is dropped."""
    if len(cell) >= 2 and cell[0] == "'" and cell[1] in FORMULA_START:
        return cell[1:]
    return cell
STATUSES = ("verified", "reported", "illustrative", "synthetic", "not_reported")
VERIFIED = ("yes", "no", "")
MUNI_RE = re.compile(r"^[0-9A-Za-z]{1,16}$")
YEAR_MIN, YEAR_MAX = 1900, 2100
MAX_PROBLEMS = 1000


def empty_frame() -> pd.DataFrame:
    return typed_frame({c: [] for c in FILE_COLUMNS} | {"target_na": []})


def typed_frame(cols: dict[str, list]) -> pd.DataFrame:
    df = pd.DataFrame(cols)
    if "year_basis" not in df:
        df["year_basis"] = "data"
    df["year_basis"] = df["year_basis"].replace("", "data")
    text = ["municipality_code", "municipality_name", "kpi_code", "data_point", "unit",
            "verified", "quality", "status", "source", "note", "year_basis"]
    for c in text:
        df[c] = df[c].astype("string").fillna("").astype(object).astype("string")
    df["year"] = df["year"].astype("int16")
    df["value"] = df["value"].astype("float64")
    df["target"] = df["target"].astype("float64")
    df["target_na"] = df["target_na"].astype("bool")
    df["band"] = df["band"].astype("Int8")
    return df[list(FILE_COLUMNS) + ["target_na"]]


def validate_table(table: Table, catalogue: Catalogue,
                   rownums: dict | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Check every cell; return the typed frame and every problem found.

    ``rownums``: filled with each key's row in the file (never kept on the frame: pandas copies ``attrs`` on
    every operation, which made a national file's validation several times slower)."""
    name = table.name
    problems: list[Problem] = []
    header = table.header
    missing = [c for c in COLUMNS if c not in header]
    extra = [h for h in header if h not in FILE_COLUMNS and h not in EXPORT_ONLY]
    from collections import Counter

    dupes = sorted(h for h, n in Counter(header).items() if n > 1)  # linear, whatever the width
    if missing or extra or dupes:
        msg = []
        if missing:
            msg.append("missing column(s): " + ", ".join(missing))
        if extra:
            msg.append("unexpected column(s): " + ", ".join(repr(e) for e in extra))
        if dupes:
            msg.append("repeated column(s): " + ", ".join(dupes))
        sep_hint = ""
        if len(header) == 1 and ("," in header[0] or ";" in header[0]):
            sep_hint = " (the separator could not be read from the header line)"
        raise DataError([Problem(name, "; ".join(msg) + sep_hint, 1)])
    if not table.rows or not any(any(c.strip() for c in r) for r in table.rows):
        raise DataError([Problem(name, "has a header but no data rows")])
    idx = {c: header.index(c) for c in FILE_COLUMNS if c in header}
    dec = table.decimal_comma
    out: dict[str, list] = {c: [] for c in FILE_COLUMNS} | {"target_na": []}
    seen: dict[tuple, int] = {}
    names: dict[str, tuple[str, int]] = {}

    def bad(row: int, col: str | None, msg: str) -> None:
        problems.append(Problem(name, msg, row, col))

    for offset, cells in enumerate(table.rows):
        rownum = offset + 2
        if len(problems) >= MAX_PROBLEMS:
            break
        if not any(c.strip() for c in cells):
            continue  # blank line
        if len(cells) != len(header):
            bad(rownum, None, f"has {len(cells)} cells, the header has {len(header)}")
            continue
        r = {c: _nfc(unescape_text(cells[i])) for c, i in idx.items()}  # one form per name
        r.setdefault("year_basis", "")
        ok = True
        for c, v in r.items():
            if len(v) > MAX_CELL_CHARS:
                bad(rownum, c, f"is {len(v)} characters long; the limit is {MAX_CELL_CHARS}")
                ok = False
            if "\x00" in v:
                bad(rownum, c, "contains a NUL character")
                ok = False
            elif CONTROL_RE.search(v):
                code = ord(CONTROL_RE.search(v).group())
                bad(rownum, c, f"contains the control character U+{code:04X} (only tab and line breaks are allowed)")
                ok = False
            elif v.isascii():
                pass  # the checks below are for characters beyond ASCII: the common case costs nothing more
            elif NONCHAR_RE.search(v):
                code = ord(NONCHAR_RE.search(v).group())
                bad(rownum, c, f"contains U+{code:04X}, which is not a character (a file cannot carry it)")
                ok = False
            elif c in IDENTITY and invisible_char(v):
                code = ord(invisible_char(v))
                bad(rownum, c, f"contains the invisible character U+{code:04X}; names and codes must be plain text")
                ok = False
        if not ok:
            continue
        muni = r["municipality_code"].strip()
        if not MUNI_RE.match(muni):
            bad(rownum, "municipality_code", f"'{muni}' is not a code of 1-16 digits or letters")
            ok = False
        mname = r["municipality_name"].strip()
        if not mname:
            bad(rownum, "municipality_name", "is empty")
            ok = False
        elif muni in names and names[muni][0] != mname:
            bad(rownum, "municipality_name",
                f"'{mname}' differs from '{names[muni][0]}' given for {muni} in row {names[muni][1]}")
            ok = False
        else:
            names.setdefault(muni, (mname, rownum))
        ytext = r["year"].strip()
        year = int(ytext) if re.fullmatch(r"\d{4}", ytext) else None
        if year is None or not (YEAR_MIN <= year <= YEAR_MAX):
            bad(rownum, "year", f"'{ytext}' is not a year (4 digits, {YEAR_MIN}-{YEAR_MAX})")
            ok = False
        kpi = catalogue.resolve(r["kpi_code"])
        dp = r["data_point"].strip().lower()
        if kpi is None:
            bad(rownum, "kpi_code", f"'{r['kpi_code'].strip()}' is not a code in indicators.csv")
            ok = False
        elif kpi.data_points:
            if dp not in kpi.units:
                allowed = ", ".join(kpi.units)
                what = f"'{dp}'" if dp else "empty"
                bad(rownum, "data_point", f"{what} is not a data point of {kpi.code} (one of: {allowed})")
                ok = False
        elif dp:
            bad(rownum, "data_point", f"'{dp}' given, but {kpi.code} has no data points (leave it empty)")
            ok = False
        status = r["status"].strip().lower()
        if status not in STATUSES:
            bad(rownum, "status", f"'{r['status'].strip()}' is not one of {', '.join(STATUSES)}")
            ok = False
        verified = r["verified"].strip().lower()
        if verified not in VERIFIED:
            bad(rownum, "verified", f"'{r['verified'].strip()}' must be yes, no or empty")
            ok = False
        elif status == "verified" and verified != "yes":
            bad(rownum, "verified", "status 'verified' requires verified = yes")
            ok = False
        vtext = r["value"].strip()
        value = math.nan
        if vtext:
            v = parse_number(vtext, dec)
            if v is None:
                hint = " (use a decimal comma in a ;-separated file)" if dec and "." in vtext else ""
                bad(rownum, "value", f"'{vtext}' is not a finite number{hint}")
                ok = False
            else:
                value = v
            if status == "not_reported":
                bad(rownum, "value", "must be empty when status is not_reported")
                ok = False
            elif v is not None and kpi is not None and dp in kpi.units:
                why = range_problem(kpi, dp, v)
                if why:
                    bad(rownum, "value", why)
                    ok = False
        elif status and status != "not_reported" and status in STATUSES:
            bad(rownum, "value", f"is empty, but status is {status} (use not_reported for a missing value)")
            ok = False
        ttext = r["target"].strip()
        target, target_na = math.nan, False
        if ttext.lower() in ("n/a", "na"):
            target_na = True
        elif ttext:
            t = parse_number(ttext, dec)
            if t is None:
                bad(rownum, "target", f"'{ttext}' is not a number, 'n/a' or empty")
                ok = False
            else:
                target = t
        btext = r["band"].strip()
        band = None
        if btext:
            if btext in ("1", "2", "3", "4"):
                band = int(btext)
            else:
                bad(rownum, "band", f"'{btext}' is not a band (1, 2, 3 or 4)")
                ok = False
        basis = r["year_basis"].strip().lower() or "data"
        if basis not in YEAR_BASIS:
            bad(rownum, "year_basis", f"'{r['year_basis'].strip()}' must be data, report or empty")
            ok = False
        source = r["source"].strip()
        if not source:
            bad(rownum, "source", "is empty: every value needs its source")
            ok = False
        if not ok:
            continue
        key = (muni, year, kpi.code, dp)
        if key in seen:
            bad(rownum, "kpi_code", f"repeats the key (municipality, year, KPI, data point) of row {seen[key]}")
            continue
        seen[key] = rownum
        out["municipality_code"].append(muni)
        out["municipality_name"].append(mname)
        out["year"].append(year)
        out["kpi_code"].append(kpi.code)
        out["data_point"].append(dp)
        out["value"].append(value)
        unit = r["unit"].strip()
        if unit and unit == kpi.unit("nb", dp) != kpi.unit("en", dp):  # a Norwegian export's unit, read back
            unit = kpi.unit("en", dp)
        out["unit"].append(unit)
        out["target"].append(target)
        out["target_na"].append(target_na)
        out["band"].append(band)
        out["verified"].append(verified)
        out["quality"].append(r["quality"].strip())
        out["status"].append(status)
        out["source"].append(source)
        out["note"].append(r["note"].strip())
        out["year_basis"].append(basis)
    frame = typed_frame(out)
    if rownums is not None:
        rownums.update(seen)  # key -> row in the file, for the checks on the merged store
    if len(problems) < MAX_PROBLEMS:
        problems += sum_problems(frame, catalogue, name, seen)
    if len(problems) >= MAX_PROBLEMS:
        problems.append(Problem(name, f"stopped after {MAX_PROBLEMS} problems"))
    return frame, problems


def load_observations(path: Path, catalogue: Catalogue, max_bytes: int | None = None,
                      raw: bytes | None = None) -> pd.DataFrame:
    table = read_table(path, max_bytes=max_bytes, raw=raw)
    frame, problems = validate_table(table, catalogue)
    if problems:
        raise DataError(problems)
    return frame


def format_number(v: float) -> str:
    """Shortest exact text for a float: ``97.0`` -> ``97``, ``84.51`` -> ``84.51``."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(float(v))


def to_template_rows(df: pd.DataFrame, sort: bool = True) -> list[list[str]]:
    """The canonical text rows of the template, in key order (or the frame's order)."""
    if sort:
        df = df.sort_values(list(KEY), kind="stable")
    rows = []
    for rec in df.itertuples(index=False):
        target = "n/a" if rec.target_na else format_number(rec.target)
        band = "" if pd.isna(rec.band) else str(int(rec.band))
        rows.append([
            rec.municipality_code, rec.municipality_name, str(int(rec.year)), rec.kpi_code,
            rec.data_point, format_number(rec.value), rec.unit, target, band, rec.verified,
            rec.quality, rec.status, rec.source, rec.note, rec.year_basis,
        ])
    return rows
