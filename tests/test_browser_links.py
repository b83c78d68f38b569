"""brw (links and hostile data): views survive a copied link, URL controls write the query string, and data
with markup or script stays text in every page and chart; in Debian Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.test_browser import ctl, open_page

pytestmark = pytest.mark.browser


def test_brw017_indicator_views_survive_a_copied_link(live_server, page_factory):
    page = open_page(page_factory, f"{live_server.url}/indicators?lang=en&municipality=1103&q=water")
    assert page.locator(ctl("q")).input_value() == "water"
    assert page.locator(ctl("municipality")).input_value() == "1103"
    n = page.locator("#indicators-table tbody tr").count()
    assert 0 < n < 91
    page.locator(ctl("municipality")).select_option("1149")
    expect(page).to_have_url(re.compile("municipality=1149"), timeout=20000)
    assert "q=water" in page.url
    fresh = open_page(page_factory, page.url)
    assert fresh.locator(ctl("q")).input_value() == "water"
    assert fresh.locator("#indicators-table tbody tr").count() == n
    kpi = open_page(page_factory, f"{live_server.url}/indicators/ec-ict-ict-2c?municipality=1103&lang=en")
    assert kpi.locator(ctl("municipality")).input_value() == "1103"
    assert "Stavanger" in kpi.locator("#series-heading").inner_text()


POISON_NAME = "<img src=x onerror=alert(1)>"
POISON_SOURCE = "javascript:alert(1)"
POISON_NOTE = "[klikk](javascript:alert(1))"
POISON_QUALITY = "<script>alert(2)</script>"


@pytest.fixture()
def poisoned_server(data_dir, make_app):
    import csv

    path = data_dir / "observations.csv"
    with path.open("a", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        for year, value in ((2022, 40), (2023, 50)):
            w.writerow(["9001", POISON_NAME, year, "EC: ICT: ICT: 1C", "", value, "%", 100, "", "no", POISON_QUALITY,
                        "reported", POISON_SOURCE, POISON_NOTE, ""])
            w.writerow(["9001", POISON_NAME, year, "EC: ICT: ICT: 4C", "3g", value, "%", 100, "", "no",
                        POISON_QUALITY, "reported", POISON_SOURCE, POISON_NOTE, ""])
    with LiveServerCtx(make_app()) as srv:
        yield srv


def LiveServerCtx(app):
    from tests.conftest import LiveServer

    return LiveServer(app)


@pytest.mark.parametrize("path", [
    "/?municipality=9001", "/challenges?municipality=9001", "/challenges/digital?municipality=9001",
    "/indicators?municipality=9001", "/indicators/ec-ict-ict-1c?municipality=9001",
    "/compare?municipality=9001,3203&category=EC: ICT: ICT", "/data?municipality=9001",
])
def test_brw018_poisoned_data_is_shown_as_text_and_never_runs(poisoned_server, page_factory, path):
    page = open_page(page_factory, poisoned_server.url + path)
    page.evaluate("document.querySelectorAll('#main-content details').forEach(d => { d.open = true; })")
    text = page.locator("#main-content").inner_text()
    assert POISON_NAME in text  # the municipality's name, as literal text
    if "indicators/" in path or path.startswith("/data"):
        assert POISON_SOURCE in text and POISON_QUALITY in text
    assert page.locator("#main-content img").count() == 0
    assert page.locator("#main-content script").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    page.wait_for_timeout(300)  # give any injected handler the chance to fire; page_factory fails on a dialog


def _ctl_item(param, value):
    return {"id": {"type": "url-param", "param": param}, "property": "value", "value": value}


def test_brw019_url_controls_write_the_query_string_in_the_browser(live_server, page_factory):
    """The clientside URL-control function (clientside.js), run by Chromium on the real page."""
    page = open_page(page_factory, f"{live_server.url}/about")

    def nxt(search, items, shown):
        return page.evaluate("([s, i, sh]) => window.dash_clientside.dashboard.nextSearch(s, i, sh)",
                             [search, items, shown])

    shown = {"municipality": "3203", "year": "2023"}
    assert nxt("?lang=en&year=2020", [_ctl_item("municipality", "1149"), _ctl_item("year", "2023")], shown) \
        == "?lang=en&municipality=1149"
    assert nxt("", [_ctl_item("municipality", "3203"), _ctl_item("year", "2021")], shown) == "?year=2021"
    # unacceptable values change nothing (the server validates the URL again anyway)
    assert nxt("", [_ctl_item("municipality", {"x": 1}), _ctl_item("year", "2021")], shown) is None
    assert nxt("", [_ctl_item("year", "<script>")], shown) is None
    assert nxt("", [_ctl_item("year", 2021.5)], shown) is None
    assert nxt("", [{"id": {"type": "url-param", "param": "unknown"}, "value": "1"}], shown) is None
    assert nxt("", "not a list", shown) is None
    assert nxt("x" * 3000, [_ctl_item("year", "2021")], shown) is None
    # a page being drawn: every control still shows what the page was drawn with, so the URL stays
    # (this keeps the fallback notice of "?municipality=9999" on screen)
    assert nxt("?municipality=9999", [_ctl_item("municipality", "3203"), _ctl_item("year", "2023")], shown) is None
    # two changes at once are not one user's action
    assert nxt("", [_ctl_item("municipality", "1149"), _ctl_item("year", "2021")], shown) is None
    # the compare page's own controls map onto the contract's parameters
    cmp_shown = {"cities": "3203,1149", "municipality": "3203,1149", "year_from": "2019", "year_to": "2023",
                 "scope": "challenge_area:transport", "focus": "3203", "no_city": "none"}
    base = [_ctl_item("cities", ["3203", "1149"]), _ctl_item("year_from", "2019"), _ctl_item("year_to", "2023"),
            _ctl_item("scope", "challenge_area:transport"), _ctl_item("focus", "3203")]

    def with_change(i, value):
        items = list(base)
        items[i] = _ctl_item(items[i]["id"]["param"], value)
        return nxt("?municipality=3203,1149&challenge_area=transport", items, cmp_shown)

    assert with_change(0, ["3203", "1149", "1103"]) == "?municipality=3203%2C1149%2C1103&challenge_area=transport"
    assert with_change(1, "2021") == "?municipality=3203%2C1149&year=2021-2023&challenge_area=transport"
    # a "from" after the "to" is kept as chosen (the server answers with a notice), never swapped silently
    assert with_change(2, "2017") == "?municipality=3203%2C1149&year=2019-2017&challenge_area=transport"
    # unticking the last city asks for "no city" (a notice), not for every city
    assert with_change(0, []) == "?municipality=none&challenge_area=transport"
    assert with_change(3, "dimension:EC") == "?municipality=3203%2C1149&dimension=EC"
    assert with_change(3, "all") == "?municipality=3203%2C1149"
    assert with_change(4, "1149") == "?municipality=1149%2C3203&challenge_area=transport"
    # a filter's "all" removes the parameter, and any change leaves the page number behind
    data_shown = {"municipality": "", "band": "2", "page": "3"}
    assert nxt("?band=2&page=3", [_ctl_item("band", "all")], data_shown) == ""
    assert nxt("?band=2&page=3&lang=en", [_ctl_item("status", "verified")], data_shown) \
        == "?lang=en&band=2&status=verified"
    # free text: trimmed, capped at 200 characters, encoded as Python's urlencode does
    q_shown = {"municipality": "3203", "year": "2023", "q": ""}
    assert nxt("", [_ctl_item("q", "  bredbånd ")], q_shown) == "?q=bredb%C3%A5nd"
    assert nxt("", [_ctl_item("q", "x" * 5000)], q_shown) == "?q=" + "x" * 200
    assert nxt("", [_ctl_item("q", "a b!*'()~")], q_shown) == "?q=a+b%21%2A%27%28%29~"
    assert nxt("", [_ctl_item("q", "nul\u0000")], q_shown) is None


MARKUP_NAME = '<a href="https://example.org">Lenke</a><span style="fill:red">Rød</span>'


@pytest.fixture()
def markup_server(data_dir, make_app):
    import csv

    with (data_dir / "observations.csv").open("a", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["9002", MARKUP_NAME, 2023, "EC: ICT: ICT: 1C", "", 90, "%", 100, "", "no", "",
                    "reported", "<b>kilde</b>", "", ""])
    with LiveServerCtx(make_app()) as srv:
        yield srv


def test_brw020_markup_in_data_is_text_in_every_chart(markup_server, page_factory):
    """A municipality name holding markup: drawn as its characters in the chart, never as a link or a style."""
    page = open_page(page_factory, markup_server.url + "/compare?municipality=9002,3203&category=EC: ICT: ICT&lang=en")
    page.wait_for_selector("#compare-graph .main-svg", timeout=20000)
    svg_text = page.locator("#compare-graph").inner_text() + " ".join(
        page.locator("#compare-graph text").all_text_contents())
    assert '<a href="https://example.org">Lenke</a>' in svg_text
    assert page.locator("#compare-graph a").count() == 0  # plotly draws <a> for links: none
    assert page.locator("#compare-graph [style*='fill:red'], #compare-graph [style*='fill: red']").count() == 0
