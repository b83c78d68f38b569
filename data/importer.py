"""All-or-nothing imports into the data directory (the only writer of it)."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .catalogue import Catalogue
from .errors import DataError, Problem
from .finance import COLUMNS as FINANCE_COLUMNS
from .finance import KEY as FINANCE_KEY
from .finance import validate_finance_table
from .initiatives import COLUMNS as INITIATIVE_COLUMNS
from .initiatives import FILE as INITIATIVES_FILE
from .initiatives import KEY as INITIATIVES_KEY
from .initiatives import is_initiatives, load_initiatives, validate_initiatives
from .initiatives import rows_of as initiative_rows
from .observations import FILE_COLUMNS, KEY, load_observations, to_template_rows, validate_table
from .repository import FINANCE, OBSERVATIONS
from .tabular import read_table

DEFAULT_MAX_BYTES = 512 * 1024 * 1024


@dataclass
class ImportPlan:
    kind: str  # "observations", "finance" or "initiatives"
    target: Path
    added: list[tuple] = field(default_factory=list)
    replaced: list[tuple] = field(default_factory=list)
    unchanged: int = 0
    merged: pd.DataFrame | None = None
    total_before: int = 0

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.replaced)

    def summary_lines(self) -> list[str]:
        lines = [f"added {' | '.join(map(str, k))}" for k in self.added]
        lines += [f"replaced {' | '.join(map(str, k))}" for k in self.replaced]
        total = 0 if self.merged is None else len(self.merged)
        lines.append(
            f"{self.kind}: {len(self.added)} added, {len(self.replaced)} replaced, "
            f"{self.unchanged} unchanged; {total} rows in {self.target.name} (was {self.total_before})"
        )
        return lines


def canonical_csv(header: list[str] | tuple[str, ...], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def atomic_write(path: Path, payload: bytes) -> None:
    """Write next to the target, flush to disk, then rename over it."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _is_finance(header: list[str]) -> bool:
    return sorted(header) == sorted(FINANCE_COLUMNS)


def _compare(existing: pd.DataFrame, new: pd.DataFrame, key: tuple, render) -> tuple[list, list, int, pd.DataFrame]:
    old = {k: row for k, row in zip(_keys(existing, key), render(existing))}
    added, replaced, unchanged = [], [], 0
    for k, row in zip(_keys(new, key), render(new)):
        if k not in old:
            added.append(k)
        elif old[k] != row:
            replaced.append(k)
        else:
            unchanged += 1
    new_keys = set(_keys(new, key))
    keep = existing[[k not in new_keys for k in _keys(existing, key)]]
    merged = pd.concat([keep, new], ignore_index=True) if len(keep) else new.reset_index(drop=True)
    return added, replaced, unchanged, merged


def _keys(df: pd.DataFrame, key: tuple) -> list[tuple]:
    if df.empty:
        return []
    cols = [df[c].astype(str) if c != "year" else df[c].astype(int).astype(str) for c in key]
    return list(zip(*cols))


DEFAULT_MAX_ROWS = 5_000_000  # five times the national-scale dataset


def plan_import(path: Path, data_dir: Path, catalogue: Catalogue, max_bytes: int = DEFAULT_MAX_BYTES,
                max_rows: int = DEFAULT_MAX_ROWS) -> ImportPlan:
    """Validate ``path`` and work out what importing it would change. Writes nothing."""
    path = Path(path)
    from .ssb import is_jsonstat, read_jsonstat  # local import: optional format

    if is_jsonstat(path):
        new = read_jsonstat(path, max_bytes=max_bytes, max_rows=max_rows)
        return _plan_finance(new, Path(data_dir))
    table = read_table(path, max_bytes=max_bytes, max_rows=max_rows)
    if is_initiatives(table.header):
        new, problems = validate_initiatives(table, catalogue)
        if problems:
            raise DataError(problems)
        target = Path(data_dir) / INITIATIVES_FILE
        existing = load_initiatives(target, catalogue) if target.exists() else new.iloc[0:0]
        added, replaced, unchanged, merged = _compare(existing, new, INITIATIVES_KEY, initiative_rows)
        return ImportPlan("initiatives", target, added, replaced, unchanged, merged, len(existing))
    if _is_finance(table.header):
        new, problems = validate_finance_table(table, table.name)
        if problems:
            raise DataError(problems)
        return _plan_finance(new, Path(data_dir))
    rownums: dict[tuple, int] = {}
    new, problems = validate_table(table, catalogue, rownums)
    if problems:
        raise DataError(problems)
    target = Path(data_dir) / OBSERVATIONS
    existing = load_observations(target, catalogue) if target.exists() else new.iloc[0:0]
    added, replaced, unchanged, merged = _compare(existing, new, KEY, _rows_in_frame_order)
    check_merged(merged, existing, catalogue, table.name, rownums)
    return ImportPlan("observations", target, added, replaced, unchanged, merged, len(existing))


def check_merged(merged: pd.DataFrame, existing: pd.DataFrame, catalogue: Catalogue, name: str,
                 rownums: dict[tuple, int]) -> None:
    """Refuse an import whose rows are each valid but which, merged with the stored data, could not be true
    or could not be loaded: a municipality code under another name, parts of a whole adding up to more than
    the whole. Then validate the merged file exactly as the loader will read it, before anything is written."""
    from .rules import sum_problems
    from .tabular import parse_csv_bytes

    problems: list[Problem] = []
    if not existing.empty:
        stored = dict(zip(existing["municipality_code"].astype(str), existing["municipality_name"].astype(str)))
        named: set[str] = set()
        for (muni, _year, _code, _dp), row in sorted(rownums.items(), key=lambda kv: kv[1]):
            if muni in stored and muni not in named:
                mine = merged[(merged["municipality_code"].astype(str) == muni)]["municipality_name"].astype(str)
                other = sorted(set(mine) - {stored[muni]})
                if other and stored[muni] in set(mine):
                    problems.append(Problem(name, f"'{other[0]}' differs from '{stored[muni]}', the name stored "
                                                  f"for {muni}; use the stored name or change every row", row,
                                            "municipality_name"))
                named.add(muni)
    problems += sum_problems(merged, catalogue, name, rownums)
    if problems:
        raise DataError(problems)
    payload = canonical_csv(FILE_COLUMNS, to_template_rows(merged))
    _, after = validate_table(parse_csv_bytes(payload, OBSERVATIONS), catalogue)
    if after:
        raise DataError([Problem(name, f"merged with the stored data, the result would not load: {p}")
                         for p in after[:20]])


def _rows_in_frame_order(df: pd.DataFrame) -> list[list[str]]:
    """Rendered rows aligned with ``_keys(df)``: never re-sorted."""
    return to_template_rows(df, sort=False)


def _finance_rows(df: pd.DataFrame) -> list[list[str]]:
    from .observations import format_number

    out = []
    for r in df.itertuples(index=False):
        out.append([str(r.municipality_code), str(r.municipality_name), str(int(r.year)), str(r.measure),
                    format_number(r.value), str(r.unit), str(r.basis), str(r.status), str(r.source),
                    "" if pd.isna(r.note) else str(r.note)])
    return out


def _plan_finance(new: pd.DataFrame, data_dir: Path) -> ImportPlan:
    from .finance import load_finance

    target = data_dir / FINANCE
    existing = load_finance(target) if target.exists() else new.iloc[0:0]
    added, replaced, unchanged, merged = _compare(existing, new, FINANCE_KEY, _finance_rows)
    return ImportPlan("finance", target, added, replaced, unchanged, merged, len(existing))


def apply_import(plan: ImportPlan) -> None:
    """Write the merged data atomically; does nothing when nothing changes."""
    if plan.changes == 0 or plan.merged is None:
        return
    if plan.kind == "observations":
        payload = canonical_csv(FILE_COLUMNS, to_template_rows(plan.merged))
    elif plan.kind == "initiatives":
        payload = canonical_csv(INITIATIVE_COLUMNS, initiative_rows(plan.merged.sort_values("id", kind="stable")))
    else:
        merged = plan.merged.sort_values(list(FINANCE_KEY), kind="stable")
        payload = canonical_csv(FINANCE_COLUMNS, _finance_rows(merged))
    atomic_write(plan.target, payload)


LOCK_TIMEOUT = 60.0  # seconds a second import waits for the first before it is refused


class ImportBusy(DataError):
    """Another import holds the data directory's write lock."""


@contextmanager
def writer_lock(data_dir: Path, timeout: float = LOCK_TIMEOUT):
    """One writer at a time: an exclusive lock on the data directory itself (no lock file is left behind), held
    from plan to rename. A second import waits up to ``timeout`` seconds, then is refused with a clear message."""
    import fcntl
    import time

    fd = os.open(Path(data_dir), os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ImportBusy([Problem(Path(data_dir).name, f"another import has held the data directory for "
                                                                    f"more than {timeout:g} s; try again when it has "
                                                                    "finished")]) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def remove_stale_temp_files(data_dir: Path) -> list[str]:
    """Temp files a killed import left behind (``.<name>.<random>.tmp``). Only called under the writer lock, when
    no other import can be writing one."""
    removed = []
    for p in Path(data_dir).glob(".*.tmp"):
        if p.is_file() and not p.is_symlink():
            p.unlink(missing_ok=True)
            removed.append(p.name)
    return removed


def import_file(path: Path, data_dir: Path, catalogue: Catalogue, max_bytes: int = DEFAULT_MAX_BYTES,
                max_rows: int = DEFAULT_MAX_ROWS, timeout: float = LOCK_TIMEOUT) -> ImportPlan:
    """Plan and apply one import under the writer lock: what is planned is what is written."""
    with writer_lock(data_dir, timeout):
        remove_stale_temp_files(data_dir)
        plan = plan_import(path, data_dir, catalogue, max_bytes, max_rows)
        apply_import(plan)
    return plan


def write_observations(df: pd.DataFrame, path: Path) -> None:
    atomic_write(path, canonical_csv(FILE_COLUMNS, to_template_rows(df)))


__all__ = ["ImportPlan", "plan_import", "apply_import", "import_file", "writer_lock", "write_observations", "DataError",
           "Problem"]
