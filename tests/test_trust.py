"""tru: numbers a council can trust. Every sentence agrees with the table beside it, for every municipality and
year of the shipped data and of generated national data; no value that cannot be true gets in."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from data import DEFAULT_CATALOGUE
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
    # and so does the chart: one "–" per missing cell (the heatmap's own text), every other cell's text boxed
    fig = find(content, "compare-graph").figure
    fig = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else fig
    drawn = [str(t) for row in fig["data"][0]["text"] for t in row]
    assert sum(t == "–" for t in drawn) == missing and sum(t != "" for t in drawn) == missing
    assert len(fig["layout"]["annotations"]) == cells - missing
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
        assert f"norm in {c.above} of {c.n} {'year' if c.n == 1 else 'years'}" in s  # its plural form
        assert c.n == len(series.rows)
