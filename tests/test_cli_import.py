"""cli: validate and import, all or nothing, the data directory byte-for-byte unchanged on error."""

import hashlib

import openpyxl
import pytest

from dashboard.cli import main
from data.observations import COLUMNS

HEADER = ",".join(COLUMNS)
ROW = "3203,Asker,2023,EC: ICT: ICT: 1C,,99.1,%,100,,yes,Høy,verified,U4SSC Verification Report Asker 2023,\n"


def snapshot(d):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}


@pytest.fixture()
def env(monkeypatch, data_dir, cache_dir):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(cache_dir))
    return data_dir


def test_cli001_validate_reports_a_summary_and_changes_nothing(env, tmp_path, capsys):
    f = tmp_path / "new.csv"
    f.write_text(HEADER + "\n" + ROW, encoding="utf-8")
    before = snapshot(env)
    assert main(["validate", str(f)]) == 0
    assert "valid observations file with 1 rows" in capsys.readouterr().out
    assert snapshot(env) == before


def test_cli002_import_replaces_an_illustrative_value_and_reimport_changes_nothing(env, tmp_path, capsys):
    f = tmp_path / "new.csv"
    f.write_text(HEADER + "\n" + ROW + ROW.replace("2023", "2024"), encoding="utf-8")
    assert main(["import", str(f)]) == 0
    out = capsys.readouterr().out
    assert "replaced 3203 | 2023 | EC: ICT: ICT: 1C" in out and "added 3203 | 2024 | EC: ICT: ICT: 1C" in out
    assert "1 added, 1 replaced" in out
    after = snapshot(env)
    assert main(["import", str(f)]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert snapshot(env) == after
    text = (env / "observations.csv").read_text(encoding="utf-8")
    assert "3203,Asker,2023,EC: ICT: ICT: 1C,,99.1,%,100,,yes,Høy,verified," in text


def test_cli003_import_xlsx(env, tmp_path, capsys):
    wb = openpyxl.Workbook()
    wb.active.append(list(COLUMNS))
    wb.active.append(["1103", "Stavanger", 2022, "EC: P: EM: 1C", None, 2.5, "%", None, 3, "yes", None, "verified",
                      "U4SSC report", None])
    p = tmp_path / "new.xlsx"
    wb.save(p)
    assert main(["import", str(p)]) == 0
    assert "1 added" in capsys.readouterr().out


BAD_FILES = {
    "unknown_code.csv": HEADER + "\n" + ROW.replace("ICT: 1C", "ICT: 77C"),
    "bad_band.csv": HEADER + "\n" + ROW.replace(",100,,yes", ",100,7,yes"),
    "bad_year.csv": HEADER + "\n" + ROW.replace("2023", "23"),
    "duplicate.csv": HEADER + "\n" + ROW + ROW,
    "text_value.csv": HEADER + "\n" + ROW.replace("99.1", "ninety"),
    "missing_column.csv": HEADER.replace(",quality", "") + "\n" + ROW.replace(",Høy", ""),
    "empty.csv": "",
    "header_only.csv": HEADER + "\n",
    "nan_value.csv": HEADER + "\n" + ROW.replace("99.1", "NaN"),
    "inf_value.csv": HEADER + "\n" + ROW.replace("99.1", "-inf"),
    "control_char.csv": HEADER + "\n" + ROW.replace("Høy", "H\x1b[2Jøy"),
    "fake.xlsx": "this is text with an xlsx name",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES) + ["latin1.csv", "binary.csv", "formula.xlsx", "zipbomb.xlsx"])
def test_cli004_bad_files_are_refused_and_nothing_changes(env, tmp_path, capsys, name):
    f = tmp_path / name
    if name == "latin1.csv":
        f.write_bytes((HEADER + "\n" + ROW).encode("latin-1"))
    elif name == "binary.csv":
        f.write_bytes(b"\x00\x01\x02" * 100)
    elif name == "formula.xlsx":
        wb = openpyxl.Workbook()
        wb.active.append(list(COLUMNS))
        wb.active.append(["3203", "Asker", 2023, "EC: ICT: ICT: 1C", None, "=1+1", "%", 100, None, "yes", None,
                          "verified", "s", None])
        wb.save(f)
    elif name == "zipbomb.xlsx":
        import zipfile

        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("xl/worksheets/sheet1.xml", "<a>" + "0" * (300 * 1024 * 1024) + "</a>")
    else:
        f.write_text(BAD_FILES[name], encoding="utf-8")
    before = snapshot(env)
    assert main(["validate", str(f)]) == 1
    assert main(["import", str(f)]) == 1
    err = capsys.readouterr().err
    assert name in err and "refused" in err and "nothing was changed" in err
    assert snapshot(env) == before


def test_cli005_rows_out_of_key_order_are_classified_correctly(env, tmp_path, capsys):
    # 2024 before 2023 and a code that sorts first last: the file is not in key order
    later = ROW.replace("2023", "2024")
    first = ROW.replace("EC: ICT: ICT: 1C", "EC: I: WS: 1C").replace("99.1", "97")
    f = tmp_path / "unsorted.csv"
    f.write_text(HEADER + "\n" + later + ROW + first, encoding="utf-8")
    assert main(["import", str(f)]) == 0
    capsys.readouterr()
    after = snapshot(env)
    assert main(["import", str(f)]) == 0
    out = capsys.readouterr().out
    assert "0 added, 0 replaced, 3 unchanged" in out and "nothing changed" in out
    assert snapshot(env) == after


@pytest.mark.parametrize("limit,value,words", [
    ("DASHBOARD_MAX_IMPORT_ROWS", "2", "more than the limit of 2"),
    ("DASHBOARD_MAX_IMPORT_BYTES", "200", "more than the limit of 200"),
])
def test_cli006_files_over_the_size_or_row_limit_are_refused(env, tmp_path, capsys, monkeypatch, limit, value, words):
    monkeypatch.setenv(limit, value)
    f = tmp_path / "big.csv"
    f.write_text(HEADER + "\n" + ROW + ROW.replace("2023", "2022") + ROW.replace("2023", "2021"), encoding="utf-8")
    before = snapshot(env)
    assert main(["validate", str(f)]) == 1
    assert main(["import", str(f)]) == 1
    err = capsys.readouterr().err
    assert words in err and "big.csv" in err
    assert snapshot(env) == before
