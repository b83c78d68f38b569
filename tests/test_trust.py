"""tru: numbers a council can trust. Every sentence agrees with the table beside it, for every municipality and
year of the shipped data and of generated national data; no value that cannot be true gets in."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from data import DEFAULT_CATALOGUE
from data.catalogue import load_catalogue
from data.compare import matrix
from data.filters import Filters
from data.finance_view import norm_count
from data.queries import area_units, challenge_summaries, finance_view, overview
from data.repository import Repository
from layouts import compare as compare_layout
from layouts import finance as finance_layout
from layouts import overview as overview_layout
from layouts.challenges import index_layout
from tests.conftest import ROOT

NUM = r"(\d[\d\u202f]*)"


def text(component) -> str:
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(text(c) for c in component)
    return text(getattr(component, "children", None))


def find(component, cid: str):
    """The component with this id in a Dash component tree."""
    if isinstance(component, (list, tuple)):
        for c in component:
            hit = find(c, cid)
            if hit is not None:
                return hit
        return None
    if getattr(component, "id", None) == cid:
        return component
    children = getattr(component, "children", None)
    return find(children, cid) if children is not None else None


def table_rows(table) -> list[list[str]]:
    """The body rows of a data_table as cell texts."""
    body = table.children[2]
    return [[text(c).strip() for c in tr.children] for tr in body.children]


def ints(s: str) -> list[int]:
    return [int(x.replace("\u202f", "")) for x in re.findall(NUM, s)]


def check_overview(ds, muni: str, year: int) -> None:
    ov = overview(ds, muni, year)
    page = overview_layout.layout(ov, "en", ds.municipalities(), ds.years(muni), [], ds.catalogue)
    # the wheel: KPIs, each once; the sentence, the table beside it and the catalogue agree
    sentence = text(find(page, "wheel-sentence"))
    m = re.search(r"all (\d+) indicators.*Of the (\d+), (\d+) are in the band “95 % of target or more”, (\d+) in "
                  r"“66–95 %”, (\d+) in “33–66 %”, (\d+) in “below 33 %”, and (\d+) have no band", sentence)
    assert m, sentence
    total, total2, b4, b3, b2, b1, grey = map(int, m.groups())
    assert total == total2 == len(ds.catalogue) == b4 + b3 + b2 + b1 + grey
    rows = table_rows(find(page, "wheel-bands-table"))
    assert [ints(r[1])[0] for r in rows] == [b4, b3, b2, b1, grey, total]
    # the category table counts the same KPIs
    cats = table_rows(find(page, "wheel-table"))
    assert sum(ints(r[5])[0] for r in cats) == total
    # values per band: the table adds up to the number of values it says it counts
    band_rows = table_rows(find(page, "band-counts-table"))
    n_values = sum(ints(r[1])[0] for r in band_rows)
    assert n_values == ov.unit_count
    assert f"(n = {n_values})".replace(" ", "") in text(page).replace(" ", "").replace("\u202f", "")
    # reporting: figures + not reported/without figure/missing = all values of the catalogue
    rep = text(find(page, "reporting-sentence"))
    m = re.search(r"has figures for (\d+) of (\d+) values (?:in \d+|\(reported \d+\)); (\d+) of them are verified by "
                  r"ITU, and (\d+) are", rep)
    assert m, rep
    reported, all_values, verified, missing = map(int, m.groups())
    assert reported + missing == all_values == ds.catalogue.unit_count
    rep_rows = table_rows(find(page, "reporting-table"))
    assert sum(ints(r[9])[0] for r in rep_rows) == all_values
    assert sum(ints(r[1])[0] for r in rep_rows) == verified
    # dimension cards: scored + each reason not scored = the values of the dimension
    for card in re.finditer(r"(\d+) of (\d+) values are scored Not scored: (\d+) not reported, (\d+) without a "
                            r"benchmark, (\d+) without a number", text(page)):
        scored, of, nr, nb, nv = map(int, card.groups())
        assert scored + nr + nb + nv == of
    # sub-dimensions: best and worst named in the sentence are the table's highest and lowest
    sub = find(page, "subdims-table")
    if sub is not None:
        rows = table_rows(sub)
        pcts = [float(r[1].replace("\u00a0%", "").replace(",", ".")) for r in rows]
        s = text(find(page, "subdims-sentence"))
        hi, lo = rows[pcts.index(max(pcts))], rows[pcts.index(min(pcts))]
        assert f"Highest is {hi[0]} at {hi[1]}, lowest is {lo[0]} at {lo[1]}" in s, s
        assert f"The chart shows the score of {len(rows)} sub-dimensions" in s


def check_challenges(ds, muni: str, year: int) -> None:
    summaries = challenge_summaries(ds, muni, year)
    page = index_layout(summaries, ds.catalogue, "en", ds.municipalities(), ds.years(muni), muni, year, [], False)
    found = re.findall(r"(\d+) indicators with (\d+) values: (\d+) scored, (\d+) not", text(page))
    assert len(found) == 4
    for s, (n, values, scored, unscored) in zip(summaries, found):
        assert int(scored) + int(unscored) == int(values)
        units = area_units(ds, muni, year, s.area)
        assert int(scored) == int((units["exclusion"] == "").sum()) if not units.empty else int(scored) == 0
        assert int(n) == s.kpi_count


def check_area(ds, muni: str, year: int, area: str) -> None:
    from layouts.challenges import area_layout

    s = next(x for x in challenge_summaries(ds, muni, year) if x.area == area)
    units = area_units(ds, muni, year, area)
    page = area_layout(s, units, ds.catalogue, "en", ds.municipalities(), ds.years(muni), muni, year, [])
    sentence = text(find(page, "challenge-graph-sentence"))
    rows = table_rows(find(page, "challenge-table"))
    m = re.search(r"achievement of (\d+) of the (\d+) values in .*?; (\d+) have no computed", sentence)
    if m is None:
        assert "no" in sentence.lower(), sentence  # nothing to chart: the sentence says so
        return
    n, total, rest = map(int, m.groups())
    assert total == len(rows) and n + rest == total
    assert n == sum(1 for r in rows if not r[3].startswith("No band")), (n, [r[3] for r in rows])


def check_kpi(ds, muni: str) -> None:
    from data import indicators as iq
    from layouts import indicators as il

    for kpi in list(ds.catalogue)[::7]:
        rows = iq.series(ds, kpi, muni)
        page = il.detail_layout(kpi, rows, iq.pace(kpi, rows), iq.peers(ds, kpi), "en", ds.municipalities(), muni, [])
        s = text(find(page, "kpi-series-sentence"))
        if rows["value"].notna().sum() == 0:
            assert "no figures" in s, s
            continue
        # the sentence's latest value per data point is the last value of that data point in the table
        for dp in kpi.units:
            r = rows[(rows["data_point"] == dp) & rows["value"].notna()]
            if r.empty:
                continue
            from layouts.formatting import fmt_value

            assert fmt_value(float(r.iloc[-1]["value"]), "en") in s, (kpi.code, dp, s)


def check_compare(ds, cities: list[str], scope: tuple[str, str]) -> None:
    f = Filters(municipality=tuple(cities), **{scope[0]: (scope[1],)})
    units, rows = matrix(ds, f)
    content = compare_layout.matrix_block(units, rows, ds.catalogue, "en", ds.municipalities(), cities, "x", cities[0])
    s = text(find(content, "compare-sentence"))
    m = re.search(r"shows (\d+) values .* (\d+) cells in all: (\d+) have a figure \((\d+) of them with a band\), "
                  r"(\d+) are not reported, and (\d+) are missing", s)
    assert m, s
    n, cells, value, banded, nr, missing = map(int, m.groups())
    assert n == len(units) and cells == n * len(cities) == value + nr + missing
    # the table says the same, cell by cell
    table = table_rows(find(content, "compare-table"))
    flat = [c for r in table for c in r[1:]]
    assert sum(c == "Missing" for c in flat) == missing
    assert sum(c.startswith(("Not reported", "No figure")) for c in flat) == nr
    assert len(flat) - missing - nr == value
    unbanded = sum(("Figure without a band" in c) or ("No benchmark exists" in c) for c in flat)
    assert len(flat) - missing - nr - unbanded == banded
    # a published value is never drawn as missing
    for r in rows[rows["value"].notna()].itertuples():
        assert (r.municipality_code, r.kpi_code, r.data_point) in {
            (m_, c, dp) for m_ in cities for c, dp in units}


def _all_pairs(ds):
    return [(c, y) for c, _ in ds.municipalities() for y in ds.years(c)]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    return Repository(ROOT / "data", DEFAULT_CATALOGUE, tmp_path_factory.mktemp("cache")).snapshot()


def test_tru001_every_sentence_agrees_with_its_table_for_every_municipality_and_year(shipped):
    pairs = _all_pairs(shipped)
    assert len(pairs) >= 9
    for muni, year in pairs:
        check_overview(shipped, muni, year)
        check_challenges(shipped, muni, year)
        for area in ("transport", "inequality", "consumption"):
            check_area(shipped, muni, year, area)
    for muni, _ in shipped.municipalities():
        check_kpi(shipped, muni)


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """The national generator at a size a test can walk completely: 30 municipalities x 4 years."""
    out = tmp_path_factory.mktemp("national-small")
    subprocess.run([sys.executable, "scripts/generate_national.py", "--out", str(out), "--municipalities", "30",
                    "--years", "4"], cwd=ROOT, check=True, capture_output=True)
    return Repository(out, DEFAULT_CATALOGUE, tmp_path_factory.mktemp("natcache")).snapshot()


def test_tru002_the_same_holds_on_national_data(national):
    pairs = _all_pairs(national)
    assert len(pairs) == 120
    for muni, year in pairs:
        check_overview(national, muni, year)
        check_challenges(national, muni, year)
    codes = [c for c, _ in national.municipalities()]
    for scope in (("challenge_area", "transport"), ("sub_dimension", "EC: ICT"), ("dimension", "EN")):
        check_compare(national, codes[:5], scope)


def test_tru003_compare_shows_every_published_value_and_ranks_nothing_it_cannot(shipped):
    cities = ["3203", "1149", "1103", "1507"]
    check_compare(shipped, cities, ("sub_dimension", "EC: ICT"))
    f = Filters(municipality=tuple(cities), sub_dimension=("EC: ICT",))
    units, rows = matrix(shipped, f)
    content = compare_layout.matrix_block(units, rows, shipped.catalogue, "en", shipped.municipalities(), cities,
                                          "ICT", "3203")
    table = {r[0]: r[1:] for r in table_rows(find(content, "compare-table"))}
    # every published value of Karmøy, Stavanger and Ålesund in the ICT sub-dimension is in its cell
    for r in rows[rows["municipality_code"].isin(["1149", "1103", "1507"]) & rows["value"].notna()].itertuples():
        label = next(k for k in table if k.startswith(shipped.catalogue[r.kpi_code].name_en))
        cell = table[label][cities.index(r.municipality_code)]
        assert cell != "Missing" and "reported 20" in cell, (label, cell)
    # only Asker has bands, and they are illustrative: no "most in the top band"
    s = text(find(content, "compare-rank-sentence"))
    assert "No ranking" in s and "most values in the top band" not in text(content)
    for scope in (("challenge_area", "transport"), ("challenge_area", "digital"), ("dimension", "EC")):
        check_compare(shipped, cities + ["1833"], scope)


@pytest.mark.parametrize("lang,never,said", [("en", " in 2020", "reported 2020"), ("nb", " i 2020", "rapportert 2020")])
def test_tru012_report_years_are_never_read_as_data_years(shipped, lang, never, said):
    from data.indicators import indicator_list, search_kpis
    from layouts.indicators import list_layout

    for muni in ("1149", "1833", "1507"):
        ov = overview(shipped, muni, 2020)
        assert ov.year_basis == "report"
        pages = [overview_layout.layout(ov, lang, shipped.municipalities(), shipped.years(muni), [], shipped.catalogue),
                 index_layout(challenge_summaries(shipped, muni, 2020), shipped.catalogue, lang,
                              shipped.municipalities(), [2020], muni, 2020, [], False, "report"),
                 list_layout(shipped.catalogue, indicator_list(shipped, muni, 2020), search_kpis(shipped, ""), lang,
                             shipped.municipalities(), [2020], muni, 2020, "", [], "report")]
        for page in pages:
            body = text(page)
            assert never not in body, body[body.find(never) - 80: body.find(never) + 40]
            assert said in body
    # Asker's years are data years: said plainly
    ov = overview(shipped, "3203", 2023)
    assert ov.year_basis == "data"
    assert (" in 2023" if lang == "en" else " i 2023") in text(
        overview_layout.layout(ov, lang, shipped.municipalities(), [2023], [], shipped.catalogue))


def test_tru004_finance_norm_sentences_count_their_own_series(shipped):
    v = finance_view(shipped)
    page = finance_layout.layout(v, "en", -47.0)
    s = text(find(page, "finance-pct-graph-sentence"))
    for series in v.own["net_operating_result_pct"]:
        c = norm_count(series, v.norm_pct)
        assert f"norm in {c.above} of {c.n} years" in s
        assert c.n == len(series.rows)


# -- rules: what cannot be true is refused on import, and the store is left as it was ------------------------------

HEADER = ("municipality_code,municipality_name,year,kpi_code,data_point,value,unit,target,band,verified,quality,"
          "status,source,note")


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
        figures.band_matrix([MARKUP], [MARKUP], [["band2"]], [[MARKUP]], [[MARKUP]], "en"),
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

    from dashboard import api

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
