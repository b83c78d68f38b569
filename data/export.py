"""Exports of exactly the filtered rows: CSV, XLSX and Parquet (CONTRACTS section 5).

One frame feeds every format, so the row count of each file equals the
table's. Text cells that a spreadsheet could read as a formula are
neutralised (OWASP: a leading apostrophe); numeric columns stay numbers.
CSV is written with the csv module and CRLF line ends, so any field holding a
carriage return or line feed is quoted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .catalogue import Catalogue
from .filters import Filters, apply_filters
from .observations import FILE_COLUMNS, FORMULA_START, NONCHAR_RE
from .taxonomy import CATEGORIES, CHALLENGE_AREAS, DIMENSIONS, SUB_DIMENSIONS
from .texts import URL_RE, in_language

XLSX_MAX_ROWS = 1_048_575  # a sheet holds 1 048 576 rows, one of them the header
FORMATS = ("csv", "xlsx", "parquet")
EXPORT_COLUMNS = (*FILE_COLUMNS, "kpi_name", "dimension", "sub_dimension", "category", "challenge_area", "score_band",
                  "points", "achievement_pct")
NUMERIC = ("year", "value", "target", "band", "score_band", "points", "achievement_pct")
DASHBOARD_NAMES = {"nb": "Bærekraftsindikatorer for Asker (U4SSC-dashbord)",
                   "en": "Sustainability indicators for Asker (U4SSC dashboard)"}


class TooLarge(Exception):
    """The result does not fit the chosen format."""


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f" + NONCHAR_RE.pattern[1:-1] + "]")


def xml_safe(text: str) -> str:
    """XLSX is XML: control characters it cannot hold become U+FFFD (visible, never dropped silently)."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def neutralise(text: object) -> object:
    """A text that cannot start a formula in Excel or LibreOffice."""
    if isinstance(text, str) and text and text[0] in FORMULA_START:
        return "'" + text
    return text


def export_frame(ds, f: Filters, lang: str, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The filtered rows in the export's columns (template columns first, then derived ones).

    ``rows``: the filtered rows when the caller already has them (a page of them, for JSON)."""
    rows = apply_filters(ds, f) if rows is None else rows
    n = len(rows)
    out = pd.DataFrame({
        "municipality_code": rows["municipality_code"].astype(str).to_numpy(),
        "municipality_name": rows["municipality_name"].astype(str).to_numpy(),
        "year": rows["year"].astype("int64").to_numpy(),
        "kpi_code": rows["kpi_code"].astype(str).to_numpy(),
        "data_point": rows["data_point"].astype(str).to_numpy(),
        "value": rows["value"].to_numpy(dtype="float64"),
        "unit": rows["unit"].astype(str).to_numpy(),
        "target": rows["target"].to_numpy(dtype="float64"),
        "band": rows["band"].astype("Int64").to_numpy(dtype="float64", na_value=np.nan),
        "verified": rows["verified"].astype(str).to_numpy(),
        "quality": rows["quality"].astype(str).to_numpy(),
        "status": rows["status"].astype(str).to_numpy(),
        "source": rows["source"].astype(str).to_numpy(),
        "note": rows["note"].astype(str).to_numpy(),
        "year_basis": rows["year_basis"].astype(str).to_numpy(),
    }, index=pd.RangeIndex(n))
    out["target_na"] = rows["target_na"].to_numpy(dtype=bool)
    out["kpi_name"] = rows["kpi_name_nb" if lang == "nb" else "kpi_name_en"].astype(str).to_numpy()
    out["dimension"] = rows["dimension"].astype(str).to_numpy()
    out["sub_dimension"] = rows["sub_dimension"].astype(str).to_numpy()
    out["category"] = rows["category"].astype(str).to_numpy()
    out["challenge_area"] = rows["challenge_area"].astype(str).to_numpy()
    out["score_band"] = rows["band_used"].astype("Int64").to_numpy(dtype="float64", na_value=np.nan)
    out["points"] = out["score_band"]
    out["achievement_pct"] = rows["achievement"].to_numpy(dtype="float64")
    if lang == "nb":
        out["unit"] = _units_nb(ds.catalogue, out)
    _clean_nonchars(out, rows)
    return out


def _units_nb(catalogue: Catalogue, out: pd.DataFrame) -> np.ndarray:
    """A unit stored as the catalogue's English unit is written as its Norwegian one (the import reads it back
    as the same unit); a unit a source printed otherwise stays as printed."""
    units = out["unit"].to_numpy()
    if not len(units):
        return units
    keys = pd.MultiIndex.from_arrays([out["kpi_code"], out["data_point"], out["unit"]])
    mapped = {}
    for code, dp, unit in keys.unique():
        kpi = catalogue.resolve(code)
        mapped[(code, dp, unit)] = (kpi.unit("nb", dp) if kpi is not None and unit and unit == kpi.unit("en", dp)
                                    else unit)
    return np.array([mapped[k] for k in zip(out["kpi_code"], out["data_point"], out["unit"])], dtype=object)


def _clean_nonchars(out: pd.DataFrame, rows: pd.DataFrame) -> None:
    """Non-characters (U+FFFF, ...) never reach an export, whatever an older store holds: they become U+FFFD.
    Checked on each column's distinct values, so a million rows cost next to nothing."""
    for c in out.columns:
        if not (out[c].dtype == object or pd.api.types.is_string_dtype(out[c].dtype)):
            continue
        src = rows[c] if c in rows and str(rows[c].dtype) == "category" else None
        uniq = src.cat.categories if src is not None else pd.unique(out[c])
        if any(isinstance(u, str) and NONCHAR_RE.search(u) for u in uniq):
            out[c] = [NONCHAR_RE.sub("\ufffd", v) if isinstance(v, str) else v for v in out[c]]


def _number(v: float, decimal_comma: bool) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if float(v).is_integer() and abs(v) < 1e15:
        text = str(int(v))
    else:
        text = np.format_float_positional(float(v), trim="-")
    return text.replace(".", ",") if decimal_comma else text


def _csv_text(frame: pd.DataFrame, lang: str, header: bool) -> str:
    nb = lang == "nb"
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";" if nb else ",", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    cols = list(EXPORT_COLUMNS)
    if header:
        w.writerow(cols)
    numeric = set(NUMERIC)
    data = {c: frame[c].to_numpy() for c in cols if c in frame}
    target_na = frame["target_na"].to_numpy() if "target_na" in frame else np.zeros(len(frame), dtype=bool)
    for i in range(len(frame)):
        row = []
        for c in cols:
            v = data[c][i]
            if c == "target" and target_na[i]:
                row.append("n/a")
            elif c in numeric:
                row.append(_number(v, nb))
            else:
                row.append(neutralise(v))
        w.writerow(row)
    return buf.getvalue()


def to_csv(frame: pd.DataFrame, lang: str) -> bytes:
    """UTF-8 with BOM; nb: ``;`` and decimal comma, en: ``,`` and decimal point."""
    return ("\ufeff" + _csv_text(frame, lang, header=True)).encode("utf-8")


# A streamed export turns this many rows at a time into the export's columns and bytes, so a whole-data export
# of a million rows never holds more than one chunk's frame (about 20 MB) beside the data set.
CHUNK_ROWS = 25_000


def _chunks(ds, f: Filters, lang: str, rows: pd.DataFrame):
    for start in range(0, len(rows), CHUNK_ROWS):
        yield export_frame(ds, f, lang, rows.iloc[start:start + CHUNK_ROWS])


def csv_stream(ds, f: Filters, lang: str, rows: pd.DataFrame):
    """The same bytes as ``to_csv(export_frame(...))``, produced chunk by chunk."""
    yield ("\ufeff" + _csv_text(export_frame(ds, f, lang, rows.iloc[:0]), lang, header=True)).encode("utf-8")
    for frame in _chunks(ds, f, lang, rows):
        yield _csv_text(frame, lang, header=False).encode("utf-8")


def _arrow(frame: pd.DataFrame, schema=None):
    import pyarrow as pa

    cols = list(EXPORT_COLUMNS) + ["target_na"]
    df = frame[cols].copy()
    for c in ("band", "score_band", "points"):
        df[c] = pd.array(df[c].to_numpy(), dtype="Float64").astype("Int8")
    return pa.Table.from_pandas(df, schema=schema, preserve_index=False)


class _Sink(io.RawIOBase):
    """A write-only file whose bytes are handed on as soon as the Parquet writer has written them."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.pos = 0

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.parts.append(bytes(b))
        self.pos += len(b)
        return len(b)

    def tell(self) -> int:
        return self.pos

    def take(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


def parquet_stream(ds, f: Filters, lang: str, rows: pd.DataFrame):
    """One Parquet file written a row group (one chunk) at a time; each group's bytes leave as it is written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = _Sink()
    schema = _arrow(export_frame(ds, f, lang, rows.iloc[:0])).schema
    # an empty frame types its text columns as null: they are strings, whatever the first chunk holds
    schema = pa.schema([pa.field(x.name, pa.large_string()) if pa.types.is_null(x.type) else x for x in schema],
                       metadata=schema.metadata)
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        for frame in _chunks(ds, f, lang, rows):
            writer.write_table(_arrow(frame, schema))
            yield sink.take()
    yield sink.take()


@dataclass(frozen=True)
class Context:
    """What the XLSX's Filters and Citation sheets say about the export."""
    filters: dict[str, str]
    permalink: str
    lang: str
    generated: str


# the labels of the XLSX's own sheets, in the export's language (the Data sheet's header is the file contract's
# column names, so that an export can be imported again)
SHEET_LABELS = {
    "en": {"filters": "Filters", "citation": "Citation", "filter": "filter", "value": "value", "none": "(none)",
           "all rows": "all rows", "lang": "language", "rows": "rows", "permalink": "permalink",
           "generated": "generated", "source": "source", "licence": "licence", "no source": "(no source)",
           "not stated": "not stated by the source", "cite": "how to cite this dashboard",
           "cite text": "{name}. {link} (retrieved {date})", "illustrative": "illustrative data",
           "illustrative text": "Rows with status illustrative are not measurements.",
           "definition pending": "Definition pending", "yes": "yes", "no": "no",
           "meta": ["code", "name (Norwegian)", "name (English)", "definition", "unit", "direction", "type",
                    "dimension", "sub-dimension", "category", "data points", "SDGs (ITU)", "SDGs (KS)",
                    "valid range", "largest sum of the parts"],
           "direction": {"higher": "higher is better", "lower": "lower is better", "none": "no direction"},
           "type": {"core": "core", "advanced": "advanced"},
           "initiatives": "Initiatives",
           "initiative columns": ["id", "name", "description", "owner", "started", "status", "challenge areas",
                                  "KPIs", "source", "address"],
           "initiative status": {"planned": "planned", "ongoing": "ongoing", "completed": "completed",
                                 "unknown": "not stated"},
           "filters names": {"municipality": "municipality", "year": "year", "dimension": "dimension",
                             "sub_dimension": "sub-dimension", "category": "category",
                             "challenge_area": "challenge area", "band": "band", "status": "status",
                             "verified": "verified", "q": "free-text search"}},
    "nb": {"filters": "Filtre", "citation": "Kildehenvisning", "filter": "filter", "value": "verdi",
           "none": "(ingen)", "all rows": "alle rader", "lang": "språk", "rows": "rader", "permalink": "permalenke",
           "generated": "laget", "source": "kilde", "licence": "lisens", "no source": "(ingen kilde)",
           "not stated": "ikke oppgitt av kilden", "cite": "slik siterer du dashbordet",
           "cite text": "{name}. {link} (hentet {date})", "illustrative": "illustrative tall",
           "illustrative text": "Rader med status illustrative er ikke målinger.",
           "definition pending": "Definisjon ikke lagt inn ennå", "yes": "ja", "no": "nei",
           "meta": ["kode", "navn (bokmål)", "navn (engelsk)", "definisjon", "enhet", "retning", "type", "dimensjon",
                    "underdimensjon", "kategori", "delindikatorer", "bærekraftsmål (ITU)", "bærekraftsmål (KS)",
                    "gyldig område", "største sum av delene"],
           "direction": {"higher": "høyere er bedre", "lower": "lavere er bedre", "none": "ingen retning"},
           "type": {"core": "kjerneindikator", "advanced": "avansert indikator"},
           "initiatives": "Tiltak",
           "initiative columns": ["id", "navn", "beskrivelse", "ansvarlig", "startet", "status", "utfordringsområder",
                                  "indikatorer", "kilde", "adresse"],
           "initiative status": {"planned": "planlagt", "ongoing": "pågår", "completed": "avsluttet",
                                 "unknown": "ikke oppgitt"},
           "filters names": {"municipality": "kommune", "year": "år", "dimension": "dimensjon",
                             "sub_dimension": "underdimensjon", "category": "kategori",
                             "challenge_area": "utfordringsområde", "band": "poengklasse", "status": "status",
                             "verified": "verifisert", "q": "fritekstsøk"}},
}


def _kpi_rows(catalogue: Catalogue, codes: list[str], lang: str) -> list[list]:
    labels = SHEET_LABELS["nb" if lang == "nb" else "en"]
    rows = []
    for code in codes:
        k = catalogue[code]
        rows.append([
            k.code, k.name_nb, k.name_en, k.definition(lang) or labels["definition pending"],
            k.unit(lang), labels["direction"].get(k.direction, k.direction), labels["type"].get(k.type, k.type),
            DIMENSIONS[k.dimension][0 if lang == "en" else 1],
            SUB_DIMENSIONS[k.sub_dimension_code][0 if lang == "en" else 1],
            CATEGORIES[k.category_code][0 if lang == "en" else 1],
            "; ".join(f"{dp.slug}: {dp.label(lang)}" for dp in k.data_points),
            ", ".join(k.sdg_itu), ", ".join(list(k.sdg_goals_ks) + list(k.sdg_targets_ks)),
            k.valid.text() if not k.data_points else
            "; ".join(f"{u}: {k.valid_range(u).text()}" for u in k.units if k.valid_range(u).text()),
            "" if k.parts_sum_max is None else f"{k.parts_sum_max:g}",
        ])
    return rows


def _initiatives_sheet(wb, frame: pd.DataFrame, initiatives: pd.DataFrame, lab: dict, lang: str) -> None:
    """The municipality's initiatives that concern the exported rows (by KPI or by challenge area)."""
    codes = set(frame["kpi_code"])
    areas = {a for v in pd.unique(frame["challenge_area"]) for a in str(v).split(",") if a}
    sheet = wb.create_sheet(lab["initiatives"])
    sheet.append(lab["initiative columns"])
    for r in initiatives.to_dict("records"):
        mine = set(r["kpi_codes"].split(";")) & codes or set(r["challenge_areas"].split(",")) & areas
        if not mine:
            continue
        sheet.append([neutralise(xml_safe(x)) for x in (
            r["id"], r[f"name_{lang}"], r[f"description_{lang}"], r["owner"], r["started"],
            lab["initiative status"].get(r["status"], r["status"]), r["challenge_areas"], r["kpi_codes"],
            r["source_title"])] + [_linked(sheet, r["source_url"]) if r["source_url"] else None])


def _linked(sheet, text: str):
    """A cell holding ``text`` (neutralised), a hyperlink to the first http(s) address in it when there is one."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=neutralise(xml_safe(text)))
    m = URL_RE.search(text)
    if m:
        cell.hyperlink = m.group(0)
        cell.style = "Hyperlink"
    return cell


def to_xlsx(frame: pd.DataFrame, catalogue: Catalogue, ctx: Context, initiatives: pd.DataFrame | None = None) -> bytes:
    """Sheets Data, Metadata, Filters and Citation (Filtre and Kildehenvisning in Norwegian); numbers are number
    cells, text is neutralised."""
    from openpyxl import Workbook

    if len(frame) > XLSX_MAX_ROWS:
        raise TooLarge(f"{len(frame)} rows do not fit in one XLSX sheet (at most {XLSX_MAX_ROWS}); "
                       "use CSV or Parquet, which are always complete")
    lab = SHEET_LABELS["nb" if ctx.lang == "nb" else "en"]
    wb = Workbook(write_only=True)
    data = wb.create_sheet("Data")
    cols = list(EXPORT_COLUMNS)
    data.append(cols)
    numeric = set(NUMERIC)
    arrays = {c: frame[c].to_numpy() for c in cols}
    target_na = frame["target_na"].to_numpy()
    for i in range(len(frame)):
        row = []
        for c in cols:
            v = arrays[c][i]
            if c == "target" and target_na[i]:
                row.append("n/a")
            elif c in numeric:
                row.append(None if v is None or (isinstance(v, float) and np.isnan(v)) else
                           (int(v) if c in ("year", "band", "score_band", "points") else float(v)))
            else:
                row.append(neutralise(xml_safe(str(v))) if v != "" else None)
        data.append(row)
    meta = wb.create_sheet("Metadata")
    meta.append(lab["meta"])
    codes = [k.code for k in catalogue if k.code in set(frame["kpi_code"])]
    for r in _kpi_rows(catalogue, codes, ctx.lang):
        meta.append([neutralise(xml_safe(x)) for x in r])
    filt = wb.create_sheet(lab["filters"])
    filt.append([lab["filter"], lab["value"]])
    if not ctx.filters:
        filt.append([lab["none"], lab["all rows"]])
    for k, v in ctx.filters.items():
        filt.append([lab["filters names"].get(k, k), neutralise(xml_safe(v))])
    filt.append([lab["lang"], ctx.lang])
    filt.append([lab["rows"], len(frame)])
    filt.append([lab["permalink"], _linked(filt, ctx.permalink)])
    filt.append([lab["generated"], ctx.generated])
    cite = wb.create_sheet(lab["citation"])
    cite.append([lab["source"], lab["rows"], lab["licence"]])
    counts = frame["source"].value_counts()
    for src, n in sorted(counts.items(), key=lambda x: (-x[1], x[0])):
        cite.append([_linked(cite, in_language(src, ctx.lang)[0]) if src else lab["no source"], int(n),
                     lab["not stated"]])
    cite.append([])
    cite.append([lab["cite"], neutralise(lab["cite text"].format(name=DASHBOARD_NAMES[ctx.lang if ctx.lang == "nb"
                                                                                       else "en"],
                                                                 link=ctx.permalink, date=ctx.generated))])
    cite.append([lab["illustrative"], lab["illustrative text"]])
    if initiatives is not None:
        _initiatives_sheet(wb, frame, initiatives, lab, ctx.lang)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def file_name(filters: dict[str, str], fmt: str, today: dt.date | None = None) -> str:
    """``u4ssc-observations_municipality-1149_dimension-EC_2026-11-23.csv``: what is inside, and when."""
    today = today or dt.date.today()
    parts = ["u4ssc-observations"]
    for k, v in filters.items():
        clean = re.sub(r"[^0-9A-Za-z]+", "-", v).strip("-")[:40]
        if clean:
            parts.append(f"{k.replace('_', '-')}-{clean}")
    name = "_".join(parts)[:150]
    return f"{name}_{today.isoformat()}.{fmt}"


def challenge_names(lang: str) -> dict[str, str]:
    return {k: v[0 if lang == "en" else 1] for k, v in CHALLENGE_AREAS.items()}
