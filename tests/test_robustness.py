"""tru (robustness): nothing a file, a request or a race can break: concurrent imports, invisible characters,
markup in data, hostile requests, broken or tampered files, bounded caches, reloads and large exports."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

from data import DEFAULT_CATALOGUE
from data.catalogue import load_catalogue
from data.repository import Repository
from tests.conftest import ROOT
from tests.test_trust_rules import HEADER, _snapshot


def test_tru013_concurrent_imports_all_land(tmp_path, data_dir):
    """20 imports of different rows at once (separate processes): every row is there afterwards."""
    import os

    files = []
    for i in range(20):
        f = tmp_path / f"part{i}.csv"
        f.write_text(HEADER + f"\n3203,Asker,{2030 + i},EC: ICT: ICT: 1C,,{50 + i},%,100,,,,reported,test {i},\n",
                     encoding="utf-8")
        files.append(f)
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(data_dir), "DASHBOARD_CACHE_DIR": str(tmp_path / "cache")}
    procs = [subprocess.Popen([sys.executable, "-m", "dashboard", "import", str(f)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for f in files]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    from data.observations import load_observations

    obs = load_observations(data_dir / "observations.csv", load_catalogue(DEFAULT_CATALOGUE))
    years = set(obs[(obs["municipality_code"] == "3203") & (obs["kpi_code"] == "EC: ICT: ICT: 1C")]["year"])
    assert {2030 + i for i in range(20)} <= years
    assert sorted(p.name for p in data_dir.iterdir()) == sorted(
        ["observations.csv", "finance.csv", "finance_norms.csv", "challenge_areas.csv", "initiatives.csv"])  # no lock or temp file left


def test_tru014_a_second_writer_waits_then_is_refused_clearly(tmp_path, data_dir):
    from data.errors import DataError
    from data.importer import writer_lock

    with writer_lock(data_dir):
        with pytest.raises(DataError) as exc:
            with writer_lock(data_dir, timeout=0.3):
                pass
    assert "another import" in str(exc.value)
    with writer_lock(data_dir, timeout=0.3):  # released: the next one gets it
        pass


@pytest.mark.parametrize("cell,column,needle", [
    ("Karm\u00f8y\u200b", "municipality_name", "invisible character U+200B"),
    ("Asker\u202e", "municipality_name", "invisible character U+202E"),
    ("32\u200d03", "municipality_code", "invisible character U+200D"),
    ("a note \uffff", "note", "U+FFFF, which is not a character"),
    ("source \ufdd0", "source", "U+FDD0, which is not a character"),
])
def test_tru015_invisible_and_non_characters_refused(tmp_path, data_dir, monkeypatch, capsys, cell, column, needle):
    from dashboard.cli import main

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "cache"))
    row = {"municipality_code": "3203", "municipality_name": "Asker", "source": "s", "note": ""}
    row[column] = cell
    before = _snapshot(data_dir)
    f = tmp_path / "x.csv"
    f.write_text(HEADER + f"\n{row['municipality_code']},{row['municipality_name']},2024,EC: ICT: ICT: 1C,,90,%,100,,,,"
                 f"reported,{row['source']},{row['note']}\n", encoding="utf-8")
    assert main(["import", str(f)]) != 0
    out = capsys.readouterr().err
    assert f"column '{column}'" in out and needle in out, out
    assert _snapshot(data_dir) == before


def test_tru016_a_decomposed_name_is_the_same_name(tmp_path, data_dir, monkeypatch):
    """'Ålesund' written with a combining ring is normalised (NFC) and matches the stored name."""
    from dashboard.cli import main

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "cache"))
    f = tmp_path / "nfd.csv"
    f.write_text(HEADER + "\n1507,A\u030alesund,2024,EC: ICT: PS: 3A,,85,%,,,,,reported,factsheet,\n", encoding="utf-8")
    assert main(["import", str(f)]) == 0
    ds = Repository(data_dir, DEFAULT_CATALOGUE, tmp_path / "c2").snapshot()
    assert [n for c, n in ds.municipalities() if c == "1507"] == ["\u00c5lesund"]


@pytest.mark.parametrize("text", ["\u0661\u0662\u0663", "1 2 3 4,5", "1e-400", "\u0968\u0966\u0968\u096a"])
def test_tru017_only_ascii_numbers_with_the_documented_separators(text):
    from data.tabular import parse_number

    assert parse_number(text, True) is None and parse_number(text, False) is None
    assert parse_number("95 424,5", True) == 95424.5 and parse_number("95424.5", False) == 95424.5


def test_tru018_non_characters_never_reach_an_export():
    from data.export import _clean_nonchars, xml_safe

    frame = pd.DataFrame({"note": ["ok", "bad \uffff", "bad \U0010fffe"], "value": [1.0, 2.0, 3.0]})
    _clean_nonchars(frame, frame)
    assert list(frame["note"]) == ["ok", "bad \ufffd", "bad \ufffd"]
    assert xml_safe("x\ufffey\x02") == "x\ufffdy\ufffd"


MARKUP = '<a href="https://example.org">lenke</a><span style="color:red">rød</span>'


def test_tru019_every_figure_takes_data_as_text_never_markup():
    import json

    from layouts import figures

    figs = [
        figures.score_bars([MARKUP, "b"], [50.0, 70.0], [2, 3], "nb"),
        figures.finance_bars([{"name": MARKUP, "x": [2020], "y": [1.0], "status": ["final"]}], "en", 1.75, "%", 2020),
        figures.wheel([{"id": "EC: ICT", "parent": "", "label": MARKUP, "band": 3, "size": 1, "hover": MARKUP}], "nb"),
        figures.kpi_series([{"name": MARKUP, "years": [2020], "values": [1.0], "hover": [MARKUP], "target": 2.0}],
                           "nb", "%", None),
        # a banded cell's text is an annotation, a missing cell's the heatmap's own text: both as text
        figures.band_matrix([MARKUP], [MARKUP, "b"], [["band2", "missing"]], [[MARKUP, MARKUP]], [[MARKUP, "h"]],
                            "en"),
    ]
    for fig in figs:
        dumped = json.dumps(fig.to_plotly_json(), default=str)
        assert "<a href" not in dumped and "<span" not in dumped, dumped[:400]
        assert "&lt;a href" in dumped


def test_tru020_hostile_requests_get_clear_answers_not_errors(client, caplog):
    import logging

    caplog.set_level(logging.ERROR)
    deep = "[" * 100_000 + "]" * 100_000
    r = client.post("/_dash-update-component", data=deep, content_type="application/json")
    assert r.status_code == 400 and "nested too deeply" in r.get_json()["error"]
    assert client.get("/_dash-component-suites/dash/nope.js").status_code == 404
    for v in ("\u00b2", "\u0661\u0662", "1e3", "-1"):
        r = client.get(f"/api/v1/observations.json?limit={v}")
        assert r.status_code == 400 and r.get_json()["parameter"] == "limit", v
    assert client.get("/_reload-hash").status_code == 404  # a development route, not served in production
    page = client.get("/").get_data(as_text=True)
    for leak in ("dash_version", "python_version", "plotly_version", "?v="):
        assert leak not in page, leak
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]


def test_tru021_an_unreachable_target_does_not_break_the_pace():
    from data.catalogue import load_catalogue
    from data.indicators import pace

    cat = load_catalogue(DEFAULT_CATALOGUE)
    kpi = cat["EC: ICT: ICT: 3C"]
    rows = pd.DataFrame({"data_point": ["", ""], "year": [2022, 2023], "value": [1.0, 2.0],
                         "target": [1e308, 1e308], "target_na": [False, False], "year_basis": ["data", "data"]})
    p = pace(kpi, rows)[0]
    assert p.state == "too_slow" and p.reached_year is None


@pytest.mark.parametrize("breakage", ["directory", "symlink-secret", "symlink-zero", "unreadable"])
def test_tru022_a_broken_data_file_gives_503_without_paths_or_contents(tmp_path, data_dir, make_app, breakage):
    import os

    target = data_dir / "finance.csv"
    target.unlink()
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE\n", encoding="utf-8")
    if breakage == "directory":
        target.mkdir()
    elif breakage == "symlink-secret":
        target.symlink_to(secret)
    elif breakage == "symlink-zero":
        target.symlink_to("/dev/zero")
    else:
        target.write_text("x", encoding="utf-8")
        if os.geteuid() == 0:  # root reads any file: make it unreadable another way (a FIFO nobody writes)
            target.unlink()
            os.mkfifo(target)
        else:
            target.chmod(0)
    client = make_app().server.test_client()
    for path in ("/healthz", "/", "/api/v1/observations.json", "/finance"):
        r = client.get(path)
        assert r.status_code == 503, (path, r.status_code)
        body = r.get_data(as_text=True)
        assert str(tmp_path) not in body and "TOP-SECRET" not in body, body[:300]
    assert "finance.csv" in client.get("/healthz").get_data(as_text=True)


def test_tru023_temp_files_of_a_killed_import_are_cleaned_up(tmp_path, data_dir, monkeypatch):
    from dashboard.cli import main

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "cache"))
    stale = data_dir / ".observations.csv.abc123.tmp"
    stale.write_text("half a file", encoding="utf-8")
    f = tmp_path / "ok.csv"
    f.write_text(HEADER + "\n3203,Asker,2024,EC: ICT: ICT: 1C,,98,%,100,,,,reported,SSB,\n", encoding="utf-8")
    assert main(["import", str(f)]) == 0
    assert not stale.exists()


def test_tru024_a_tampered_or_placed_cache_file_is_never_served(tmp_path, data_dir, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from data import repository as repo_mod

    cache = tmp_path / "cache"
    ds = Repository(data_dir, DEFAULT_CATALOGUE, cache).snapshot()
    cached = cache / f"observations-{ds.fingerprint}.parquet"
    assert cached.exists() and (cache / (cached.name + ".sig")).exists()
    # a signed cache is reused: the CSV is not parsed again
    calls = []
    real = repo_mod.load_observations
    monkeypatch.setattr(repo_mod, "load_observations", lambda *a, **k: calls.append(1) or real(*a, **k))
    Repository(data_dir, DEFAULT_CATALOGUE, cache).snapshot()
    assert calls == []
    # a valid parquet file with other values, placed under the current fingerprint, is not served
    frame = pq.read_table(cached).to_pandas()
    frame.loc[frame["municipality_code"] == "1149", "value"] = 12345.0
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), cached)
    ds2 = Repository(data_dir, DEFAULT_CATALOGUE, cache).snapshot()
    karmoy = ds2.observations[ds2.observations["municipality_code"] == "1149"]
    assert 12345.0 not in set(karmoy["value"]) and 97.0 in set(karmoy["value"])
    assert calls == [1]  # rebuilt from the CSV
    # the fingerprint is of the bytes that were parsed
    blobs = repo_mod._read_sources(repo_mod._sources(data_dir.resolve(), DEFAULT_CATALOGUE.resolve()))
    assert ds2.fingerprint == repo_mod.fingerprint_bytes(blobs)


def test_tru025_invented_bundle_fingerprints_do_not_grow_memory(client):
    page = client.get("/").get_data(as_text=True)
    src = re.search(r'src="(/_dash-component-suites/dash/dash-renderer/build/dash_renderer\.v[^"]+)"', page).group(1)
    first = client.get(src, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip"
    packed = client.application.extensions["static_gzip"]
    before = (len(packed), sum(len(v) for v in packed.values()))
    for i in range(2000):
        variant = re.sub(r"\.v[0-9a-z_]+m[0-9]+\.", f".v9_9_{i}m{1000 + i}.", src)
        r = client.get(variant, headers={"Accept-Encoding": "gzip"})
        assert r.status_code == 200
    assert (len(packed), sum(len(v) for v in packed.values())) == before  # one entry for the one real file


def test_tru026_what_is_memoised_is_keyed_on_the_scheme_it_prints(client):
    import io

    from openpyxl import load_workbook

    def permalink(scheme: str) -> str:
        r = client.get("/api/v1/observations.xlsx?municipality=1149", base_url=f"{scheme}://localhost")
        wb = load_workbook(io.BytesIO(r.data), read_only=True)
        return next(row[1] for row in wb["Filters"].iter_rows(values_only=True) if row[0] == "permalink")

    assert permalink("http").startswith("http://localhost/data")
    assert permalink("https").startswith("https://localhost/data")  # not the memoised http answer
    assert permalink("http").startswith("http://localhost/data")


def test_tru027_gunicorn_trusts_no_forwarded_headers_unless_told():
    import runpy

    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["forwarded_allow_ips"] == ""


def test_tru028_small_files_that_would_expand_are_refused_before_they_expand(tmp_path, data_dir, monkeypatch, capsys):
    import json
    import resource
    import time

    from dashboard.cli import main

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DASHBOARD_MAX_IMPORT_ROWS", "100000")
    before = _snapshot(data_dir)
    # JSON-stat: three dimensions of 400 categories declare 64 million cells in a few kilobytes
    n = 400
    doc = {"version": "2.0", "class": "dataset", "id": ["KOKkommuneregion0000", "ContentsCode", "Tid"],
           "size": [n, n, n], "value": {},
           "dimension": {d: {"category": {"index": [f"{d[:1]}{i}" for i in range(n)]}}
                         for d in ("KOKkommuneregion0000", "ContentsCode", "Tid")}}
    big_json = tmp_path / "big.json"
    big_json.write_text(json.dumps(doc), encoding="utf-8")
    blank = tmp_path / "blank.csv"
    blank.write_bytes(HEADER.encode() + b"\n" + b"\n" * 20_000_000)
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n", encoding="utf-8")
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for f, needle in ((big_json, "declares 64000000 cells"), (blank, "blank lines"), (wide, "more than 200 columns")):
        t0 = time.monotonic()
        assert main(["import", str(f)]) != 0
        assert time.monotonic() - t0 < 20, f.name
        err = capsys.readouterr().err
        assert needle in err, err[:300]
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert grown_mb < 300, grown_mb  # the 20 MB file of blank lines used to peak near 1.9 GB
    assert _snapshot(data_dir) == before


def test_tru029_a_reload_never_stalls_the_readers(tmp_path, data_dir, monkeypatch):
    """While one thread loads a changed file (slowly here), the others keep answering from the current data."""
    import os
    import threading
    import time

    from data import repository as repo_mod

    repo = Repository(data_dir, DEFAULT_CATALOGUE, tmp_path / "cache", check_interval=0)
    first = repo.snapshot()
    real = repo_mod.load_observations
    started = threading.Event()

    def slow(*a, **k):
        started.set()
        time.sleep(2.0)
        return real(*a, **k)

    monkeypatch.setattr(repo_mod, "load_observations", slow)
    path = data_dir / "observations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",97,%", ",96,%", 1), encoding="utf-8")
    os.utime(path, (time.time() + 5, time.time() + 5))
    loader = threading.Thread(target=repo.snapshot)
    loader.start()
    assert started.wait(10)
    t0 = time.monotonic()
    during = repo.snapshot()  # answered at once, from the current data
    assert time.monotonic() - t0 < 0.5 and during is first
    loader.join(30)
    after = repo.snapshot()
    assert after.fingerprint != first.fingerprint


def test_tru030_large_exports_take_turns(client, monkeypatch):
    import threading

    from dashboard import api_common as api  # the export slots live there

    monkeypatch.setattr(api, "LARGE_EXPORT_ROWS", 10)
    monkeypatch.setattr(api, "EXPENSIVE_WAIT_SECONDS", 0.2)
    busy = threading.BoundedSemaphore(1)
    monkeypatch.setattr(api, "_expensive", busy)
    busy.acquire()  # another large export is running
    r = client.get("/api/v1/observations.csv")
    assert r.status_code == 503 and r.headers["Retry-After"] and "busy" in r.get_json()["error"]
    assert client.get("/api/v1/observations.csv?municipality=1507").status_code == 200  # small: never waits
    assert client.get("/api/v1/observations.json").status_code == 200  # a JSON page is never expensive
    busy.release()
    assert client.get("/api/v1/observations.csv").status_code == 200
