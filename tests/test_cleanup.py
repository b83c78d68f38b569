"""From illustrative to verified: import the municipality's own results, retire the illustrative rows they leave."""

import csv
import hashlib

import pytest

from dashboard.cli import main
from data.observations import COLUMNS
from tests.conftest import LiveServer
from tests.test_browser import open_page

VERIFIED = [  # part of 2023 for Asker: three KPIs, measured and verified
    ["3203", "Asker", "2023", "EC: ICT: ICT: 1C", "", "99.2", "%", "100", "", "yes", "", "verified",
     "Asker kommune, U4SSC-verifisering 2023", ""],
    ["3203", "Asker", "2023", "EC: ICT: ICT: 2C", "", "88.0", "%", "100", "", "yes", "", "verified",
     "Asker kommune, U4SSC-verifisering 2023", ""],
    ["3203", "Asker", "2023", "EC: I: T: 1C", "", "140", "km per 100 000 inhabitants", "300", "", "yes", "", "verified",
     "Asker kommune, U4SSC-verifisering 2023", ""],
]


def snapshot(d):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}


def illustrative(data_dir, year):
    with (data_dir / "observations.csv").open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["municipality_code"] == "3203" and r["year"] == str(year)
                and r["status"] == "illustrative"]


def write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        w.writerows(rows)


@pytest.fixture()
def env(monkeypatch, data_dir, cache_dir):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(cache_dir))
    return data_dir


def test_cln001_a_verified_file_for_part_of_a_year_retires_the_rest_of_that_year(env, tmp_path, capsys):
    f = tmp_path / "verified-2023.csv"
    write(f, VERIFIED)
    n2023, n2022 = len(illustrative(env, 2023)), len(illustrative(env, 2022))
    assert n2023 > 3 and n2022 > 0
    # not imported yet: refused, nothing changes
    before = snapshot(env)
    assert main(["retire-illustrative", str(f), "--yes"]) == 1
    assert "import the file first" in capsys.readouterr().err and snapshot(env) == before
    assert main(["import", str(f)]) == 0
    assert "3 replaced" in capsys.readouterr().out
    assert len(illustrative(env, 2023)) == n2023 - 3  # the import replaced only what it holds
    # shown first, removed only with --yes
    before = snapshot(env)
    assert main(["retire-illustrative", str(f)]) == 0
    out = capsys.readouterr().out
    assert f"{n2023 - 3} to remove" in out and "remove 3203 | 2023 | " in out and "--yes" in out
    assert snapshot(env) == before
    assert main(["retire-illustrative", str(f), "--yes"]) == 0
    assert f"removed {n2023 - 3} illustrative rows" in capsys.readouterr().out
    assert illustrative(env, 2023) == [] and len(illustrative(env, 2022)) == n2022  # other years untouched
    with (env / "observations.csv").open(encoding="utf-8", newline="") as fh:
        kept = [r for r in csv.DictReader(fh) if r["municipality_code"] == "3203" and r["year"] == "2023"]
    assert sorted(r["kpi_code"] for r in kept) == sorted(r[3] for r in VERIFIED)
    assert main(["retire-illustrative", str(f), "--yes"]) == 0
    assert "nothing to remove" in capsys.readouterr().out


def test_cln002_a_file_of_illustrative_rows_is_not_a_verified_file(env, tmp_path, capsys):
    f = tmp_path / "made-up.csv"
    write(f, [[*VERIFIED[0][:11], "illustrative", *VERIFIED[0][12:]]])
    before = snapshot(env)
    assert main(["retire-illustrative", str(f), "--yes"]) == 1
    assert "status illustrative" in capsys.readouterr().err and snapshot(env) == before


@pytest.mark.browser
def test_cln003_no_page_shows_the_banner_for_the_retired_year(env, tmp_path, make_app, page_factory):
    f = tmp_path / "verified-2023.csv"
    write(f, VERIFIED)
    assert main(["import", str(f)]) == 0
    assert main(["retire-illustrative", str(f), "--yes"]) == 0
    with LiveServer(make_app()) as srv:
        for path in ("/?year=2023", "/snapshot?year=2023", "/challenges/transport?year=2023",
                     "/indicators?year=2023"):
            page = open_page(page_factory, srv.url + path)
            assert page.locator("#illustrative-banner").count() == 0, path
        page = open_page(page_factory, srv.url + "/snapshot?year=2022")
        assert page.locator("#illustrative-banner").count() == 1  # the years still illustrative keep it
