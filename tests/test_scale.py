"""scl: the app on a national-scale synthetic data set (over a million rows): counts, exports, the XLSX limit."""

import csv
import io
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from tests.conftest import ROOT

MUNICIPALITIES, YEARS = 357, 27  # 357 x 112 units x 27 years = 1 079 568 rows: more than an XLSX sheet holds
ROWS = MUNICIPALITIES * 112 * YEARS


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    out = tmp_path_factory.mktemp("national")
    subprocess.run([sys.executable, "scripts/generate_national.py", "--out", str(out), "--years", str(YEARS)],
                   cwd=ROOT, check=True, capture_output=True)
    from dashboard import Settings, create_app

    cache = tmp_path_factory.mktemp("natcache")
    app = create_app(Settings(data_dir=out, cache_dir=cache, reload_check_seconds=3600))
    client = app.server.test_client()
    assert client.get("/healthz").get_json()["observations"] == ROWS
    client.national_dirs = (out, cache)
    return client


def test_scl001_generator_refuses_the_repository_data_directory():
    r = subprocess.run([sys.executable, "scripts/generate_national.py", "--out", str(ROOT / "data")], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode != 0 and "refusing" in (r.stderr + r.stdout)


def test_scl002_counts_pages_and_filters_at_national_scale(national):
    j = national.get("/api/v1/observations.json?limit=5").get_json()
    assert j["total"] == ROWS and len(j["items"]) == 5 and j["items"][0]["status"] in ("synthetic", "not_reported")
    one = national.get("/api/v1/observations.json?municipality=9001&dimension=EC&limit=1").get_json()
    assert one["total"] == 55 * YEARS
    area = national.get("/api/v1/observations.json?challenge_area=transport&year=2024&limit=1").get_json()
    assert area["total"] > 0
    scores = national.get("/api/v1/scores.json?municipality=9001,9002&year=2024&level=dimension").get_json()
    assert scores["total"] == 6
    for path in ("/", "/data?municipality=9001&dimension=EC", "/compare?municipality=9001,9002", "/indicators",
                 "/indicators/ec-ict-ict-2c?municipality=9003"):
        assert national.get(path).status_code == 200, path


def test_scl003_exports_are_complete_and_xlsx_refuses_beyond_a_sheet(national):
    r = national.get("/api/v1/observations.csv?year=2024")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"), newline="")))
    assert len(rows) - 1 == MUNICIPALITIES * 112
    par = pq.read_table(io.BytesIO(national.get("/api/v1/observations.parquet").data), use_threads=False)
    assert par.num_rows == ROWS  # every row, nothing truncated
    x = national.get("/api/v1/observations.xlsx")
    assert x.status_code == 413 and "CSV or Parquet" in x.get_json()["error"]
    ok = national.get("/api/v1/observations.xlsx?municipality=9001")
    assert ok.status_code == 200 and ok.data[:2] == b"PK"


def test_scl004_sentences_agree_with_their_tables_on_the_full_national_data(national):
    """A seeded sample of municipality x year pairs of the full national set (every pair is walked on a smaller
    national set in test_trust)."""
    import random

    from data import DEFAULT_CATALOGUE
    from data.repository import Repository
    from tests.test_trust import check_challenges, check_compare, check_overview

    out, cache = national.national_dirs
    ds = Repository(out, DEFAULT_CATALOGUE, cache).snapshot()
    pairs = [(c, y) for c, _ in ds.municipalities() for y in ds.years(c)]
    assert len(pairs) == MUNICIPALITIES * YEARS
    for muni, year in random.Random(12).sample(pairs, 12):
        check_overview(ds, muni, year)
        check_challenges(ds, muni, year)
    check_compare(ds, [c for c, _ in ds.municipalities()][:8], ("challenge_area", "digital"))


def test_scl005_compare_never_builds_a_national_matrix(national):
    import json

    from dashboard.first_page import router_request

    body = router_request("/compare", "?dimension=EC,EN,SC&lang=en")
    r = national.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    assert "The matrix shows the first 12 of 357 municipalities" in text
    assert len(r.data) < 3_000_000  # it was 43.7 MB with every municipality
