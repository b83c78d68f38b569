"""rep: loading once, the parquet cache, picking up changed files, failing gracefully."""

import os
import time

import pytest

from data import DEFAULT_CATALOGUE
from data.repository import DataUnavailable, Repository


def test_rep001_parquet_cache_is_written_and_reused(data_dir, cache_dir):
    r1 = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir)
    ds1 = r1.snapshot()
    files = list(cache_dir.glob("observations-*.parquet"))
    assert len(files) == 1 and ds1.fingerprint in files[0].name
    r2 = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir)
    ds2 = r2.snapshot()
    assert ds2.fingerprint == ds1.fingerprint
    assert ds2.observations.equals(ds1.observations)


def test_rep002_a_changed_file_is_picked_up_without_restart(data_dir, cache_dir):
    repo = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir, check_interval=0)
    ds1 = repo.snapshot()
    path = data_dir / "observations.csv"
    text = path.read_text(encoding="utf-8").replace("1149,Karmøy,2020,EC: ICT: ICT: 1C,,97,", "1149,Karmøy,2020,EC: ICT: ICT: 1C,,96,")
    path.write_text(text, encoding="utf-8")
    os.utime(path, (time.time() + 5, time.time() + 5))
    ds2 = repo.snapshot()
    assert ds2.fingerprint != ds1.fingerprint
    v = ds2.observations.query("municipality_code == '1149' and kpi_code == 'EC: ICT: ICT: 1C'")["value"].iloc[0]
    assert v == 96


def test_rep003_cache_inside_data_dir_is_refused(data_dir):
    with pytest.raises(ValueError, match="must not be inside the data directory"):
        Repository(data_dir, DEFAULT_CATALOGUE, data_dir / "cache")


def test_rep004_corrupt_data_raises_data_unavailable_with_the_problem(data_dir, cache_dir):
    (data_dir / "observations.csv").write_text("not,a,template\n1,2,3\n", encoding="utf-8")
    repo = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir)
    with pytest.raises(DataUnavailable) as exc:
        repo.snapshot()
    assert "observations.csv" in str(exc.value) and "missing column" in str(exc.value)
    assert repo.status()["status"] == "error"


def test_rep005_a_corrupt_cache_file_is_rebuilt(data_dir, cache_dir):
    ds = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir).snapshot()
    (cache_dir / f"observations-{ds.fingerprint}.parquet").write_bytes(b"garbage")
    ds2 = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir).snapshot()
    assert len(ds2.observations) == len(ds.observations)
