"""SSB JSON-stat 2.0 (table 12134, KOSTRA key figures) into finance rows."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from .errors import DataError, Problem
from .finance import MEASURES, SSB_MEASURES, validate_finance_table
from .tabular import Table

SYMBOLS = {
    ".": "'.': tall kan ikke forekomme / not applicable",
    "..": "'..': tall mangler / data not available",
    "...": "'...': tall mangler foreløpig / not yet available",
    ":": "':': vises ikke av konfidensialitetshensyn / suppressed for confidentiality",
}


def is_jsonstat(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(2048).lstrip(b"\xef\xbb\xbf \r\n\t")
    except OSError:
        return False
    return head.startswith(b"{")


def _cell(container, i: int, n: int):
    if container is None:
        return None
    if isinstance(container, str):
        return container
    if isinstance(container, list):
        return container[i] if i < len(container) else None
    if isinstance(container, dict):
        return container.get(str(i))
    raise TypeError


def read_jsonstat(path: Path, max_bytes: int | None = None, max_rows: int | None = None) -> pd.DataFrame:
    path = Path(path)
    name = path.name
    raw = path.read_bytes()
    if max_bytes is not None and len(raw) > max_bytes:
        raise DataError([Problem(name, f"file is {len(raw)} bytes, more than the limit of {max_bytes}")])
    try:
        doc = json.loads(raw.decode("utf-8-sig"), parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DataError([Problem(name, f"is not valid JSON: {exc}")]) from None
    if not isinstance(doc, dict) or doc.get("class", "dataset") != "dataset" or "id" not in doc:
        raise DataError([Problem(name, "is not a JSON-stat 2.0 dataset (needs class 'dataset', id, size, dimension, value)")])
    try:
        ids, size, dims = list(doc["id"]), [int(s) for s in doc["size"]], doc["dimension"]
    except (KeyError, TypeError, ValueError):
        raise DataError([Problem(name, "JSON-stat 'id', 'size' or 'dimension' is missing or malformed")]) from None
    if len(ids) != len(size):
        raise DataError([Problem(name, "JSON-stat 'id' and 'size' differ in length")])
    if any(n < 0 for n in size):
        raise DataError([Problem(name, "JSON-stat 'size' holds a negative number")])
    declared = math.prod(size)
    if max_rows is not None and declared > max_rows:  # checked before anything is expanded
        raise DataError([Problem(name, f"JSON-stat 'size' declares {declared} cells, more than the limit of {max_rows} "
                                       "rows (DASHBOARD_MAX_IMPORT_ROWS)")])
    region_dim = next((d for d in ids if "region" in d.lower()), None)
    if region_dim is None or "ContentsCode" not in ids or "Tid" not in ids:
        raise DataError([Problem(name, f"expected dimensions for region, ContentsCode and Tid; found {', '.join(ids)}")])
    cats = {}
    for d, n in zip(ids, size):
        try:
            cat = dims[d]["category"]
            index = cat.get("index")
            if isinstance(index, list):
                codes = list(index)
            elif isinstance(index, dict):
                codes = [c for c, _ in sorted(index.items(), key=lambda kv: kv[1])]
            else:
                codes = list(cat["label"].keys())
            labels = cat.get("label", {})
        except (KeyError, TypeError, AttributeError):
            raise DataError([Problem(name, f"dimension '{d}' has no readable category")]) from None
        if len(codes) != n:
            raise DataError([Problem(name, f"dimension '{d}' has {len(codes)} categories but size says {n}")])
        cats[d] = (codes, labels)
    total = math.prod(size)
    values, status = doc.get("value"), doc.get("status")
    if not isinstance(values, (list, dict)):
        raise DataError([Problem(name, "JSON-stat 'value' must be an array or an object")])
    if isinstance(values, list) and len(values) != total:
        raise DataError([Problem(name, f"JSON-stat 'value' has {len(values)} cells, size says {total}")])
    source = "SSB, Statistikkbanken tabell 12134 (KOSTRA, konsern)"
    if doc.get("updated"):
        source += f", oppdatert {doc['updated']}"
    label = doc.get("label")
    rows = []
    strides = [math.prod(size[i + 1:]) for i in range(len(size))]
    for flat in range(total):
        pos = {d: (flat // strides[i]) % size[i] for i, d in enumerate(ids)}
        v = _cell(values, flat, total)
        sym = _cell(status, flat, total)
        region = cats[region_dim][0][pos[region_dim]]
        contents = cats["ContentsCode"][0][pos["ContentsCode"]]
        year = cats["Tid"][0][pos["Tid"]]
        measure = SSB_MEASURES.get(contents)
        if measure is None:
            raise DataError([Problem(name, f"ContentsCode '{contents}' is not one of {', '.join(SSB_MEASURES)}", None, "ContentsCode")])
        if v is not None and not isinstance(v, (int, float)) or isinstance(v, bool):
            raise DataError([Problem(name, f"value {v!r} at cell {flat} is not a number", None, "value")])
        missing = v is None
        note = SYMBOLS.get(str(sym), f"status '{sym}'") if sym not in (None, "") else ""
        rows.append([region, str(cats[region_dim][1].get(region, region)), str(year), contents,
                     "" if missing else repr(float(v)), MEASURES[measure], "konsern",
                     "missing" if missing else "final", source + (f": {label}" if label else ""), note])
    table = Table(name, ["municipality_code", "municipality_name", "year", "measure", "value", "unit",
                         "basis", "status", "source", "note"], rows, False, "json")
    df, problems = validate_finance_table(table, name)
    if problems:
        raise DataError(problems)
    return df
