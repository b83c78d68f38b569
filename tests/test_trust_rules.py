"""tru (rules): what cannot be true is refused on import, whoever sends it, and the store is left as it was;
the illustrative data could be true and is made reproducibly."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from data import DEFAULT_CATALOGUE
from data.catalogue import load_catalogue
from data.repository import Repository
from tests.conftest import ROOT

# -- rules: what cannot be true is refused on import, and the store is left as it was ------------------------------

HEADER = ("municipality_code,municipality_name,year,kpi_code,data_point,value,unit,target,band,verified,quality,"
          "status,source,note")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    return Repository(ROOT / "data", DEFAULT_CATALOGUE, tmp_path_factory.mktemp("cache")).snapshot()


def _snapshot(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()}


@pytest.mark.parametrize("rows,needle", [
    (["3203,Asker,2024,EC: I: T: 4A,personal,102,%,30,,,,reported,kommunens reisevaneundersøkelse,"],
     "row 2, column 'value': 102 cannot be true for EC: I: T: 4A (personal) in % of trips to work: rule valid_range, "
     "must be between 0 and 100"),
    (["3203,Asker,2024,EC: I: T: 4A,public,30,%,40,,,,reported,RVU,",
      "3203,Asker,2024,EC: I: T: 4A,personal,70,%,30,,,,reported,RVU,",
      "3203,Asker,2024,EC: I: T: 4A,cycling,10,%,15,,,,reported,RVU,",
      "3203,Asker,2024,EC: I: T: 4A,walking,20,%,25,,,,reported,RVU,"],
     "row 2, column 'value': the data points of EC: I: T: 4A for 3203 in 2024 add up to 130: rule parts_sum_max"),
    (["3203,Asker,2024,SC: SH: SI: 2C,,1.4,index,0.2,,,,reported,SSB,"], "rule valid_range, must be between 0 and 1"),
    (["3203,Asker,2024,SC: SH: SA: 3A,,0.5,yes/no,1,,,,reported,plan,"], "rule valid_range, must be one of 0, 1"),
    (["3203,Asker,2024,EN: EN: AQ: 2C,,-2,t,1,,,,reported,SSB,"], "rule valid_range, must be at least 0"),
])
def test_tru005_impossible_values_are_refused_naming_file_row_column_and_rule(tmp_path, data_dir, monkeypatch, capsys,
                                                                               rows, needle):
    from dashboard.cli import main

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "cache"))
    before = _snapshot(data_dir)
    f = tmp_path / "asker-2024.csv"
    f.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert main(["import", str(f)]) != 0
    err = capsys.readouterr()
    out = err.out + err.err
    assert "asker-2024.csv" in out and needle in out, out
    assert _snapshot(data_dir) == before  # byte-identical


def test_tru006_parts_checked_against_the_stored_year_too(tmp_path, data_dir, monkeypatch, capsys):
    """One data point alone is fine; merged with the four stored ones of the same year it breaks the whole."""
    from dashboard.cli import main

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "cache"))
    before = _snapshot(data_dir)
    f = tmp_path / "one.csv"
    f.write_text(HEADER + "\n3203,Asker,2023,EC: I: T: 4A,public,60,%,40,,,,reported,RVU,\n", encoding="utf-8")
    assert main(["import", str(f)]) != 0
    out = capsys.readouterr()
    assert "one.csv" in out.err + out.out and "parts_sum_max" in out.err + out.out
    assert _snapshot(data_dir) == before
    # the same file within the whole is accepted
    f.write_text(HEADER + "\n3203,Asker,2023,EC: I: T: 4A,public,21,%,40,,,,reported,RVU,\n", encoding="utf-8")
    assert main(["import", str(f)]) == 0


def test_tru007_a_name_that_disagrees_with_the_store_is_refused(tmp_path, data_dir, monkeypatch, capsys):
    from dashboard.cli import main

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "cache"))
    before = _snapshot(data_dir)
    f = tmp_path / "renamed.csv"
    f.write_text(HEADER + "\n1149,Karmoy kommune,2024,EC: ICT: ICT: 1C,,98,%,,,,,reported,SSB,\n", encoding="utf-8")
    assert main(["import", str(f)]) != 0
    out = capsys.readouterr()
    assert "row 2, column 'municipality_name'" in out.err + out.out and "Karmøy" in out.err + out.out
    assert _snapshot(data_dir) == before
    # the store still loads: pages answer
    ds = Repository(data_dir, DEFAULT_CATALOGUE, tmp_path / "cache2").snapshot()
    assert ds.municipality_name("1149") == "Karmøy"


# -- the illustrative data could be true -----------------------------------------------------------------------------

def _generator():
    sys.path.insert(0, str(ROOT / "scripts"))
    import generate_illustrative as gen

    return gen


def test_tru008_illustrative_values_plausible_smooth_and_within_every_rule(shipped):
    gen = _generator()
    obs = shipped.observations
    asker = obs[(obs["municipality_code"] == "3203") & (obs["status"] == "illustrative")]
    assert len(asker) == shipped.catalogue.unit_count * 5
    for (code, dp), g in asker.groupby(["kpi_code", "data_point"], observed=True):
        spec = gen.SPEC[(str(code), str(dp))]
        low, high = spec[3]
        kind = spec[4]
        values = list(g.sort_values("year")["value"].astype(float))
        assert all(low <= v <= high for v in values), (code, dp, values, (low, high))
        mode, limit = gen.MAX_CHANGE[kind]
        for a, b in zip(values, values[1:]):
            change = abs(b - a) if mode == "absolute" else (abs(b - a) / a if a else (0 if b == 0 else 1))
            assert change <= limit + 1e-9, (code, dp, values)
        if kind == "binary":
            assert values == sorted(values)  # switched on at most once, never off again
    for code in ("EC: I: T: 4A", "EN: EN: WA: 1C"):
        sums = asker[asker["kpi_code"] == code].groupby("year", observed=True)["value"].sum()
        assert all(abs(s - 100) < 1e-6 for s in sums), (code, sums.to_dict())


def test_tru009_the_shape_the_municipality_published(shipped):
    from data.scoring import roll_up

    obs = shipped.observations
    a = obs[(obs["municipality_code"] == "3203") & (obs["year"] == 2023)]
    areas = roll_up(a, shipped.catalogue, "challenge_area", shipped.challenges).set_index("group")["score_pct"]
    in_areas = set(shipped.challenges["kpi_code"])
    rest = roll_up(a[~a["kpi_code"].isin(in_areas)], shipped.catalogue, "dimension")
    rest_score = rest["points"].sum() / rest["max_points"].sum() * 100
    assert areas["digital/infrastructure"] >= 95 and areas["digital/utilisation"] < 66
    for area in ("transport", "inequality", "consumption", "digital"):
        assert areas[area] < rest_score, (area, areas[area], rest_score)


def test_tru010_generator_byte_reproducible_and_its_output_passes_every_rule(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(ROOT / "data", d, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    shipped_bytes = (ROOT / "data" / "observations.csv").read_bytes()
    for _ in range(2):
        subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_illustrative.py"), "--data-dir", str(d)],
                       check=True, capture_output=True)
        assert (d / "observations.csv").read_bytes() == shipped_bytes
    from data.observations import load_observations

    load_observations(d / "observations.csv", load_catalogue(DEFAULT_CATALOGUE))  # raises on any broken rule


def test_tru011_catalogue_places_kpis_as_the_reference_does(catalogue):
    ehr = catalogue["SC: EH: ED: 5A"]
    assert ehr.category_code == "SC: EH: H" and ehr.code == "SC: EH: ED: 5A"
    assert catalogue["SC: EH: ED: 4C"].category_code == "SC: EH: ED"
    from data.scoring import group_keys

    g = group_keys(pd.DataFrame({"kpi_code": ["SC: EH: ED: 5A"], "exclusion": [""], "points": [4]}), catalogue,
                   "category")
    assert list(g["group"]) == ["SC: EH: H"]
    names = {k.code: k.name_nb for k in catalogue}
    assert names["EC: I: WS: 4C"] == "Tilknytning til avløpsnett"
    assert names["EC: ICT: D: 1A"] == "IKT-overvåking av overvannsnettet"
    assert "revidert" not in catalogue["EN: EN: WS: 1C"].definition_nb
    assert catalogue["EC: I: T: 4A"].data_point("para").label_nb == "Tilrettelagt transport (TT)"
