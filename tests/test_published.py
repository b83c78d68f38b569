"""pub: the shipped data: published city values exactly, Asker illustrative everywhere."""

import math

import pytest

from data import DEFAULT_DATA_DIR
from data.observations import load_observations

KARMOY = {
    ("EC: ICT: ICT: 1C", ""): 97.00, ("EC: ICT: ICT: 2C", ""): 84.51, ("EC: ICT: ICT: 3C", ""): 95424,
    ("EC: ICT: ICT: 4C", "3g"): 96.67, ("EC: ICT: ICT: 4C", "4g"): 96.67, ("EC: ICT: ICT: 5C", ""): 78,
    ("EC: ICT: WS: 1C", ""): 27.27, ("EC: ICT: WS: 2A", ""): 9.98, ("EC: I: WS: 1C", ""): 100.00,
    ("EC: I: WS: 2C", ""): 97.07, ("EC: I: WS: 3C", ""): 35.42, ("EC: I: WS: 4C", ""): 81.57,
    ("EC: I: WS: 5C", ""): 100.00, ("EC: ICT: D: 1A", ""): 0.00,
}
STAVANGER = {
    ("EC: ICT: PS: 1A", "number"): 268, ("EC: ICT: PS: 1A", "percent"): 100.00, ("EC: ICT: PS: 2A", ""): 246,
    ("EC: ICT: PS: 3A", ""): 81.79, ("EC: P: IN: 1C", ""): 1.51, ("EC: P: IN: 2C", ""): 333.72,
    ("EC: P: IN: 3A", ""): 99.22, ("EC: P: EM: 1C", ""): 2.74, ("EC: P: EM: 2C", ""): 2.40,
    ("EC: P: EM: 3A", ""): 6.33, ("EC: P: EM: 4A", ""): 3.22, ("EC: I: WA: 1C", ""): 100.00, ("EC: I: B: 1A", ""): 4.70,
}


@pytest.fixture(scope="module")
def obs():
    from data import DEFAULT_CATALOGUE
    from data.catalogue import load_catalogue

    return load_observations(DEFAULT_DATA_DIR / "observations.csv", load_catalogue(DEFAULT_CATALOGUE))


@pytest.mark.parametrize("code,year,expected", [("1149", 2020, KARMOY), ("1103", 2021, STAVANGER)])
def test_pub001_published_values_exactly(obs, code, year, expected):
    rows = obs[(obs["municipality_code"] == code) & (obs["status"] == "verified")]
    got = {(r.kpi_code, r.data_point): r.value for r in rows.itertuples()}
    assert got == expected
    assert (rows["year"] == year).all() and (rows["verified"] == "yes").all()
    assert rows["band"].isna().all()  # band colours are not in the text copies: unknown
    assert rows["source"].str.contains("itu.int").all()


def test_pub002_benchmark_na_where_the_report_says_so(obs):
    na = obs[obs["target_na"] & (obs["status"] != "illustrative")]
    assert set(zip(na["municipality_code"], na["kpi_code"], na["data_point"])) == {
        ("1149", "EC: ICT: ICT: 5C", ""), ("1103", "EC: ICT: PS: 1A", "number"), ("1103", "EC: ICT: PS: 2A", ""),
        ("1507", "EC: ICT: PS: 1A", "number"), ("1507", "EC: ICT: PS: 2A", "")}


def test_pub003_rana_not_reported_list(obs):
    rana = obs[(obs["municipality_code"] == "1833") & (obs["status"] == "not_reported")]
    assert set(zip(rana["kpi_code"], rana["data_point"])) == {
        ("EC: I: ES: 1C", ""), ("EC: I: T: 5A", ""), ("EC: I: B: 1A", ""), ("SC: SH: SA: 6C", ""),
        ("SC: SH: FS: 1A", ""), ("EN: EN: AQ: 1C", "so2"), ("EN: EN: AQ: 1C", "o3"), ("EC: I: T: 4A", "para")}
    assert rana["value"].isna().all()
    assert len(obs[obs["municipality_code"] == "1833"]) == len(rana)  # nothing of Rana's is shipped as a value
    para = rana[rana["data_point"] == "para"].iloc[0]
    assert "1.86" in para["note"] and "TT card" in para["note"]  # the TT-card share, kept as a note, not a value
    stav = obs[(obs["municipality_code"] == "1103") & (obs["kpi_code"] == "EC: I: B: 2A")]
    assert list(stav["status"]) == ["not_reported"]


ALESUND = {("EC: ICT: PS: 1A", "number"): 119, ("EC: ICT: PS: 1A", "percent"): 100.00, ("EC: ICT: PS: 2A", ""): 80,
           ("EC: ICT: PS: 3A", ""): 84.92}


def test_pub006_alesund_factsheet_values_and_report_years(obs):
    rows = obs[obs["municipality_code"] == "1507"]
    assert {(r.kpi_code, r.data_point): r.value for r in rows.itertuples()} == ALESUND
    assert (rows["status"] == "reported").all() and rows["note"].str.contains("region").all()
    assert rows["source"].str.contains("Factsheet-Alesund").all()
    # every published row carries the report's year, and says so
    published = obs[obs["municipality_code"].isin(["1149", "1103", "1833", "1507"])]
    assert (published["year_basis"] == "report").all()
    assert (obs[obs["municipality_code"] == "3203"]["year_basis"] == "data").all()


def test_pub004_every_asker_value_is_illustrative_with_a_target(obs, catalogue):
    asker = obs[obs["municipality_code"] == "3203"]
    assert (asker["status"] == "illustrative").all()
    assert asker["source"].str.contains("Illustrative").all()
    years = sorted(asker["year"].unique())
    assert len(years) >= 3
    for y in years:
        assert len(asker[asker["year"] == y]) == catalogue.unit_count  # every KPI and data point
    # a target for every unit with a direction; the units without one are "no benchmark" (n/a), never a guess
    for r in asker.itertuples():
        has_direction = catalogue[r.kpi_code].direction_of(r.data_point) in ("higher", "lower")
        assert (not math.isnan(r.target)) == has_direction and r.target_na == (not has_direction)
    assert asker["band"].isna().all()  # no invented verifier bands: every Asker band is computed from its target
    assert not any(math.isnan(v) for v in asker["value"])


def test_pub005_generator_is_reproducible(tmp_path, data_dir, catalogue):
    import subprocess
    import sys

    from tests.conftest import ROOT

    before = (data_dir / "observations.csv").read_bytes()
    subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_illustrative.py"), "--data-dir", str(data_dir)],
                   check=True, capture_output=True)
    assert (data_dir / "observations.csv").read_bytes() == before
