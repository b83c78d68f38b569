"""From illustrative to verified without leftovers: ``python -m dashboard retire-illustrative FILE``.

After the municipality has imported a file of its own results, the
illustrative rows of the municipalities and years that file covers, which
the import did not replace (a verified file covering part of a year leaves
the rest illustrative), are removed: shown first, removed only with
``--yes``, all or nothing under the writer lock. With no illustrative row
left for a municipality and year, no page shows the banner for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .catalogue import Catalogue
from .errors import DataError, Problem
from .importer import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    OBSERVATIONS,
    _keys,
    remove_stale_temp_files,
    write_observations,
    writer_lock,
)
from .observations import KEY, load_observations, validate_table
from .tabular import read_table


@dataclass
class CleanupPlan:
    target: Path
    covered: list[tuple[str, int]]  # (municipality, year) pairs the verified file covers
    remove: pd.DataFrame  # the illustrative rows that would go
    kept: pd.DataFrame

    def lines(self) -> list[str]:
        out = [f"remove {r.municipality_code} | {int(r.year)} | {r.kpi_code}" + (f" | {r.data_point}" if r.data_point
                                                                                 else "")
               for r in self.remove.itertuples(index=False)]
        pairs = ", ".join(f"{m} {y}" for m, y in self.covered)
        out.append(f"illustrative rows for {pairs}: {len(self.remove)} to remove; {len(self.kept)} rows stay")
        return out


def plan_cleanup(path: Path, data_dir: Path, catalogue: Catalogue, max_bytes: int = DEFAULT_MAX_BYTES,
                 max_rows: int = DEFAULT_MAX_ROWS) -> CleanupPlan:
    """Validate the verified file as an import would, check that it has been imported, and list what would go."""
    path = Path(path)
    table = read_table(path, max_bytes=max_bytes, max_rows=max_rows)
    new, problems = validate_table(table, catalogue, {})
    if problems:
        raise DataError(problems)
    name = path.name
    if new.empty:
        raise DataError([Problem(name, "holds no rows: nothing tells which years are verified")])
    mixed = new[new["status"].isin(["illustrative", "synthetic"])]
    if len(mixed):
        raise DataError([Problem(name, f"holds {len(mixed)} row(s) with status illustrative or synthetic: the clean-up "
                                       "takes a file of the municipality's own results", None, "status")])
    target = Path(data_dir) / OBSERVATIONS
    existing = load_observations(target, catalogue)
    # imported means: each of its keys is in the store with the file's status (not the illustrative row it replaces)
    stored = dict(zip(_keys(existing, KEY), existing["status"].astype(str)))
    missing = [k for k, st in zip(_keys(new, KEY), new["status"].astype(str)) if stored.get(k) != st]
    if missing:
        first = " | ".join(map(str, missing[0]))
        raise DataError([Problem(name, f"{len(missing)} of its rows are not in the data yet (first: {first}); "
                                       "import the file first, then retire what it leaves")])
    covered = sorted({(str(m), int(y)) for m, y in zip(new["municipality_code"], new["year"])})
    pair = list(zip(existing["municipality_code"].astype(str), existing["year"].astype(int)))
    mask = (existing["status"] == "illustrative").to_numpy() & pd.Series(pair).isin(covered).to_numpy()
    return CleanupPlan(target, covered, existing[mask], existing[~mask])


def retire_illustrative(path: Path, data_dir: Path, catalogue: Catalogue, apply: bool,
                        timeout: float = 60.0) -> CleanupPlan:
    """Plan, and with ``apply`` write, under the writer lock: what is shown is what is removed."""
    with writer_lock(data_dir, timeout):
        remove_stale_temp_files(data_dir)
        plan = plan_cleanup(path, data_dir, catalogue)
        if apply and len(plan.remove):
            write_observations(plan.kept, plan.target)
    return plan
