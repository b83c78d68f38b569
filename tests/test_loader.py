"""obs: reading and validating the observation template (CSV either convention, XLSX)."""

import io

import openpyxl
import pytest

from data.errors import DataError
from data.observations import COLUMNS, load_observations

HEADER = ",".join(COLUMNS)
GOOD = "3203,Asker,2024,EC: ICT: ICT: 1C,,98.5,%,100,,no,,reported,Asker kommune 2025,\n"


def write(tmp_path, text, name="obs.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def problems(tmp_path, text, catalogue, **kw):
    with pytest.raises(DataError) as exc:
        load_observations(write(tmp_path, text, **kw), catalogue)
    return [str(p) for p in exc.value.problems]


def test_obs001_good_file_loads_typed(tmp_path, catalogue):
    df = load_observations(write(tmp_path, HEADER + "\n" + GOOD), catalogue)
    assert len(df) == 1 and df["value"].iloc[0] == 98.5 and df["year"].iloc[0] == 2024


def test_obs002_norwegian_convention_semicolon_and_decimal_comma(tmp_path, catalogue):
    text = ";".join(COLUMNS) + "\n" + "3203;Asker;2024;EC: ICT: ICT: 3C;;95 424,5;per 100 000;100 000;;no;;reported;kilde, side 3;\n"
    df = load_observations(write(tmp_path, "\ufeff" + text), catalogue)
    assert df["value"].iloc[0] == 95424.5 and df["target"].iloc[0] == 100000
    assert df["source"].iloc[0] == "kilde, side 3"


@pytest.mark.parametrize("row,column,words", [
    ("3203,Asker,2024,EC: ICT: ICT: 99C,,1,%,,,no,,reported,s,", "kpi_code", "not a code in indicators.csv"),
    ("3203,Asker,2024,EC: ICT: ICT: 1C,,1,%,,5,no,,reported,s,", "band", "not a band"),
    ("3203,Asker,20x4,EC: ICT: ICT: 1C,,1,%,,,no,,reported,s,", "year", "not a year"),
    ("3203,Asker,2024,EC: ICT: ICT: 1C,,abc,%,,,no,,reported,s,", "value", "not a finite number"),
    ("3203,Asker,2024,EC: ICT: ICT: 1C,,inf,%,,,no,,reported,s,", "value", "not a finite number"),
    ("3203,Asker,2024,EC: ICT: ICT: 1C,,1,%,,,maybe,,reported,s,", "verified", "yes, no or empty"),
    ("3203,Asker,2024,EC: ICT: ICT: 1C,,1,%,,,no,,verified,s,", "verified", "requires verified = yes"),
    ("3203,Asker,2024,EC: ICT: ICT: 1C,,1,%,,,no,,guessed,s,", "status", "is not one of"),
    ("3203,Asker,2024,EC: ICT: ICT: 4C,5g,1,%,,,no,,reported,s,", "data_point", "not a data point"),
    ("3203,Asker,2024,EC: ICT: ICT: 1C,,1,%,,,no,,reported,,", "source", "every value needs its source"),
    ("3203,Asker,2024,EC: ICT: ICT: 1C,,,%,,,no,,reported,s,", "value", "use not_reported"),
    ("3203,Asker,2024,EC: ICT: ICT: 1C,,1,%,,,no,,reported,bell\x07,", "source", "control character U+0007"),
    ("3203,Asker,2024,EC: ICT: ICT: 1C,,1,%,,,no,,reported,s,x\x1b[31m", "note", "control character U+001B"),
])
def test_obs003_bad_cells_name_file_row_and_column(tmp_path, catalogue, row, column, words):
    found = problems(tmp_path, HEADER + "\n" + GOOD + row + "\n", catalogue)
    assert len(found) == 1
    assert found[0].startswith(f"obs.csv, row 3, column '{column}'") and words in found[0], found


def test_obs004_duplicate_key_names_both_rows(tmp_path, catalogue):
    found = problems(tmp_path, HEADER + "\n" + GOOD + GOOD.replace("98.5", "97"), catalogue)
    assert "row 3" in found[0] and "repeats the key" in found[0] and "row 2" in found[0]


def test_obs005_missing_columns_empty_files_wrong_encoding(tmp_path, catalogue):
    assert "missing column(s): note" in problems(tmp_path, HEADER.rsplit(",", 1)[0] + "\n", catalogue)[0]
    assert "the file is empty" in problems(tmp_path, "", catalogue)[0]
    assert "no data rows" in problems(tmp_path, HEADER + "\n", catalogue)[0]
    latin = problems(tmp_path, HEADER + "\n" + GOOD.replace("Asker", "Bærum"), catalogue, encoding="latin-1")
    assert "not UTF-8" in latin[0] and "line 2" in latin[0]


def _xlsx(tmp_path, rows, name="obs.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    for r in rows:
        ws.append(r)
    p = tmp_path / name
    wb.save(p)
    return p


def test_obs006_xlsx_first_sheet_with_number_cells(tmp_path, catalogue):
    p = _xlsx(tmp_path, [["3203", "Asker", 2024, "EC: ICT: ICT: 1C", None, 98.5, "%", 100, None, "no", None,
                          "reported", "kilde", None]])
    df = load_observations(p, catalogue)
    assert df["value"].iloc[0] == 98.5 and int(df["year"].iloc[0]) == 2024


def test_obs007_xlsx_formula_and_fake_xlsx_are_refused(tmp_path, catalogue):
    p = _xlsx(tmp_path, [["3203", "Asker", 2024, "EC: ICT: ICT: 1C", None, "=1+1", "%", 100, None, "no", None,
                          "reported", "kilde", None]])
    with pytest.raises(DataError) as exc:
        load_observations(p, catalogue)
    assert "formula" in str(exc.value) and "row 2" in str(exc.value)
    fake = tmp_path / "fake.xlsx"
    fake.write_text(HEADER + "\n" + GOOD)
    with pytest.raises(DataError, match="not an XLSX"):
        load_observations(fake, catalogue)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + io.BytesIO(b"junk" * 10).getvalue())
    with pytest.raises(DataError, match="XLSX"):
        load_observations(broken, catalogue)
