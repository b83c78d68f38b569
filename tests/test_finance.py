"""fin: the finance data and the /finance view."""

import pytest

from data import DEFAULT_CATALOGUE
from data.queries import finance_view
from data.repository import Repository
from layouts import finance as finance_layout


def _text(component) -> str:
    """All text in a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def test_fin001_view_pairs_mnok_and_percent_per_year_and_keeps_entities_apart(data_dir, cache_dir):
    ds = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir).snapshot()
    v = finance_view(ds)
    r2018 = v.rows[(v.rows["year"] == 2018)].iloc[0]
    assert (r2018["result_mnok"], r2018["result_pct"], r2018["basis"]) == (192, 3.8, "kommunekasse")
    y2019 = v.rows[v.rows["year"] == 2019]
    assert sorted(y2019["municipality_code"]) == ["0220", "0627", "3203"]  # old Asker, Røyken, the merged sum
    assert set(y2019["status_mnok"].dropna()) | set(y2019["status_pct"].dropna()) == {"preliminary"}
    r2020 = v.rows[v.rows["year"] == 2020].iloc[0]
    assert (r2020["municipality_code"], r2020["result_mnok"], r2020["status_mnok"]) == ("3203", 315, "preliminary")
    assert v.norm_pct == 1.75 and "TBU" in v.norm_source


@pytest.mark.parametrize("lang,expected", [("nb", ["192", "3,8\u00a0%", "1,75\u00a0%", "47 MNOK"]),
                                           ("en", ["192", "3.8\u00a0%", "1.75\u00a0%", "47 MNOK"])])
def test_fin002_layout_text_in_both_languages(data_dir, cache_dir, lang, expected):
    ds = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir).snapshot()
    text = _text(finance_layout.layout(finance_view(ds), lang, -47.0))
    for e in expected:
        assert e in text, e


def test_fin003_sentences_are_generated_from_the_data(data_dir, cache_dir):
    path = data_dir / "finance.csv"
    repo = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir, check_interval=0)
    before = _text(finance_layout.layout(finance_view(repo.snapshot()), "en", None))
    assert "lowest in 2018 at 192 MNOK" in before
    path.write_text(path.read_text(encoding="utf-8").replace(",2018,net_operating_result,192,", ",2018,net_operating_result,150,"),
                    encoding="utf-8")
    import os
    import time
    os.utime(path, (time.time() + 5, time.time() + 5))
    after = _text(finance_layout.layout(finance_view(repo.snapshot()), "en", None))
    assert "lowest in 2018 at 150 MNOK" in after


def test_fin004_returns_and_debt_are_their_own_series_and_2020_is_shown(data_dir, cache_dir):
    ds = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir).snapshot()
    v = finance_view(ds)
    ret = {(s.code, y): val for s in v.own["financial_return"] for y, val in zip(s.years, s.values)}
    assert ret == {("0220", 2016): 96, ("0220", 2017): 143, ("0220", 2018): -47}
    debt = {(s.code, y): val for s in v.own["long_term_debt"] for y, val in zip(s.years, s.values)}
    assert debt == {("0220", 2015): 4600, ("0220", 2016): 5100}
    for lang in ("nb", "en"):
        page = finance_layout.layout(v, lang, -47.0)
        text = _text(page)
        assert "2020" in text and "315" in text
        ids = _ids(page)
        assert {"finance-return-graph", "finance-debt-graph", "finance-return-graph-table",
                "finance-debt-graph-table"} <= ids


def _ids(component) -> set:
    out = set()
    if isinstance(component, (list, tuple)):
        for c in component:
            out |= _ids(c)
        return out
    if isinstance(getattr(component, "id", None), str):
        out.add(component.id)
    if hasattr(component, "children"):
        out |= _ids(component.children)
    return out


def test_fin005_norm_counts_each_series_on_its_own_years(data_dir, cache_dir):
    ds = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir).snapshot()
    text = _text(finance_layout.layout(finance_view(ds), "en", -47.0))
    # old Asker: five years with a percentage, all above 1.75 %; Røyken: one year, below
    assert "Asker (before 2020) (0220): above the 1.75\u00a0% norm in 5 of 5 years with a figure (2015–2019)" in text
    assert "Røyken (before 2020) (0627): above the 1.75\u00a0% norm in 0 of 1 year with a figure (2019)" in text
    assert "før 2020" not in text  # the English page names the old municipalities in English


def _ssb_doc(regions, values, years=("2022", "2023")):
    from tests.test_ssb import jsonstat

    return jsonstat(values, regions=regions, years=years)


def test_fin006_ssb_regions_each_shown_alone(tmp_path, data_dir, cache_dir, monkeypatch):
    from dashboard.cli import main
    from tests.test_ssb import write

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(cache_dir))
    # Asker 2022-2023: 1.0 and 2.0 (one above the norm); the country: 3.0 and 4.0, and a later year only there
    doc = _ssb_doc(("3203", "EAK"), [1.0, 2.0, 3.0, 4.0])
    assert main(["import", str(write(tmp_path, doc))]) == 0
    doc2 = _ssb_doc(("EAK",), [5.0], years=("2024",))
    assert main(["import", str(write(tmp_path, doc2, "later.json"))]) == 0
    ds = Repository(data_dir, DEFAULT_CATALOGUE, cache_dir).snapshot()
    v = finance_view(ds)
    assert v.region == "3203" and dict(v.regions).keys() == {"3203", "EAK"}
    s = v.kostra["net_operating_result_pct"]
    assert (s.code, s.years, s.values) == ("3203", [2022, 2023], [1.0, 2.0])
    text = _text(finance_layout.layout(v, "en", None))
    assert "above the 1.75\u00a0% norm in 1 of 2 years with a figure (2022–2023); latest 2023: 2.0\u00a0%" in text
    assert "latest 2024" not in text and "5.0\u00a0%" not in text  # the country's later year is not Asker's
    # the own-accounts sentences count their own series only: still 5 of 5 for old Asker
    assert "in 5 of 5 years" in text
    v2 = finance_view(ds, "EAK")
    s2 = v2.kostra["net_operating_result_pct"]
    assert (s2.code, s2.years, s2.values) == ("EAK", [2022, 2023, 2024], [3.0, 4.0, 5.0])
    text2 = _text(finance_layout.layout(v2, "en", None))
    assert "in 3 of 3 years with a figure (2022–2024); latest 2024: 5.0\u00a0%" in text2


def test_fin007_finance_page_and_api_follow_the_chosen_region(tmp_path, data_dir, cache_dir, monkeypatch, client):
    from dashboard.cli import main
    from tests.test_ssb import write

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(cache_dir))
    assert main(["import", str(write(tmp_path, _ssb_doc(("3203", "EAK"), [1.0, 2.0, 3.0, 4.0])))]) == 0
    r = client.get("/api/v1/finance.json?municipality=EAK&basis=konsern")
    assert r.status_code == 200 and r.is_json
    body = r.get_json()
    assert body["total"] == 2 and {i["value"] for i in body["items"]} == {3.0, 4.0}
    assert client.get("/api/v1/finance.json?municipality=9999").status_code == 400
    assert client.get("/api/v1/finance.json?year=2020-2019").get_json()["parameter"] == "year"
    csv_nb = client.get("/api/v1/finance.csv?lang=nb&year=2019&measure=net_operating_result_pct").data.decode("utf-8-sig")
    assert csv_nb.splitlines()[0].startswith("municipality_code;") and ";0,8;" in csv_nb
    for path in ("/api/v1/nope", "/api/nope", "/api/v1/finance.xml"):
        r = client.get(path)
        assert r.status_code == 404 and r.is_json, path
