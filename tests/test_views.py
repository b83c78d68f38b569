"""vw: the planners' views: filters, the KPI list and search, pace to 2030, compare, band changes."""

import csv

import pandas as pd
import pytest

from data import DEFAULT_CATALOGUE
from data.compare import matrix, scope_units, year_over_year
from data.filters import parse_filters
from data.indicators import pace, peers, search_kpis, series
from data.queries import overview
from data.repository import Repository
from tests.layout_json import components


@pytest.fixture()
def ds(data_dir, cache_dir):
    return Repository(data_dir, DEFAULT_CATALOGUE, cache_dir, check_interval=0).snapshot()


def _published(code: str, dimension: str) -> list[dict]:
    with open("data/observations.csv", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["municipality_code"] == code and r["kpi_code"].startswith(dimension)]


def test_vw001_filters_give_exactly_karmoys_economy_rows(ds):
    from data.filters import apply_filters

    rows = apply_filters(ds, parse_filters({"municipality": "1149", "dimension": "EC"}, ds))
    expected = _published("1149", "EC")
    assert len(rows) == len(expected) > 0
    got = {(r.kpi_code, r.data_point): r.value for r in rows.itertuples(index=False)}
    for e in expected:
        v = got[(e["kpi_code"], e["data_point"])]
        assert (pd.isna(v) and e["value"] == "") or v == float(e["value"])
    assert len(apply_filters(ds, parse_filters({"municipality": "Karmøy", "dimension": "Miljø"}, ds))) == len(
        _published("1149", "EN"))


@pytest.mark.parametrize("params,param", [
    ({"year": "20x1"}, "year"), ({"year": "2023-2019"}, "year"), ({"dimension": "XX"}, "dimension"),
    ({"band": "0,5"}, "band"), ({"status": "guessed"}, "status"), ({"verified": "maybe"}, "verified"),
    ({"municipality": "9999"}, "municipality"), ({"category": "EC: ZZ"}, "category"),
    ({"q": "x" * 201}, "q"), ({"challenge_area": "weather"}, "challenge_area"),
])
def test_vw002_each_bad_parameter_is_named(ds, params, param):
    f = parse_filters(params, ds)
    assert [i.parameter for i in f.invalid] == [param] * len(f.invalid) and f.invalid


def test_vw003_names_slugs_and_ranges_are_accepted(ds):
    f = parse_filters({"sub_dimension": "Utdanning, helse og kultur", "category": "ec-ict-ict", "year": "2019-2021",
                       "band": "4,1", "status": "Not reported", "verified": "yes", "challenge_area": "Transport"}, ds)
    assert not f.invalid
    assert f.sub_dimension == ("SC: EH",) and f.category == ("EC: ICT: ICT",)
    assert (f.year_from, f.year_to) == (2019, 2021) and f.band == (1, 4) and f.status == ("not_reported",)
    assert f.challenge_area == ("transport",)
    assert parse_filters(f.as_params(), ds).as_params() == f.as_params()


def test_vw004_search_matches_both_languages_codes_and_categories(ds):
    assert "EC: ICT: ICT: 2C" in search_kpis(ds, "broadband") and "EC: ICT: ICT: 2C" in search_kpis(ds, "BREDBÅND")
    assert search_kpis(ds, "EC:ICT:ICT:1C") == {"EC: ICT: ICT: 1C"}
    assert len(search_kpis(ds, "luftkvalitet")) >= 1
    assert search_kpis(ds, "zzzz-no-such") == set()
    assert len(search_kpis(ds, "  ")) == 91


def _frame(kpi, values: dict[int, float], target: float, dp: str = ""):
    return pd.DataFrame({"year": list(values), "value": list(values.values()), "target": target,
                         "target_na": False, "data_point": dp})


def test_vw005_pace_to_2030(catalogue):
    kpi = catalogue["EC: ICT: ICT: 1C"]  # higher is better, no data points
    on_track = pace(kpi, _frame(kpi, {2021: 80.0, 2022: 85.0, 2023: 90.0}, 100.0))[0]
    assert on_track.state == "on_track" and on_track.actual_per_year == pytest.approx(5.0)
    assert on_track.required_per_year == pytest.approx(10 / 7) and on_track.reached_year == 2025
    slow = pace(kpi, _frame(kpi, {2022: 50.0, 2023: 51.0}, 100.0))[0]
    assert slow.state == "too_slow" and slow.reached_year == 2023 + 49
    wrong = pace(kpi, _frame(kpi, {2022: 60.0, 2023: 55.0}, 100.0))[0]
    assert wrong.state == "wrong_way" and wrong.reached_year is None
    met = pace(kpi, _frame(kpi, {2023: 100.0}, 100.0))[0]
    assert met.state == "met"
    one = pace(kpi, _frame(kpi, {2023: 40.0}, 100.0))[0]
    assert one.state == "no_trend" and one.required_per_year == pytest.approx(60 / 7)
    lower = catalogue.resolve("EN: EN: AQ: 1C")  # air pollution: lower is better, five data points
    dp = lower.units[0]
    falling = pace(lower, _frame(lower, {2021: 40.0, 2022: 35.0, 2023: 30.0}, 20.0, dp))
    assert [p.data_point for p in falling] == list(lower.units)
    assert falling[0].state == "on_track" and falling[0].reached_year == 2025
    assert all(p.state == "no_value" for p in falling[1:])


def test_vw006_kpi_series_and_peers(ds):
    kpi = ds.catalogue["EC: ICT: ICT: 2C"]
    rows = series(ds, kpi, "3203")
    assert list(rows["year"]) == [2019, 2020, 2021, 2022, 2023]
    p = peers(ds, kpi)
    assert "3203" in set(p["municipality_code"]) and p["municipality_code"].is_unique
    assert len(p) >= 2


def test_vw007_compare_shows_missing_as_missing_and_latest_year_in_range(ds):
    f = parse_filters({"municipality": "3203,1833", "category": "EC: ICT: ICT", "year": "2019-2021"}, ds)
    units, rows = matrix(ds, f)
    assert units == scope_units(ds, f) and len(units) >= 4
    asker = rows[rows["municipality_code"] == "3203"]
    assert set(asker["year"]) == {2021}  # latest in the chosen range, not 2023
    # Rana reported nothing for these: either no row, or a not-reported row with no value (never zero)
    rana = rows[rows["municipality_code"] == "1833"]
    assert (rana["value"].isna()).all()


def test_vw008_year_over_year_change(ds):
    f = parse_filters({"category": "EC: ICT: ICT"}, ds)
    years, rows = year_over_year(ds, f, "3203")
    assert years == [2019, 2020, 2021, 2022, 2023]
    one = rows[(rows["kpi_code"] == "EC: ICT: ICT: 2C")].set_index("year")
    assert pd.isna(one.loc[2019, "change"])
    assert one.loc[2023, "change"] == pytest.approx(one.loc[2023, "value"] - one.loc[2022, "value"])
    assert one.loc[2023, "change_pct"] == pytest.approx(one.loc[2023, "change"] / one.loc[2022, "value"] * 100)


def test_vw009_band_changes_and_reporting_panel_follow_the_data(data_dir, cache_dir):
    ds = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir, check_interval=0).snapshot()
    ov = overview(ds, "3203", 2023)
    assert ov.previous_year == 2022
    assert int(ov.reporting["units"].sum()) == 112
    assert int(ov.reporting["illustrative"].sum()) + int(ov.reporting["missing"].sum()) == 112
    before = len(ov.band_changes)
    # push one 2023 value far below its target: it must appear as a move down
    path = data_dir / "observations.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    mask = (df["municipality_code"] == "3203") & (df["year"] == "2023") & (df["kpi_code"] == "EC: ICT: ICT: 1C")
    df.loc[mask, "value"] = "1"
    df.to_csv(path, index=False)
    ds2 = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir, check_interval=0).snapshot()
    ov2 = overview(ds2, "3203", 2023)
    moved = ov2.band_changes[ov2.band_changes["kpi_code"] == "EC: ICT: ICT: 1C"]
    assert len(moved) == 1 and int(moved["move"].iloc[0]) < 0 and len(ov2.band_changes) == before + 1


def test_vw010_the_wheel_labels_its_rings_and_leaves_kpis_to_hover_and_tables(make_app):
    """Sub-dimension and category segments print name and band symbol; the 91 KPI segments (4 degrees each,
    too narrow for readable text) print none, and keep their code, name and band in the hover."""
    client = make_app().server.test_client()
    layout = client.get("/_dash-layout", headers={"Referer": "http://localhost/snapshot?lang=en"}).get_json()
    fig = next(n["props"]["figure"] for n in components(layout) if n["props"].get("id") == "overview-wheel-graph")
    trace = fig["data"][0]
    parents = set(trace["parents"])
    leaves = [i for i, ident in enumerate(trace["ids"]) if ident not in parents]
    rings = [i for i, ident in enumerate(trace["ids"]) if ident in parents]
    assert len(leaves) == 91 and all(trace["labels"][i] == "" for i in leaves)
    assert all(trace["hovertext"][i].startswith(trace["ids"][i]) and ": " in trace["hovertext"][i] for i in leaves)
    symbols = ("●", "◕", "◑", "◔", "○", "–")
    assert rings and all(trace["labels"][i] and trace["labels"][i].endswith(symbols) or "<br>" not in
                         trace["labels"][i] for i in rings)
    assert sum("<br>" in trace["labels"][i] for i in rings) >= len(rings) // 2


def test_vw011_a_single_kpi_line_labels_its_first_and_latest_value_only():
    """Yearly labels ran into each other at 390 px ("9696.16.897.598"); the first and latest stay, the hover
    and the table keep every value."""
    from layouts.figures import kpi_series

    fig = kpi_series([{"name": "Internett", "years": [2019, 2020, 2021, 2022, 2023, 2024],
                       "values": [96.0, 96.1, 96.8, 97.5, 98.0, None], "hover": ["h"] * 6, "target": 100.0}],
                     "nb", "%", None)
    assert list(fig.data[0].text) == ["96", "", "", "", "98", ""]
    assert fig.data[0].mode == "lines+markers+text" and len(fig.data[0].hovertext) == 6


@pytest.mark.browser
def test_vw012_the_wheel_is_as_tall_as_it_is_wide_on_a_phone(live_server, page_factory):
    """At 390 px the 560 px figure left an empty band of about 200 px under a 358 px wheel; now the wheel's box
    is as tall as it is wide, at most 560 px (the same at 1280 px as before)."""
    for width, expected in ((390, None), (1280, 560)):
        page = page_factory(width=width)
        page.goto(live_server.url + "/snapshot")
        svg = page.locator("#overview-wheel-graph .main-svg").first
        svg.wait_for()
        box = page.locator("#overview-wheel-graph").bounding_box()
        sunburst = page.locator("#overview-wheel-graph .sunburstlayer").bounding_box()
        if expected is None:
            assert abs(box["height"] - box["width"]) <= 2, box
            assert box["height"] - sunburst["height"] <= 10, (box, sunburst)  # no empty band
        else:
            assert round(box["height"]) == expected, box
