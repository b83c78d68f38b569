"""Initiatives (data/initiatives.csv): the seed's initiatives on the pages they serve, an all-or-nothing import
that names row and column, the API and the export's sheet."""

import csv
import hashlib
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from dashboard.cli import main
from data.initiatives import COLUMNS
from tests.test_browser import open_page

SEED = {"baerekraftsidebanken", "asker-velferdslab", "losningsjakten-borgen", "innbyggertorg-borgen",
        "digital-skoleutvikling", "digital-laering-barnehage", "aktiv-i-asker", "styrket-parorendestotte"}


def snapshot(d):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}


def rows_of(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture()
def env(monkeypatch, data_dir, cache_dir):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(cache_dir))
    return data_dir


def write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        w.writeheader()
        w.writerows(rows)


def test_ini001_the_seed_initiatives_ship_each_with_a_source(data_dir):
    rows = rows_of(data_dir / "initiatives.csv")
    assert {r["id"] for r in rows} == SEED
    for r in rows:
        assert r["source_title"], r["id"]
        assert r["description_nb"] and r["description_en"], r["id"]
    by_id = {r["id"]: r for r in rows}
    assert "inequality" in by_id["asker-velferdslab"]["challenge_areas"].split(",")
    assert by_id["digital-skoleutvikling"]["kpi_codes"] == "SC: EH: ED: 1C"


def test_ini002_import_adds_and_replaces_all_or_nothing(env, tmp_path, capsys):
    rows = rows_of(env / "initiatives.csv")
    changed = {**rows[0], "status": "completed"}
    new = {**rows[1], "id": "gang-og-sykkel", "name_nb": "Gang og sykkel", "name_en": "Walking and cycling",
           "challenge_areas": "transport", "kpi_codes": "EC: I: T: 4A; ec-i-t-5a", "source_url": ""}
    f = tmp_path / "ini.csv"
    write(f, [changed, new])
    assert main(["import", str(f)]) == 0
    out = capsys.readouterr().out
    assert "initiatives: 1 added, 1 replaced" in out
    after = {r["id"]: r for r in rows_of(env / "initiatives.csv")}
    assert len(after) == len(rows) + 1 and after[rows[0]["id"]]["status"] == "completed"
    assert after["gang-og-sykkel"]["kpi_codes"] == "EC: I: T: 4A;EC: I: T: 5A"  # codes in their official form
    # one bad cell refuses the whole file, naming the row and the column; nothing is written
    before = snapshot(env)
    bad = tmp_path / "bad.csv"
    write(bad, [{**new, "status": "planned"}, {**new, "id": "noe-annet", "challenge_areas": "transport,weather"}])
    assert main(["import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "row 3" in err and "challenge_areas" in err and "'weather' is not a challenge area" in err
    assert snapshot(env) == before
    write(bad, [{**new, "id": "Ugyldig id", "kpi_codes": "EC: X: 9Z", "source_url": "javascript:alert(1)"}])
    assert main(["import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert all(c in err for c in ("column 'id'", "column 'kpi_codes'", "column 'source_url'")), err
    assert snapshot(env) == before


def test_ini003_api_lists_initiatives_by_area_and_kpi(client):
    body = client.get("/api/v1/initiatives.json").get_json()
    assert body["total"] == len(SEED) and {i["id"] for i in body["items"]} == SEED
    digital = client.get("/api/v1/initiatives.json?challenge_area=digital").get_json()["items"]
    assert {i["id"] for i in digital} == {"baerekraftsidebanken", "digital-skoleutvikling", "digital-laering-barnehage",
                                         "aktiv-i-asker"}
    kpi = client.get("/api/v1/initiatives.json?kpi=sc-eh-ed-1c").get_json()["items"]
    assert [i["id"] for i in kpi] == ["digital-skoleutvikling"] and kpi[0]["kpi_codes"] == ["SC: EH: ED: 1C"]
    r = client.get("/api/v1/initiatives.json?challenge_area=weather")
    assert r.status_code == 400 and r.get_json()["parameter"] == "challenge_area"


def test_ini004_the_xlsx_export_lists_the_initiatives_of_its_rows(client):
    wb = load_workbook(io.BytesIO(client.get("/api/v1/observations.xlsx?lang=nb&challenge_area=inequality").data))
    ids = [r[0] for r in wb["Tiltak"].iter_rows(min_row=2, values_only=True)]
    assert "asker-velferdslab" in ids and "digital-skoleutvikling" not in ids


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_ini005_area_kpi_and_home_pages_show_what_the_municipality_does(live_server, page_factory, lang):
    page = open_page(page_factory, f"{live_server.url}/challenges/inequality?lang={lang}")
    block = page.locator("#area-initiatives")
    expect(block).to_contain_text("Asker velferdslab" if lang == "nb" else "Asker welfare lab")
    link = block.locator("#initiative-asker-velferdslab a.source-link")
    assert link.get_attribute("href").startswith("https://www.asker.kommune.no/")
    assert block.locator("#initiative-digital-skoleutvikling").count() == 0
    kpi = open_page(page_factory, f"{live_server.url}/indicators/sc-eh-ed-1c?lang={lang}")
    expect(kpi.locator("#kpi-initiatives")).to_contain_text("Chromebook")
    home = open_page(page_factory, f"{live_server.url}/?lang={lang}")
    expect(home.locator("#home-initiatives")).to_contain_text("7")
