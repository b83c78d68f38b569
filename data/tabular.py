"""Reading tabular input files (CSV in either Norwegian or English convention, XLSX).

Everything comes back as text cells so that one validator serves every format.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError, Problem

XLSX_MAGIC = b"PK\x03\x04"
MAX_CELL_CHARS = 4000
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_XLSX_RATIO = 200


@dataclass
class Table:
    name: str
    header: list[str]
    rows: list[list[str]]
    decimal_comma: bool
    kind: str  # "csv" or "xlsx"


def header_problem(header: list[str], columns: tuple[str, ...], name: str) -> Problem | None:
    """A file whose columns must be exactly ``columns`` (in any order): None, or the problem naming what differs."""
    if sorted(header) == sorted(columns):
        return None
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    return Problem(name, f"columns must be exactly {', '.join(columns)} (missing: {', '.join(missing) or '-'}; "
                         f"unexpected: {', '.join(extra) or '-'})", 1)


def detect_separator(header_line: str) -> str:
    """``;`` when the header uses it (a Norwegian export), otherwise ``,``."""
    if header_line.count(";") > header_line.count(","):
        return ";"
    return ","


def read_table(path: Path, max_bytes: int | None = None, max_rows: int | None = None,
               raw: bytes | None = None) -> Table:
    """Read a CSV or XLSX file, refusing it when larger than ``max_bytes`` or longer than ``max_rows``.

    ``raw``: the file's bytes, already read (the repository parses exactly the bytes it fingerprinted)."""
    table = _read_table(path, max_bytes, raw, max_rows)
    if max_rows is not None and len(table.rows) > max_rows:
        raise DataError([Problem(table.name, f"has {len(table.rows)} data rows, more than the limit of {max_rows} "
                                             "(DASHBOARD_MAX_IMPORT_ROWS)")])
    return table


def _read_table(path: Path, max_bytes: int | None = None, raw: bytes | None = None,
                max_rows: int | None = None) -> Table:
    path = Path(path)
    name = path.name
    try:
        raw = path.read_bytes() if raw is None else raw
    except FileNotFoundError:
        raise DataError([Problem(name, "file not found")]) from None
    except IsADirectoryError:
        raise DataError([Problem(name, "is a directory, not a file")]) from None
    if max_bytes is not None and len(raw) > max_bytes:
        raise DataError([Problem(name, f"file is {len(raw)} bytes, more than the limit of {max_bytes}")])
    if not raw.strip(b"\xef\xbb\xbf \r\n\t"):
        raise DataError([Problem(name, "the file is empty")])
    if raw.startswith(XLSX_MAGIC):
        return _read_xlsx(raw, name)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise DataError([Problem(name, "has an .xlsx name but is not an XLSX (zip) file")])
    if b"\x00" in raw[:4096]:
        raise DataError([Problem(name, "looks like a binary file, not CSV text (NUL bytes)")])
    return parse_csv_bytes(raw, name, max_rows)


MAX_COLUMNS = 200  # the template has 15 columns, an export 23
MAX_BLANK_LINES = 10_000
_EMPTY: list[str] = []


def parse_csv_bytes(raw: bytes, name: str, max_rows: int | None = None) -> Table:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([Problem(
            name,
            f"is not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line} "
            "(save the file as 'CSV UTF-8')",
            line,
        )]) from None
    first = text.split("\n", 1)[0]
    if first.count(",") + first.count(";") >= MAX_COLUMNS:  # refused before the header is split into cells
        raise DataError([Problem(name, f"the header has more than {MAX_COLUMNS} columns; the template has 15", 1)])
    sep = detect_separator(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    all_rows: list[list[str]] = []
    blank = 0
    try:
        for row in reader:
            if not row or not any(row):
                blank += 1
                if blank > MAX_BLANK_LINES:
                    raise DataError([Problem(name, f"has more than {MAX_BLANK_LINES} blank lines; "
                                                   "is it really a data file?", reader.line_num)])
                row = _EMPTY  # one shared list for every blank line: a file of blank lines costs no memory
            all_rows.append(row)
            if max_rows is not None and len(all_rows) - blank > max_rows + 1:
                raise DataError([Problem(name, f"has more than the limit of {max_rows} data rows "
                                               "(DASHBOARD_MAX_IMPORT_ROWS)")])
    except csv.Error as exc:
        raise DataError([Problem(name, f"is not valid CSV: {exc}", reader.line_num)]) from None
    header = [h.strip() for h in all_rows[0]] if all_rows else []
    rows = all_rows[1:]
    return Table(name, header, rows, decimal_comma=(sep == ";"), kind="csv")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def _read_xlsx(raw: bytes, name: str) -> Table:
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        infos = zf.infolist()
    except zipfile.BadZipFile:
        raise DataError([Problem(name, "is not a valid XLSX file (broken zip)")]) from None
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_XLSX_UNCOMPRESSED or total / packed > MAX_XLSX_RATIO:
        raise DataError([Problem(name, f"XLSX unpacks to {total} bytes ({total // packed}x its size): refused as a possible zip bomb")])
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise DataError([Problem(name, "is a zip file but not an XLSX workbook")])
    try:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds
        raise DataError([Problem(name, f"cannot be read as XLSX: {type(exc).__name__}")]) from None
    try:
        ws = wb.worksheets[0]
        problems: list[Problem] = []
        cells: list[list[str]] = []
        for r, row in enumerate(ws.iter_rows(), start=1):
            out = []
            for c, cell in enumerate(row, start=1):
                value = cell.value
                if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=") and cell.data_type == "f"):
                    problems.append(Problem(name, "contains a formula; enter values only", r, _col_letter(c)))
                    value = ""
                out.append(_cell_text(value))
            cells.append(out)
    finally:
        wb.close()
    if problems:
        raise DataError(problems)
    while cells and not any(v.strip() for v in cells[-1]):
        cells.pop()
    if not cells:
        raise DataError([Problem(name, "the first sheet is empty")])
    header = [h.strip() for h in cells[0]]
    while header and header[-1] == "":
        header.pop()
    rows = [row[: len(header)] + [""] * (len(header) - len(row)) for row in cells[1:]]
    return Table(name, header, rows, decimal_comma=False, kind="xlsx")


def _col_letter(n: int) -> str:
    s = ""
    while n:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    return s


_GROUP = "[ \u00a0\u202f\u2009]"  # spaces that may group thousands in a Norwegian number
_NB_NUMBER = re.compile(rf"[-+]?(?:[0-9]{{1,3}}(?:{_GROUP}[0-9]{{3}})+|[0-9]+)(?:,[0-9]*)?(?:[eE][-+]?[0-9]+)?|[-+]?,[0-9]+",
                        re.ASCII)
_EN_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?", re.ASCII)


def parse_number(text: str, decimal_comma: bool) -> float | None:
    """A finite number from text, or None if it is not one.

    Only ASCII digits count. With a decimal comma (Norwegian), a space may group thousands in threes
    ("95 424,5") and a comma separates decimals; a point is refused as ambiguous there. A number too small
    to be told from zero ("1e-400") is refused rather than read as 0.
    """
    t = text.strip().replace("\u2212", "-")
    if decimal_comma:
        if "." in t or not _NB_NUMBER.fullmatch(t):
            return None
        t = re.sub(_GROUP, "", t).replace(",", ".")
    elif not _EN_NUMBER.fullmatch(t):
        return None
    v = float(t)
    if not math.isfinite(v):
        return None
    if v == 0 and re.search("[1-9]", t.split("e")[0].split("E")[0]):
        return None  # underflow: a non-zero number written with too small an exponent
    return v
