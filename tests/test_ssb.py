"""ssb: SSB JSON-stat 2.0 (table 12134) into finance, all or nothing."""

import hashlib
import json

import pytest

from dashboard.cli import main
from data.errors import DataError
from data.ssb import read_jsonstat


def jsonstat(values, status=None, regions=("3203", "EAK"), years=("2022", "2023")):
    doc = {
        "version": "2.0", "class": "dataset", "label": "12134: Finansielle nøkkeltall (K)",
        "source": "Statistisk sentralbyrå", "updated": "2024-06-14T06:00:00Z",
        "id": ["KOKkommuneregion0000", "ContentsCode", "Tid"], "size": [len(regions), 1, len(years)],
        "dimension": {
            "KOKkommuneregion0000": {"label": "region", "category": {
                "index": {r: i for i, r in enumerate(regions)},
                "label": {"3203": "Asker", "EAK": "Landet", "EKG13": "Kostragruppe 13"}}},
            "ContentsCode": {"label": "statistikkvariabel", "category": {
                "index": {"KOSAGD230000": 0}, "label": {"KOSAGD230000": "Netto driftsresultat i prosent av brutto driftsinntekter"},
                "unit": {"KOSAGD230000": {"base": "prosent", "decimals": 1}}}},
            "Tid": {"label": "år", "category": {"index": {y: i for i, y in enumerate(years)}, "label": {y: y for y in years}}},
        },
        "value": values,
    }
    if status is not None:
        doc["status"] = status
    return doc


def write(tmp_path, doc, name="12134.json"):
    p = tmp_path / name
    p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return p


@pytest.mark.parametrize("values,status", [
    ([1.2, None, 2.5, 2.1], ["", "..", "", ""]),                       # arrays
    ({"0": 1.2, "2": 2.5, "3": 2.1}, {"1": ".."}),                     # objects (sparse)
])
def test_ssb001_value_and_status_as_array_or_object(tmp_path, values, status):
    df = read_jsonstat(write(tmp_path, jsonstat(values, status)))
    assert len(df) == 4 and set(df["basis"]) == {"konsern"} and set(df["measure"]) == {"net_operating_result_pct"}
    asker_2023 = df[(df["municipality_code"] == "3203") & (df["year"] == 2023)].iloc[0]
    assert asker_2023["status"] == "missing" and "'..'" in asker_2023["note"]
    assert df[(df["municipality_code"] == "EAK") & (df["year"] == 2023)]["value"].iloc[0] == 2.1
    assert df["source"].str.contains("12134").all()


def test_ssb002_status_as_one_string_applies_to_every_cell(tmp_path):
    df = read_jsonstat(write(tmp_path, jsonstat([None, None], ":", regions=("3203",))))
    assert (df["status"] == "missing").all() and df["note"].str.contains("confidential").all()


def test_ssb003_import_adds_konsern_rows_and_reimport_changes_nothing(tmp_path, data_dir, monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "cache"))
    f = write(tmp_path, jsonstat([1.2, None, 2.5, 2.1], ["", "..", "", ""]))
    assert main(["import", str(f)]) == 0
    assert "4 added" in capsys.readouterr().out
    text = (data_dir / "finance.csv").read_text(encoding="utf-8")
    assert "3203,Asker,2022,net_operating_result_pct,1.2,%,konsern,final" in text
    assert ",2018,net_operating_result,192,MNOK,kommunekasse,final," in text  # existing rows kept
    digest = hashlib.sha256((data_dir / "finance.csv").read_bytes()).hexdigest()
    assert main(["import", str(f)]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert hashlib.sha256((data_dir / "finance.csv").read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("doc,words", [
    ({"class": "collection"}, "not a JSON-stat 2.0 dataset"),
    ("{broken", "not valid JSON"),
    (None, "'value' has 3 cells"),
])
def test_ssb004_bad_files_are_refused_and_nothing_changes(tmp_path, data_dir, monkeypatch, capsys, doc, words):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "cache"))
    p = tmp_path / "bad.json"
    if doc is None:
        p.write_text(json.dumps(jsonstat([1, 2, 3])), encoding="utf-8")
    elif isinstance(doc, str):
        p.write_text(doc, encoding="utf-8")
    else:
        p.write_text(json.dumps(doc), encoding="utf-8")
    before = {f.name: f.read_bytes() for f in data_dir.iterdir()}
    with pytest.raises(DataError, match=words.replace("(", r"\(")):
        read_jsonstat(p)
    assert main(["import", str(p)]) == 1
    assert "refused" in capsys.readouterr().err
    assert {f.name: f.read_bytes() for f in data_dir.iterdir()} == before


def test_ssb005_unknown_contents_code_is_named(tmp_path):
    doc = jsonstat([1.0, 2.0], regions=("3203",))
    doc["dimension"]["ContentsCode"]["category"]["index"] = {"KOSXX": 0}
    with pytest.raises(DataError, match="KOSXX"):
        read_jsonstat(write(tmp_path, doc))
