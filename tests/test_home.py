"""The front door (issue 14): a home page a politician reads on one screen, titles and status codes that mean
something, and raw KPI codes in the URL."""

from __future__ import annotations

import re

import pytest

from tests.conftest import screenshot
from tests.test_browser import axe_violations, open_page

ROUTES = ["/", "/snapshot", "/challenges", "/challenges/transport", "/challenges/digital", "/indicators",
          "/indicators?q=buss", "/indicators/ec-ict-ict-2c", "/indicators/en-en-aq-1c", "/compare", "/finance",
          "/data", "/about", "/about/accessibility"]


def _title(resp) -> str:
    return re.search(r"<title>(.*?)</title>", resp.get_data(as_text=True)).group(1)


@pytest.fixture()
def ds(data_dir, cache_dir):
    from data import DEFAULT_CATALOGUE
    from data.repository import Repository

    return Repository(data_dir, DEFAULT_CATALOGUE, cache_dir).snapshot()


def test_hom001_every_route_has_its_own_title_in_the_page_language(client):
    for lang in ("nb", "en"):
        titles = {}
        for route in ROUTES:
            url = route + (("&" if "?" in route else "?") + "lang=en" if lang == "en" else "")
            r = client.get(url)
            assert r.status_code == 200, url
            titles[route] = _title(r)
        assert len(set(titles.values())) == len(ROUTES), titles  # distinct
        suffix = "U4SSC-dashbord" if lang == "nb" else "U4SSC dashboard"
        assert all(x.endswith(suffix) for x in titles.values())
        # the subject is named: the KPI, the area, the search
        assert "Abonnement på fast bredbånd" in titles["/indicators/ec-ict-ict-2c"] if lang == "nb" else \
            "Fixed Broadband Subscriptions" in titles["/indicators/ec-ict-ict-2c"]
        assert ("Transport og mobilitet" if lang == "nb" else "Transport and mobility") in titles["/challenges/transport"]
        assert "buss" in titles["/indicators?q=buss"]
    assert "Karmøy" in _title(client.get("/?municipality=1149"))


@pytest.mark.parametrize("url", ["/nope", "/indicators/zzz", "/indicators/EC:%20I:%20T:%2099C", "/challenges/nope",
                                 "/snapshot/x", "/404"])
def test_hom002_unknown_routes_kpis_and_areas_answer_404_with_the_friendly_page(client, url):
    r = client.get(url)
    assert r.status_code == 404
    assert r.mimetype == "text/html" and "<title>" in r.get_data(as_text=True)
    assert "Fant ikke" in _title(r)
    assert "Not found" in _title(client.get(url + "?lang=en")) or "not found" in _title(client.get(url + "?lang=en"))


def test_hom003_unknown_api_paths_answer_json_404(client):
    for url in ("/api/v1/nope", "/api/v2/observations.json", "/api"):
        r = client.get(url)
        assert r.status_code == 404 and r.is_json and r.get_json()["error"] == "no such API endpoint"


@pytest.mark.parametrize("raw", ["EC:%20I:%20T:%201C", "ec:i:t:1c", "EC%3A%20I%3A%20T%3A%201C", "EC-I-T-1C"])
def test_hom004_raw_codes_in_the_url_open_their_kpi(client, raw):
    r = client.get(f"/indicators/{raw}")
    assert r.status_code == 200, raw
    assert _title(r).startswith("EC: I: T: 1C Kollektivnett")


def test_hom005_home_numbers_are_the_challenge_pages_numbers(ds):
    """The home cards show the same scores as /challenges, and the largest changes are the largest."""
    from data.home import ACHIEVEMENT_CAP, home
    from data.queries import challenge_summaries, rows_for

    h = home(ds, "3203", 2023)
    assert [a.area for a in h.areas] == ["transport", "inequality", "consumption", "digital"]  # the seed's order
    assert [(a.score, a.band) for a in h.areas] == [(s.score, s.band) for s in challenge_summaries(ds, "3203", 2023)]
    # independent computation of the changes: achievement capped at the target, both years scored
    now, before = rows_for(ds, "3203", 2023), rows_for(ds, "3203", 2022)
    m = now.merge(before, on=["kpi_code", "data_point"], suffixes=("", "_b"))
    m = m[m["achievement"].notna() & m["achievement_b"].notna() & m["value"].notna() & m["value_b"].notna()]
    deltas = sorted(((m["achievement"].clip(upper=ACHIEVEMENT_CAP) - m["achievement_b"].clip(upper=ACHIEVEMENT_CAP))
                     .abs()).tolist(), reverse=True)
    assert h.comparable == len(m)
    assert [round(abs(c.delta), 9) for c in h.changes] == [round(d, 9) for d in deltas[:3]]
    assert h.previous_year == 2022 and h.illustrative
    # finance: the newest percentage, measured against the norm of finance_norms.csv
    f = h.finance
    assert f is not None and f.norm == 1.75 and f.year == 2019 and f.pct == 7.0 and f.above_norm
    assert f.later_year == 2020 and f.later_mnok == 315


def test_hom006_a_municipality_without_a_previous_year_or_finances_says_so(client):
    """Ålesund has one report year and no accounts: the home page says so instead of showing Asker's figures."""
    from data.home import home
    from layouts.home import layout

    assert client.get("/?municipality=1507&lang=en").status_code == 200
    ds = client.application.config["DASHBOARD_REPO"].snapshot()
    h = home(ds, "1507", max(ds.years("1507")))
    assert h.changes == [] and h.finance is None
    page = str(layout(h, ds.catalogue, "en", ds.municipalities(), ds.years("1507"), []))
    assert "No values can be compared with the year before." in page
    assert "No accounts for this municipality in the dashboard." in page
    assert "Ålesund" in page and "Asker at a glance" not in page


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_hom007_home_answers_on_one_1280x900_screen(live_server, page_factory, lang):
    page = open_page(page_factory, f"{live_server.url}/?lang={lang}")
    assert page.title() == ("Asker: slik står det til – U4SSC-dashbord" if lang == "nb"
                            else "Asker at a glance – U4SSC dashboard")
    page.set_viewport_size({"width": 1280, "height": 900})
    cards = page.locator(".home-areas .home-card")
    assert cards.count() == 4
    for sel in (".home-areas", "#home-finance", "#home-changes", "#home-initiatives", ".home-links"):
        box = page.locator(sel).bounding_box()
        assert box["y"] + box["height"] <= 900, (sel, box)
    texts = cards.all_inner_texts()
    decimal = "," if lang == "nb" else "."
    assert all("%" in x and decimal in x.split("%")[0] for x in texts), texts
    assert page.locator("#home-changes li").count() == 3
    assert ("Over normen" if lang == "nb" else "Above the norm") in page.locator("#home-finance").inner_text()
    assert page.locator("#illustrative-banner").count() == 1
    # one link each into the detail
    hrefs = [a.get_attribute("href") for a in page.locator(".home-areas a.home-more").all()]
    assert [h.split("?")[0] for h in hrefs] == ["/challenges/transport", "/challenges/inequality",
                                               "/challenges/consumption", "/challenges/digital"]
    screenshot(page, f"home-{lang}-1280")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(200)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, f"home-{lang}-390")
    assert axe_violations(page) == []


@pytest.mark.browser
def test_hom008_in_app_navigation_sets_the_title(live_server, page_factory):
    page = open_page(page_factory, f"{live_server.url}/?lang=en")
    page.locator(".home-areas a.home-more").first.click()
    page.wait_for_url("**/challenges/transport**")
    page.wait_for_function("document.title.startsWith('Transport and mobility')", timeout=20000)
    assert page.title() == "Transport and mobility – challenge area for Asker – U4SSC dashboard"


@pytest.mark.parametrize("q,expected", [
    ("bredband", {"EC: ICT: ICT: 2C", "EC: ICT: ICT: 3C", "EC: ICT: ICT: 4C"}),
    ("BREDBÅND", {"EC: ICT: ICT: 2C", "EC: ICT: ICT: 3C", "EC: ICT: ICT: 4C"}),
    ("fiber", {"EC: ICT: ICT: 2C"}),
    ("buss", {"EC: I: T: 1C", "EC: I: T: 2A", "EC: ICT: T: 1C"}),
    ("tog", {"EC: I: T: 1C"}),
    ("strom", {"EC: ICT: ES: 1C", "EN: E: E: 2C"}),
    ("ec i t 1c", {"EC: I: T: 1C"}),
    ("EC-I-T-1C", {"EC: I: T: 1C"}),
])
def test_hom009_search_forgives_letters_words_and_code_spacing(q, expected):
    from data import DEFAULT_CATALOGUE
    from data.catalogue import load_catalogue
    from data.search import rank_kpis

    hits = rank_kpis(load_catalogue(DEFAULT_CATALOGUE), q)
    assert expected <= set(hits), (q, hits)


def test_hom010_search_ranks_names_before_definitions_and_codes_first():
    from data import DEFAULT_CATALOGUE
    from data.catalogue import load_catalogue
    from data.search import fold, rank_kpis, synonyms

    cat = load_catalogue(DEFAULT_CATALOGUE)
    assert rank_kpis(cat, "EC: I: T: 1C")[0] == "EC: I: T: 1C"
    hits = rank_kpis(cat, "bredbånd")
    in_name = [c for c in hits if "bredband" in fold(cat[c].name_nb)]
    assert hits[:len(in_name)] == in_name  # every name match before any other kind of match
    assert fold("Ærø Å") == "aero a"
    table = synonyms()
    assert "kollektiv" in table["buss"] and "bredband" in table["fiber"]  # folded, from the CSV


def test_hom011_the_indicator_page_shows_search_hits_in_rank_order(client):
    import dash

    client.get("/")
    layout = dash.page_registry["indicators"]["layout"]
    with client.application.test_request_context("/indicators"):
        page = str(layout(q="buss", lang="en"))
    assert "Public Transport Network" in page and "Dynamic Public Transport Information" in page
    assert "Fixed Broadband" not in page
    with client.application.test_request_context("/indicators"):
        empty = str(layout(q="zzzz-nothing", lang="en"))
    assert "zzzz-nothing" in empty
