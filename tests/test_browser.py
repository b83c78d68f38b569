"""brw: real-browser journeys in Debian Chromium, with axe-core (WCAG 2.1 A/AA)."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import screenshot

pytestmark = pytest.mark.browser
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def ctl(param: str) -> str:
    """CSS selector of a URL-parameter control (Dash renders dict ids as sorted JSON)."""
    return f"[id='{{\"param\":\"{param}\",\"type\":\"url-param\"}}']"


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]


def open_page(page_factory, url, width=1280):
    page = page_factory(width=width)
    page.goto(url)
    page.wait_for_selector("#main-content h1", timeout=20000)
    # the part after the first chart is built once that chart is drawn (layouts/static_tree.Later)
    page.wait_for_selector("html:not([data-later]):not([data-first-paint])", state="attached", timeout=20000)
    graphs = page.locator(".dash-graph").count()
    for i in range(graphs):
        page.locator(".dash-graph").nth(i).locator(".main-svg").first.wait_for(timeout=20000)
    return page


@pytest.mark.parametrize("lang,heading,banner", [
    ("nb", "Asker: U4SSC-resultater 2023", "Illustrative tall"),
    ("en", "Asker: U4SSC results 2023", "Illustrative figures"),
])
def test_brw001_overview_renders_real_numbers_in_both_languages(live_server, page_factory, lang, heading, banner):
    page = open_page(page_factory, f"{live_server.url}/snapshot?lang={lang}")
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.locator("h1").inner_text() == heading
    assert banner in page.locator("#illustrative-banner").inner_text()
    cards = page.locator(".dim-card .score-big").all_inner_texts()
    assert len(cards) == 3 and all(c.endswith("%") for c in cards)
    decimal = "," if lang == "nb" else "."
    assert all(decimal in c for c in cards), cards
    assert page.locator("#subdims-table tbody tr").count() == 7
    assert page.locator("#subdims-sentence").inner_text().startswith("Figuren viser" if lang == "nb" else "The chart shows")
    band_total = sum(int(x) for x in page.locator("#band-counts-table tbody td.num").all_inner_texts())
    assert band_total == 112
    screenshot(page, f"overview-{lang}-1280")
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/", "/?lang=en", "/snapshot", "/about", "/about?lang=en"])
def test_brw002_reflow_at_320px_without_horizontal_scroll_and_zero_axe(live_server, page_factory, path):
    page = open_page(page_factory, live_server.url + path, width=320)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    name = (path.split("?")[0].strip("/") or "overview") + ("-en" if "lang=en" in path else "-nb")
    screenshot(page, f"{name}-320")
    assert axe_violations(page) == []


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_brw003_about_explains_91_vs_92_and_the_method(live_server, page_factory, lang):
    page = open_page(page_factory, f"{live_server.url}/about?lang={lang}")
    text = page.locator("#main-content").inner_text()
    assert "92" in text and "91" in text
    assert ("56,25" if lang == "nb" else "56.25") in text
    assert "generate_illustrative.py" in text
    assert page.evaluate("document.documentElement.lang") == lang
    screenshot(page, f"about-{lang}-1280")
    assert axe_violations(page) == []


def test_brw004_planner_switches_municipality_and_the_url_keeps_the_view(live_server, page_factory):
    page = open_page(page_factory, f"{live_server.url}/snapshot?lang=en")
    page.select_option(ctl("municipality"), "1149")
    expect(page.locator("h1")).to_have_text(re.compile("^Karmøy"), timeout=20000)
    assert "municipality=1149" in page.url and "lang=en" in page.url
    assert page.locator("#illustrative-banner").count() == 0  # Karmøy's values are published, not illustrative
    assert "No score" in page.locator(".dim-cards").inner_text()  # published targets are unknown: not scored
    assert axe_violations(page) == []
    # the copied link reopens the same view in a fresh browser context
    fresh = open_page(page_factory, page.url)
    assert fresh.locator("h1").inner_text() == "Karmøy: U4SSC results reported 2020"
    assert fresh.locator(ctl("municipality")).input_value() == "1149"


def test_brw005_invalid_parameters_fall_back_with_a_visible_notice(live_server, page_factory):
    page = open_page(page_factory, f"{live_server.url}/snapshot?municipality=9999&year=1800")
    notice = page.locator(".param-notice").inner_text()
    assert "9999" in notice and "1800" in notice
    assert page.locator("h1").inner_text() == "Asker: U4SSC-resultater 2023"
    assert axe_violations(page) == []


def test_brw006_unknown_route_shows_not_found_page(live_server, page_factory):
    page = open_page(page_factory, f"{live_server.url}/finnes-ikke")
    assert page.locator("h1").inner_text() == "Fant ikke siden"
    assert axe_violations(page) == []


@pytest.mark.parametrize("lang,pct,norm", [("nb", "3,8\u00a0%", "1,75\u00a0%"), ("en", "3.8\u00a0%", "1.75\u00a0%")])
@pytest.mark.parametrize("width", [1280, 320])
def test_brw007_finance_2018_against_the_norm_with_sources(live_server, page_factory, lang, pct, norm, width):
    page = open_page(page_factory, f"{live_server.url}/finance?lang={lang}", width=width)
    row = page.locator("#finance-table tbody tr", has_text="2018").inner_text()
    assert "192" in row and pct in row and "arsrapport-2018" in row
    assert norm in page.locator("#finance-norm").inner_text()
    assert page.locator("#finance-merger").count() == 1 and page.locator("#finance-2018").count() == 1
    assert page.locator("#finance-pct-graph .main-svg").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"finance-{lang}-{width}")
    assert axe_violations(page) == []


AREAS = ["transport", "inequality", "consumption", "digital"]


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("path", ["/challenges"] + [f"/challenges/{a}" for a in AREAS])
def test_brw008_challenge_pages_render_with_zero_axe(live_server, page_factory, lang, width, path):
    page = open_page(page_factory, f"{live_server.url}{path}?lang={lang}", width=width)
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.locator("#illustrative-banner").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if path == "/challenges":
        assert page.locator(".area-card").count() == 4
    elif path.endswith("digital"):
        assert page.locator("#part-infrastructure").count() == 1 and page.locator("#part-utilisation").count() == 1
    else:
        assert page.locator("#challenge-table tbody tr").count() >= 1
    screenshot(page, f"{path.strip('/').replace('/', '-')}-{lang}-{width}")
    assert axe_violations(page) == []


def test_brw009_politician_opens_a_challenge_area_from_the_cards(live_server, page_factory):
    page = open_page(page_factory, f"{live_server.url}/?lang=en")
    page.get_by_role("link", name="Challenge areas").click()
    expect(page.locator("h1")).to_have_text("Challenge areas for Asker", timeout=20000)
    page.locator("#area-digital h2 a").click()
    expect(page.locator("h1")).to_have_text(re.compile("^Use of the good digital infrastructure"), timeout=20000)
    summary = page.locator("#area-summary").inner_text()
    assert "The infrastructure scores" in summary and "while its use scores" in summary
    assert "95 % of target or more" in page.locator("#part-infrastructure .part-score").inner_text()
    assert page.evaluate("document.documentElement.lang") == "en"
    # the year choice survives a copied link
    page.select_option(ctl("year"), "2021")
    expect(page.locator("h1")).to_have_text(re.compile("2021$"), timeout=20000)
    fresh = open_page(page_factory, page.url)
    assert fresh.locator("h1").inner_text().endswith("2021") and "/challenges/digital" in fresh.url


def test_brw010_unknown_area_falls_back_with_a_notice(live_server, page_factory):
    page = open_page(page_factory, f"{live_server.url}/challenges/nowhere")
    assert "nowhere" in page.locator(".param-notice").inner_text()
    assert page.locator(".area-card").count() == 4


DETAIL_WITH_POINTS = "/indicators/en-en-aq-1c"   # air quality: five data points, one line each
DETAIL_WITHOUT = "/indicators/ec-ict-ict-1c"     # household Internet access: a single value


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("path", ["/indicators", DETAIL_WITH_POINTS, DETAIL_WITHOUT, "/compare"])
def test_brw011_planner_pages_render_with_zero_axe(live_server, page_factory, lang, width, path):
    page = open_page(page_factory, f"{live_server.url}{path}?lang={lang}", width=width)
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.locator("#illustrative-banner").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if path == "/indicators":
        assert page.locator("#indicators-table tbody tr").count() == 91
    elif path == "/compare":
        assert page.locator("#compare-table tbody tr").count() >= 10
        assert page.locator("#compare-graph .main-svg").count() >= 1
    else:
        assert page.locator("#kpi-series-graph .main-svg").count() >= 1
        assert page.locator("#kpi-metadata").count() == 1
        legend = page.locator("#kpi-series-graph .legendtext").all_text_contents()
        if path == DETAIL_WITH_POINTS:
            assert len(legend) >= 5 and any("PM" in x for x in legend)
        else:
            assert len(legend) == 2  # the series and its target line
    screenshot(page, f"{path.strip('/').replace('/', '-')}-{lang}-{width}")
    assert axe_violations(page) == []


def test_brw012_planner_searches_opens_a_kpi_and_compares_it_across_cities_and_years(live_server, page_factory):
    """The planner's journey: find a KPI, read its pace, compare it across cities and years, share the link."""
    page = open_page(page_factory, f"{live_server.url}/indicators?lang=en")
    search = page.locator(ctl("q"))
    search.fill("broadband")
    search.press("Enter")
    expect(page.locator("#indicators-count")).to_contain_text("broadband", timeout=20000)
    assert "q=broadband" in page.url
    rows = page.locator("#indicators-table tbody tr")
    assert 1 <= rows.count() < 91
    assert all("roadband" in r for r in rows.all_inner_texts())
    page.get_by_role("link", name="EC: ICT: ICT: 2C").click()
    expect(page.locator("h1")).to_contain_text("Fixed Broadband Subscriptions", timeout=20000)
    page.locator("#kpi-series-graph .main-svg").first.wait_for(timeout=20000)
    assert "Target" in " ".join(page.locator("#kpi-series-graph .legendtext").all_text_contents())
    assert page.locator("#kpi-pace-table tbody tr").count() == 1
    assert "2030" in page.locator("#pace-heading").inner_text()
    assert page.locator("#kpi-values-table tbody tr").count() == 5  # Asker 2019-2023
    peers = page.locator("#kpi-peers-table tbody").inner_text()
    assert "Karmøy" in peers or "Stavanger" in peers
    # compare across cities and years
    page.get_by_role("link", name="Compare").click()
    expect(page.locator("h1")).to_have_text("Compare municipalities", timeout=20000)
    page.select_option(ctl("scope"), "category:EC: ICT: ICT")
    expect(page.locator("#matrix-heading")).to_contain_text("ICT Infrastructure", timeout=20000)
    page.locator("#compare-graph .main-svg").first.wait_for(timeout=20000)
    page.select_option(ctl("year_from"), "2021")
    expect(page.locator("#yoy-table thead")).not_to_contain_text("2019", timeout=20000)
    assert "2021" in page.locator("#yoy-table thead").inner_text()
    assert "year=2021-2023" in page.url and "category=" in page.url
    matrix = page.locator("#compare-table tbody tr", has_text="Fixed Broadband").inner_text()
    assert "(2023)" in matrix  # Asker's latest year in the period
    assert "Missing" in page.locator("#compare-table").inner_text()  # cities without a figure: shown as missing
    # untick Rana and Stavanger
    page.get_by_label("Rana").uncheck()
    expect(page.locator("#compare-table thead")).not_to_contain_text("Rana", timeout=20000)
    assert axe_violations(page) == []
    # the copied link reopens exactly this view
    fresh = open_page(page_factory, page.url)
    assert fresh.locator("#matrix-heading").inner_text() == page.locator("#matrix-heading").inner_text()
    assert fresh.locator("#compare-table thead").inner_text() == page.locator("#compare-table thead").inner_text()
    assert fresh.locator(ctl("year_from")).input_value() == "2021"
    screenshot(fresh, "compare-journey-en-1280")


def test_brw013_overview_has_wheel_status_panel_and_band_changes(live_server, page_factory):
    page = open_page(page_factory, f"{live_server.url}/snapshot")
    assert page.locator("#overview-wheel-graph .main-svg").count() >= 1
    assert page.locator("#wheel-table tbody tr").count() == 27  # every category
    reporting = page.locator("#reporting-table tbody tr")
    assert reporting.count() == 3
    assert "Endret poengklasse" in page.locator("#changes-heading").inner_text()
    assert "Fra 2022 til 2023" in page.locator("#changes-sentence").inner_text()
    # a KPI link in the change table opens its page for the same municipality
    first = page.locator("#changes-table tbody a").first
    if first.count():
        first.click()
        expect(page.locator("#kpi-metadata")).to_have_count(1, timeout=20000)
    # Karmøy 2020 has no earlier year: the panel says so
    page2 = open_page(page_factory, f"{live_server.url}/snapshot?municipality=1149&lang=en")
    assert "no figures for an earlier year than this one" in page2.locator("#changes-sentence").inner_text()
    assert "verified by ITU" in page2.locator("#reporting-sentence").inner_text()


def test_brw014_unknown_kpi_and_bad_compare_parameters_fall_back_with_notices(live_server, page_factory):
    page = open_page(page_factory, f"{live_server.url}/indicators/no-such-kpi")
    assert "no-such-kpi" in page.locator(".param-notice").inner_text()
    assert page.locator("#indicators-table tbody tr").count() == 91
    page = open_page(page_factory, f"{live_server.url}/compare?year=20x1&dimension=ZZ&municipality=3203,9999")
    notice = page.locator(".param-notice").inner_text()
    assert "20x1" in notice and "ZZ" in notice and "9999" in notice
    assert page.locator("#compare-table thead th").count() == 2  # the indicator column and Asker
    assert axe_violations(page) == []


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("width", [1280, 320])
def test_brw015_data_page_renders_with_zero_axe(live_server, page_factory, lang, width):
    page = open_page(page_factory, f"{live_server.url}/data?lang={lang}", width=width)
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("#data-table tbody tr").count() == 50  # one page, never every row
    assert page.locator("#page-next").count() == 1
    screenshot(page, f"data-{lang}-{width}")
    assert axe_violations(page) == []


def test_brw016_analyst_filters_exports_and_the_file_matches_the_table(live_server, page_factory, tmp_path):
    import csv
    import io

    page = open_page(page_factory, f"{live_server.url}/data")
    expect(page.locator("#data-cities-summary")).to_contain_text("Alle kommuner")
    page.locator("#data-cities-summary").click()
    page.locator(ctl("cities")).get_by_label("Karmøy").check()
    expect(page).to_have_url(re.compile("municipality=1149"), timeout=20000)
    expect(page.locator("#data-count")).to_contain_text("14 rader", timeout=20000)  # the page is redrawn
    expect(page.locator("#data-cities-summary")).to_contain_text("Karmøy")  # the choice in words
    expect(page.locator("#data-chips")).to_contain_text("Kommune: Karmøy")
    page.select_option(ctl("dimension"), "EC")
    expect(page).to_have_url(re.compile("dimension=EC"), timeout=20000)
    expect(page.locator("#data-count")).to_contain_text("14 rader", timeout=20000)
    expect(page.locator("#data-chips")).to_contain_text("Dimensjon: Økonomi")
    codes = page.locator("#data-table tbody th a").all_inner_texts()
    values = page.locator("#data-table tbody tr td.value-cell").all_inner_texts()
    assert len(codes) == 14
    # sorting by value keeps the filter and the count
    page.locator("#data-table thead a", has_text="Verdi").click()
    expect(page).to_have_url(re.compile("sort=value"), timeout=20000)
    # the page drawn for the new URL (the count alone is the same before and after)
    expect(page.locator("#data-table thead th[aria-sort=ascending], #data-table thead th[aria-sort=descending]")
           ).to_contain_text("Verdi", timeout=20000)
    expect(page.locator("#data-count")).to_contain_text("14 rader", timeout=20000)
    page.locator("#export-summary").click()
    expect(page.locator("#export-csv")).to_be_visible()
    assert axe_violations(page) == []  # with the export menu open
    with page.expect_download() as dl:
        page.locator("#export-csv").click()
    download = dl.value
    assert "municipality-1149" in download.suggested_filename and "dimension-EC" in download.suggested_filename
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) == 14
    assert sorted(r["kpi_code"] for r in rows) == sorted(codes)
    table_values = sorted(float(v.replace("\u202f", "").replace(",", ".")) for v in values if v != "–")
    file_values = sorted(float(r["value"].replace(",", ".")) for r in rows if r["value"])
    assert table_values == pytest.approx(file_values, abs=0.005)  # the table rounds to two decimals


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_brw016b_data_values_in_view_at_1280_and_several_municipalities_and_years(live_server, page_factory, lang):
    """At 1280 px the value, unit, band and status columns are on screen without sideways scrolling; source
    and note open per row; several municipalities and a from-to pair; "from" after "to" stays visible with a
    notice and no rows, and nothing to download."""
    page = open_page(page_factory, f"{live_server.url}/data?lang={lang}", width=1280)
    for col in ("td.value-cell", "td:nth-child(6)", "td:nth-child(8)", "td:nth-child(9)", "td:nth-child(10)"):
        box = page.locator(f"#data-table tbody tr >> nth=0 >> {col}").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1280, (col, box)
    region = page.locator("[data-scroll-region]:has(#data-table)")
    assert region.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # no sideways scrolling at 1280
    first = page.locator("#data-table tbody tr >> nth=0")
    first.locator("details summary").click()
    expect(first.locator(".row-details")).to_be_visible()
    expect(first.locator(".row-details")).to_contain_text("Kilde" if lang == "nb" else "Source")
    page.locator("#data-cities-summary").click()
    page.locator(ctl("cities")).get_by_label("Karmøy").check()
    expect(page).to_have_url(re.compile("municipality=1149"), timeout=20000)
    expect(page.locator("#data-cities-summary")).to_contain_text("Karmøy", timeout=20000)
    # the page drawn for the new choice keeps the list open and focus on the box just ticked
    expect(page.locator(ctl("cities")).get_by_label("Karmøy")).to_be_focused(timeout=5000)
    expect(page.locator(ctl("cities")).get_by_label("Stavanger")).to_be_visible()
    page.locator(ctl("cities")).get_by_label("Stavanger").check()
    expect(page).to_have_url(re.compile("municipality=1149%2C1103"), timeout=20000)
    expect(page.locator("#data-cities-summary")).to_contain_text("Karmøy, Stavanger")
    munis = set(page.locator("#data-table tbody td:nth-child(2)").all_inner_texts())
    assert munis == {"Karmøy", "Stavanger"}
    page.select_option(ctl("year_to"), "2020")
    expect(page).to_have_url(re.compile("year=2019-2020"), timeout=20000)
    expect(page.locator("#data-chips")).to_contain_text("2019–2020", timeout=20000)
    expect(page.locator("#data-table tbody td:nth-child(2) >> nth=0")).to_have_text("Karmøy")
    assert set(page.locator("#data-table tbody td:nth-child(2)").all_inner_texts()) == {"Karmøy"}
    page.select_option(ctl("year_from"), "2021")
    expect(page).to_have_url(re.compile("year=2021-2020"), timeout=20000)
    expect(page.locator(".param-notice")).to_contain_text("2021-2020", timeout=20000)
    assert page.locator(ctl("year_to")).input_value() == "2020"  # the choice stays as made
    assert page.locator(ctl("year_from")).input_value() == "2021"
    assert page.locator("#data-table").count() == 0 and page.locator("#export-menu").count() == 0
    expect(page.locator("#data-count")).to_contain_text("Ingen rader" if lang == "nb" else "No rows")
    assert axe_violations(page) == []
