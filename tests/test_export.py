"""exp: exports and the API: exactly the filtered rows, files that explain themselves, no formula injection."""

import csv
import io
import json
import math
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from dashboard import cli
from data.export import EXPORT_COLUMNS, neutralise, to_csv, to_xlsx
from data.observations import FORMULA_START

KARMOY_EC = "municipality=1149&dimension=EC"


def _published(code: str, prefix: str) -> dict[tuple[str, str], str]:
    with open("data/observations.csv", encoding="utf-8") as fh:
        return {(r["kpi_code"], r["data_point"]): r["value"] for r in csv.DictReader(fh)
                if r["municipality_code"] == code and r["kpi_code"].startswith(prefix)}


def _csv_rows(body: bytes, lang: str) -> list[dict]:
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";" if lang == "nb" else ","))


def _num(text: str, lang: str) -> float | None:
    return None if text == "" else float(text.replace(",", ".") if lang == "nb" else text)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_exp001_karmoy_economy_exactly_in_every_format(client, lang):
    expected = _published("1149", "EC")
    assert len(expected) > 0
    # JSON
    j = client.get(f"/api/v1/observations.json?{KARMOY_EC}&lang={lang}&limit=10000").get_json()
    assert j["total"] == len(expected)
    got = {(i["kpi_code"], i["data_point"]): i["value"] for i in j["items"]}
    assert got.keys() == expected.keys()
    assert all((got[k] is None and v == "") or got[k] == float(v) for k, v in expected.items())
    # CSV
    r = client.get(f"/api/v1/observations.csv?{KARMOY_EC}&lang={lang}")
    assert r.status_code == 200 and "1149" in r.headers["Content-Disposition"]
    rows = _csv_rows(r.data, lang)
    assert {(x["kpi_code"], x["data_point"]): _num(x["value"], lang) for x in rows} == \
        {k: (None if v == "" else float(v)) for k, v in expected.items()}
    # XLSX
    wb = load_workbook(io.BytesIO(client.get(f"/api/v1/observations.xlsx?{KARMOY_EC}&lang={lang}").data))
    data = list(wb["Data"].iter_rows(values_only=True))
    head, body = data[0], data[1:]
    vi, ki, di = head.index("value"), head.index("kpi_code"), head.index("data_point")
    assert {(b[ki], b[di] or ""): b[vi] for b in body} == {k: (None if v == "" else float(v))
                                                          for k, v in expected.items()}
    assert all(isinstance(b[vi], (int, float)) or b[vi] is None for b in body)  # numbers are number cells
    # Parquet
    table = pq.read_table(io.BytesIO(client.get(f"/api/v1/observations.parquet?{KARMOY_EC}").data),
                          use_threads=False).to_pandas()
    assert len(table) == len(expected) and set(table["municipality_code"]) == {"1149"}
    # Karmøy and the Environment dimension: none of these rows
    other = client.get(f"/api/v1/observations.json?municipality=1149&dimension=EN&lang={lang}").get_json()
    assert not ({(i["kpi_code"], i["data_point"]) for i in other["items"]} & expected.keys())


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_exp002_an_export_reimports_to_the_same_data(client, data_dir, tmp_path, monkeypatch, capsys, lang):
    before = (data_dir / "observations.csv").read_bytes()
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "cache2"))
    for fmt in ("csv", "xlsx"):
        f = tmp_path / f"all-{lang}.{fmt}"
        f.write_bytes(client.get(f"/api/v1/observations.{fmt}?lang={lang}").data)
        assert cli.main(["import", str(f)]) == 0
        out = capsys.readouterr().out
        assert "nothing changed" in out, out
        assert (data_dir / "observations.csv").read_bytes() == before
    # into an empty data directory: the same rows come back
    empty = tmp_path / "empty"
    empty.mkdir()
    for name in ("finance.csv", "finance_norms.csv", "challenge_areas.csv", "initiatives.csv"):
        (empty / name).write_bytes((data_dir / name).read_bytes())
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(empty))
    f = tmp_path / f"again-{lang}.csv"
    f.write_bytes(client.get(f"/api/v1/observations.csv?lang={lang}").data)
    assert cli.main(["import", str(f)]) == 0
    a = pd.read_csv(data_dir / "observations.csv", dtype=str, keep_default_na=False)
    b = pd.read_csv(empty / "observations.csv", dtype=str, keep_default_na=False)
    key = ["municipality_code", "year", "kpi_code", "data_point"]
    a, b = a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True)
    for c in ("value", "target"):
        a[c] = a[c].map(lambda x: x if x in ("", "n/a") else float(x))
        b[c] = b[c].map(lambda x: x if x in ("", "n/a") else float(x))
    pd.testing.assert_frame_equal(a, b)


HOSTILE = st.one_of(
    st.sampled_from(["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1",
                     "=cmd|' /C calc'!A0", "<img src=x onerror=alert(1)>", "line\rbreak", "a\r\nb", "'=x", ";,\""]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30),
)


def _frame(texts: list[str], values: list[float]) -> pd.DataFrame:
    n = len(texts)
    df = pd.DataFrame({c: [""] * n for c in EXPORT_COLUMNS})
    df["year"] = 2023
    df["value"] = values
    df["target"] = [v * 2 for v in values]
    for c in ("band", "score_band", "points", "achievement_pct"):
        df[c] = float("nan")
    for c in ("municipality_name", "source", "note", "quality", "kpi_name", "unit"):
        df[c] = texts
    df["kpi_code"] = "EC: ICT: ICT: 1C"
    df["target_na"] = False
    return df


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(HOSTILE, min_size=1, max_size=6),
       values=st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), min_size=6, max_size=6))
def test_exp003_no_cell_can_start_a_formula_and_numbers_stay_numbers(texts, values):
    from data import DEFAULT_CATALOGUE
    from data.catalogue import load_catalogue
    from data.export import Context

    catalogue = load_catalogue(DEFAULT_CATALOGUE)
    df = _frame(texts, values[: len(texts)])
    for lang in ("nb", "en"):
        rows = _csv_rows(to_csv(df, lang), lang)
        assert len(rows) == len(df)  # line breaks inside fields are quoted: every row parses
        for row, v in zip(rows, df["value"]):
            for c in ("municipality_name", "source", "note", "quality", "kpi_name", "unit"):
                assert not row[c] or row[c][0] not in FORMULA_START
            assert _num(row["value"], lang) == pytest.approx(v, rel=1e-12, abs=1e-12)
    wb = load_workbook(io.BytesIO(to_xlsx(df, catalogue, Context({}, "http://x/data", "nb", "2026-01-01"))))
    for ws in wb.worksheets:
        for r in ws.iter_rows(values_only=True):
            for cell in r:
                assert not (isinstance(cell, str) and cell and cell[0] in FORMULA_START)
    data = list(wb["Data"].iter_rows(values_only=True))
    vi = data[0].index("value")
    assert [x[vi] for x in data[1:]] == pytest.approx(list(df["value"]))
    assert all(isinstance(x[vi], (int, float)) for x in data[1:])


def test_exp004_neutralise_keeps_negative_numbers_and_plain_text():
    assert neutralise("=1+1") == "'=1+1" and neutralise("-x") == "'-x" and neutralise("abc") == "abc"
    assert neutralise(-5.0) == -5.0 and neutralise("") == ""


def test_exp005_xlsx_has_four_sheets_and_its_permalink_reopens_the_view(client):
    r = client.get(f"/api/v1/observations.xlsx?{KARMOY_EC}&lang=nb")
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == ["Data", "Metadata", "Filtre", "Kildehenvisning", "Tiltak"]  # a Norwegian export is Norwegian
    n = wb["Data"].max_row - 1
    meta_codes = [row[0] for row in wb["Metadata"].iter_rows(min_row=2, values_only=True)]
    data_codes = {row[3] for row in wb["Data"].iter_rows(min_row=2, values_only=True)}
    assert set(meta_codes) == data_codes and len(meta_codes) == len(data_codes)
    filters = {row[0]: row[1] for row in wb["Filtre"].iter_rows(min_row=2, values_only=True)}
    assert filters["kommune"] == "1149" and filters["dimensjon"] == "EC" and filters["rader"] == n
    assert wb["Filtre"]["B6"].hyperlink.target == filters["permalenke"]  # the permalink is a link
    link = urlsplit(filters["permalenke"])
    assert link.path == "/data"
    params = dict(parse_qsl(link.query))
    assert client.get(link.path + "?" + link.query).status_code == 200
    again = client.get("/api/v1/observations.json?" + "&".join(f"{k}={v}" for k, v in params.items())).get_json()
    assert again["total"] == n
    cite = [row for row in wb["Kildehenvisning"].iter_rows(values_only=True)]
    assert any(c.hyperlink is not None and c.hyperlink.target.startswith("https://www.itu.int/")
               for row in wb["Kildehenvisning"].iter_rows() for c in row)  # sources are links
    assert any("Verification Report (verifiseringsrapport), Karmøy" in str(row[0]) for row in cite)  # in Norwegian
    assert any(row and row[0] == "slik siterer du dashbordet" for row in cite)
    assert not any("CC BY" in str(row) for row in cite)  # no licence is invented


def test_exp006_xlsx_beyond_a_sheet_is_refused_with_413(client, monkeypatch):
    import data.export

    monkeypatch.setattr(data.export, "XLSX_MAX_ROWS", 10)
    r = client.get("/api/v1/observations.xlsx")
    assert r.status_code == 413
    assert "CSV or Parquet" in r.get_json()["error"]
    assert client.get("/api/v1/observations.csv").status_code == 200  # CSV is always complete



def test_exp006b_web_xlsx_has_a_cost_limit_before_any_work(client, monkeypatch):
    """An XLSX over the web stops at DASHBOARD_MAX_XLSX_ROWS (default 200 000): 413 naming the way out."""
    import dashboard.api

    monkeypatch.setattr(dashboard.api, "WEB_XLSX_MAX_ROWS", 10)
    r = client.get("/api/v1/observations.xlsx")
    assert r.status_code == 413
    body = r.get_json()
    assert body["parameter"] == "format" and "narrow the filters" in body["error"]
    assert client.get("/api/v1/observations.xlsx?municipality=3203&year=2023&dimension=EC").status_code in (200, 413)
    assert client.get("/api/v1/observations.parquet").status_code == 200


@pytest.mark.parametrize("url", [
    "/api/v1/observations.json?year=20x1", "/api/v1/observations.json?municipality=9999",
    "/api/v1/observations.json?band=5", "/api/v1/observations.json?limit=abc", "/api/v1/observations.json?limit=99999",
    "/api/v1/observations.json?offset=-1", "/api/v1/observations.json?lang=de", "/api/v1/observations.json?bogus=1",
    "/api/v1/observations.csv?dimension=XX", "/api/v1/scores.json?level=city", "/api/v1/scores.csv?year=1",
    "/api/v1/indicators.json?lang=sv", "/api/v1/observations.json?year=2020&year=2021",
    "/api/v1/observations.json?q=" + "x" * 300, "/api/v1/observations.json?status=guessed",
    "/api/v1/observations.json?verified=maybe",
])
def test_exp007_bad_parameters_get_400_naming_the_parameter(client, url):
    r = client.get(url)
    assert r.status_code == 400, r.data
    body = r.get_json()
    name = urlsplit(url).query.split("=")[0]
    assert body["parameter"] == name and body["error"]


def test_exp008_every_endpoint_and_format(client):
    j = client.get("/api/v1/indicators.json?limit=5&offset=10").get_json()
    assert j["total"] == 91 and len(j["items"]) == 5 and j["offset"] == 10
    rows = _csv_rows(client.get("/api/v1/indicators.csv").data, "en")
    assert len(rows) == 91
    obs = client.get("/api/v1/observations.json?limit=7&offset=3").get_json()
    assert len(obs["items"]) == 7 and obs["total"] > 500
    full = client.get("/api/v1/observations.json?limit=10000").get_json()
    assert full["items"][3:10] == obs["items"]
    s = client.get("/api/v1/scores.json?municipality=3203&year=2023&level=challenge_area").get_json()
    groups = {i["group"]: i for i in s["items"]}
    assert set(groups) >= {"transport", "inequality", "consumption", "digital", "digital/infrastructure"}
    t = groups["transport"]
    assert t["max_points"] == 4 * t["scored"] and math.isclose(t["score_pct"], t["points"] / t["max_points"] * 100, abs_tol=1e-3)
    assert {"unreported", "unbenchmarked"} <= set(t)
    sc = _csv_rows(client.get("/api/v1/scores.csv?level=dimension&lang=nb").data, "nb")
    assert {r["group"] for r in sc} == {"EC", "EN", "SC"}
    assert client.get("/api/v1/observations.txt").status_code == 404
    health = client.get("/healthz")
    assert health.status_code == 200 and json.loads(health.data)["status"] == "ok"


def test_exp009_export_command_writes_the_same_file_as_the_api(client, data_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "c"))
    out = tmp_path / "karmoy.csv"
    assert cli.main(["export", "--format", "csv", "--lang", "nb", "--municipality", "1149", "--dimension", "EC",
                     "-o", str(out)]) == 0
    assert out.read_bytes() == client.get(f"/api/v1/observations.csv?{KARMOY_EC}&lang=nb").data
    pq_out = tmp_path / "all.parquet"
    assert cli.main(["export", "--format", "parquet", "-o", str(pq_out)]) == 0
    assert pq_out.read_bytes() == client.get("/api/v1/observations.parquet").data
    x = tmp_path / "a.xlsx"
    assert cli.main(["export", "--format", "xlsx", "--year", "2020", "-o", str(x)]) == 0
    assert load_workbook(x).sheetnames == ["Data", "Metadata", "Filters", "Citation", "Initiatives"]  # --lang en by default
    assert cli.main(["export", "--format", "csv", "--year", "twenty", "-o", str(tmp_path / "bad.csv")]) == 2
    assert "--year 'twenty'" in capsys.readouterr().err and not (tmp_path / "bad.csv").exists()


def test_exp010_api_responses_carry_the_security_headers(client):
    for url in ("/api/v1/indicators.json", "/api/v1/observations.csv", "/api/v1/observations.json?year=x"):
        r = client.get(url)
        assert r.headers["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in r.headers


def test_exp011_streamed_exports_equal_the_whole_frame_across_chunks(client, monkeypatch):
    """CSV and Parquet leave the server a chunk at a time (memory stays flat at a million rows); cut into chunks of
    7 rows, the file must hold exactly the rows, in the order, that one whole frame gives."""
    import data.export as export

    whole_csv = client.get("/api/v1/observations.csv?municipality=3203").data
    whole_pq = pq.read_table(io.BytesIO(client.get("/api/v1/observations.parquet?municipality=3203").data),
                             use_threads=False).to_pandas()
    monkeypatch.setattr(export, "CHUNK_ROWS", 7)
    r = client.get("/api/v1/observations.csv?municipality=3203")
    assert r.status_code == 200 and r.headers.get("Content-Length") is None  # streamed, not built first
    assert r.data == whole_csv and whole_csv.count(b"\r\n") > 30
    small = client.get("/api/v1/observations.parquet?municipality=3203").data
    f = pq.ParquetFile(io.BytesIO(small))
    assert f.metadata.num_row_groups > 4
    pd.testing.assert_frame_equal(f.read(use_threads=False).to_pandas(), whole_pq)


# words of English that a Norwegian label would never hold (names of reports and places aside)
ENGLISH_WORDS = {"of", "the", "and", "rows", "source", "filters", "value", "generated", "language",
                 "retrieved", "citation", "licence", "none", "pending", "higher", "lower", "better", "households",
                 "inhabitants", "trips", "work", "area", "employment", "services", "hotspots", "interruptions",
                 "customer", "year", "hours", "minutes", "years", "ratio", "women", "men", "students", "adults",
                 "deaths", "offences", "beds", "physicians", "tonnes", "litres", "capita", "day", "core", "advanced",
                 "direction", "code", "name", "unit", "category", "dimension", "how", "cite", "this", "dashboard",
                 "stated", "no", "yes", "range", "parts", "points", "measurement", "not"}


def _english_in(texts) -> set[str]:
    import re

    found = set()
    for text in texts:
        if text is None or isinstance(text, (int, float)):
            continue
        plain = re.sub(r"https?://\S+|U4SSC [A-Z][A-Za-z ]+\b", " ", str(text))  # addresses, report titles
        found |= {w for w in re.findall(r"[A-Za-z]+", plain.lower()) if w in ENGLISH_WORDS}
    return found


def test_exp012_a_norwegian_export_has_no_english_labels_or_units(client):
    """Sheet names, the labels of Metadata, Filtre and Kildehenvisning, and the unit column of CSV and XLSX are
    Norwegian in an nb export (the Data sheet's header is the file contract's column names; names of reports
    are names). The English export keeps its English labels, so the check can fail."""
    wb = load_workbook(io.BytesIO(client.get("/api/v1/observations.xlsx?lang=nb").data))
    labels = list(wb.sheetnames)
    labels += [c for c in next(wb["Metadata"].iter_rows(values_only=True))]
    for row in wb["Metadata"].iter_rows(min_row=2, values_only=True):
        labels += [row[4], row[5], row[6], row[7], row[8], row[9]]  # unit, direction, type, place in the framework
    labels += [row[0] for row in wb["Filtre"].iter_rows(values_only=True)]
    labels += [row[0] for row in wb["Kildehenvisning"].iter_rows(values_only=True) if row]
    labels += [row[2] for row in wb["Kildehenvisning"].iter_rows(min_row=2, values_only=True) if row and row[2]]
    units = [row[6] for row in wb["Data"].iter_rows(min_row=2, values_only=True)]
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/observations.csv?lang=nb").data.decode("utf-8-sig")),
                               delimiter=";"))
    units += [r["unit"] for r in rows]
    assert _english_in(labels) == set()
    assert _english_in(units) == set()
    en = load_workbook(io.BytesIO(client.get("/api/v1/observations.xlsx?lang=en").data))
    assert "filters" in _english_in(en.sheetnames) and "households" in _english_in(
        row[6] for row in en["Data"].iter_rows(min_row=2, values_only=True))
