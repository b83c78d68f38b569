"""a11y: keyboard-only journeys (focus asserted at each step), the statement, print to PDF, complete catalogues."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, screenshot
from tests.test_browser import axe_violations, ctl, open_page


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, id: e.id, text: (e.innerText || e.value || '').trim().slice(0, 80),
                href: e.getAttribute('href') || ''}; }""")


def starts_at_skip_link(page) -> None:
    """A page loaded by following a link: the first Tab reaches the skip link, as on any web page. A chart page
    shows its first screen until Dash's page takes its place (dashboard/first_paint.py): keys act on Dash's page."""
    page.wait_for_selector("html:not([data-first-paint])", state="attached", timeout=20000)
    page.keyboard.press("Tab")
    assert focused(page)["href"] == "#main-content"


def tab_until(page, predicate, limit=60) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        f = focused(page)
        if predicate(f):
            return f
    raise AssertionError(f"never reached the element; last focus {focused(page)}")


@pytest.mark.browser
def test_a11y001_politician_by_keyboard(live_server, page_factory):
    page = open_page(page_factory, f"{live_server.url}/?lang=en")
    page.keyboard.press("Tab")
    f = focused(page)
    assert f["tag"] == "A" and f["href"] == "#main-content" and "Skip" in f["text"]  # the skip link comes first
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main-content"
    # back to the menu: Shift+Tab walks backwards into the navigation
    page.locator("a.nav-link", has_text="Challenge areas").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Challenge areas for Asker", timeout=20000)
    starts_at_skip_link(page)
    f = tab_until(page, lambda f: f["href"].startswith("/challenges/digital"))
    assert f["text"].startswith("Use of the good digital infrastructure")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(re.compile("^Use of the good digital"), timeout=20000)
    starts_at_skip_link(page)
    # the year select is reached by Tab and changed with the keyboard; focus stays on it
    tab_until(page, lambda f: f["id"] == '{"param":"year","type":"url-param"}')
    page.keyboard.press("ArrowDown")
    expect(page).to_have_url(re.compile("year=2022"), timeout=20000)
    expect(page.locator(ctl("year"))).to_be_focused(timeout=5000)
    expect(page.locator("#app-live-region")).to_contain_text("2022", timeout=5000)  # announced
    assert axe_violations(page) == []


@pytest.mark.browser
def test_a11y002_planner_by_keyboard(live_server, page_factory):
    page = open_page(page_factory, f"{live_server.url}/indicators?lang=en")
    tab_until(page, lambda f: f["id"] == '{"param":"q","type":"url-param"}')
    page.keyboard.type("air")
    page.keyboard.press("Enter")
    expect(page.locator("#indicators-count")).to_contain_text("\u201cair\u201d", timeout=20000)
    expect(page.locator(ctl("q"))).to_be_focused(timeout=5000)  # focus stays in the search box
    expect(page.locator("#app-live-region")).to_contain_text("air", timeout=5000)
    f = tab_until(page, lambda f: f["href"].startswith("/indicators/en-en-aq-1c"))
    assert f["text"] == "EN: EN: AQ: 1C"
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Air Pollution", timeout=20000)
    starts_at_skip_link(page)
    # every table region is reachable by Tab (it scrolls inside itself at narrow widths)
    f = tab_until(page, lambda f: f["tag"] == "DIV" and f["id"] == "" and "every value for" in
                  (page.evaluate("document.activeElement.getAttribute('aria-label') || ''")))
    assert f["tag"] == "DIV"
    # and on to the comparison page through the menu
    page.locator("a.nav-link", has_text="Compare").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Compare municipalities", timeout=20000)
    tab_until(page, lambda f: f["id"] == '{"param":"scope","type":"url-param"}')
    page.keyboard.press("ArrowDown")  # from the default (transport) to the next area in the list
    expect(page).to_have_url(re.compile("challenge_area=inequality"), timeout=20000)
    expect(page.locator("#matrix-heading")).to_contain_text("Social inequality", timeout=20000)
    expect(page.locator(ctl("scope"))).to_be_focused(timeout=5000)


@pytest.mark.browser
def test_a11y003_analyst_by_keyboard(live_server, page_factory):
    page = open_page(page_factory, f"{live_server.url}/data")
    tab_until(page, lambda f: f["id"] == '{"param":"dimension","type":"url-param"}')
    page.keyboard.press("ArrowDown")  # "Alle" -> "Økonomi"
    expect(page).to_have_url(re.compile("dimension=EC"), timeout=20000)
    expect(page.locator(ctl("dimension"))).to_be_focused(timeout=5000)
    expect(page.locator("#app-live-region")).to_contain_text("rader passer", timeout=5000)
    f = tab_until(page, lambda f: f["id"] == "export-summary")
    page.keyboard.press("Enter")
    expect(page.locator("#export-csv")).to_be_visible()
    f = tab_until(page, lambda f: f["id"] == "export-csv")
    assert "dimension=EC" in f["href"] and "lang=nb" in f["href"]
    assert axe_violations(page) == []  # filter applied, export menu open
    f = tab_until(page, lambda f: f["id"] == "page-next", limit=150)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("page=2"), timeout=20000)
    expect(page.locator("#data-count")).to_contain_text("Viser rad 51", timeout=20000)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("width", [1280, 320])
def test_a11y004_accessibility_statement(live_server, page_factory, lang, width):
    page = open_page(page_factory, f"{live_server.url}/about/accessibility?lang={lang}", width=width)
    text = page.locator("#main-content").inner_text()
    assert "uustatus.no" in text and "axe-core" in text and "WCAG 2.1" in text
    limits = page.locator("#a11y-limits + ul li")
    assert limits.count() >= 5  # honest about what falls short
    assert ("skjermlesere" if lang == "nb" else "screen readers") in limits.all_inner_texts()[2]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"accessibility-{lang}-{width}")
    assert axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.parametrize("path,name", [("/snapshot", "snapshot"), ("/challenges/transport", "challenge-transport"),
                                       ("/?lang=en", "home-en"), ("/", "home")])
def test_a11y005_print_to_pdf_on_a4(live_server, page_factory, path, name):
    import pypdfium2 as pdfium

    page = open_page(page_factory, live_server.url + path)
    assert page.locator(".print-button").count() == 1
    pdf = page.pdf(format="A4", print_background=True)
    doc = pdfium.PdfDocument(pdf)
    assert 1 <= len(doc) <= 12
    if name.startswith("home"):
        assert len(doc) == 1  # the politician's page prints on one A4 page
    w, h = doc[0].get_size()
    assert abs(w - 595) < 3 and abs(h - 842) < 3  # A4 in points
    text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    heading = page.locator("h1").inner_text()
    assert heading.split(":")[0] in text
    assert ("Lenke til visningen" if "lang=en" not in path else "Link to this view") in text
    assert live_server.url in text.replace("\r", "").replace("\n", "")
    assert "Sammenlign" not in text and "Hopp til hovedinnholdet" not in text  # navigation is not printed
    assert "Skriv ut / lagre som PDF" not in text
    ARTIFACTS.mkdir(exist_ok=True)
    for i in range(len(doc)):
        doc[i].render(scale=1).to_pil().save(ARTIFACTS / f"print-{name}-page{i + 1}.png")


def test_a11y006_every_text_exists_in_both_languages():
    from data import DEFAULT_CATALOGUE
    from data.catalogue import load_catalogue
    from data.taxonomy import CATEGORIES, CHALLENGE_AREAS, DIGITAL_PARTS, DIMENSIONS, SUB_DIMENSIONS
    from layouts import about, accessibility
    from layouts.i18n import CATALOGUES

    for module in (about, accessibility):
        nb, en = module.TEXT["nb"], module.TEXT["en"]
        assert set(nb) == set(en), module.__name__
        for k in nb:
            if isinstance(nb[k], list):
                assert len(nb[k]) == len(en[k]) and all(x.strip() for x in nb[k] + en[k]), k
            else:
                assert set(re.findall(r"{(\w+)}", nb[k])) == set(re.findall(r"{(\w+)}", en[k])), k
    for table in (DIMENSIONS, SUB_DIMENSIONS, CATEGORIES, CHALLENGE_AREAS, DIGITAL_PARTS):
        assert all(en.strip() and nb.strip() for en, nb in table.values())
    cat = load_catalogue(DEFAULT_CATALOGUE)
    for k in cat:
        assert k.name_en.strip() and k.name_nb.strip() and k.unit_en.strip() and k.unit_nb.strip(), k.code
        assert bool(k.definition_en) == bool(k.definition_nb), k.code  # both, or pending in both
        for dp in k.data_points:
            assert dp.label_en and dp.label_nb and dp.unit_en and dp.unit_nb, (k.code, dp.slug)
    from data.observations import STATUSES

    for s in STATUSES:
        assert f"status.{s}" in CATALOGUES["nb"] and f"status.{s}" in CATALOGUES["en"]


def test_a11y007_every_key_the_code_uses_exists():
    from layouts.i18n import CATALOGUES
    from tests.conftest import ROOT

    used = set()
    for folder in ("layouts", "dashboard", "callbacks"):
        for path in (ROOT / folder).glob("*.py"):
            used |= set(re.findall(r"\bt\(\s*\"([a-z0-9_.]+)\"", path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in CATALOGUES["nb"])
    assert not missing, missing


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", "/challenges/digital", "/indicators/en-en-aq-1c", "/compare", "/data",
                                  "/finance"])
def test_a11y008_text_enlarged_to_200_percent_still_fits(live_server, page_factory, path):
    """WCAG 1.4.4: text alone at 200 % (the root font size doubled) on a 1280 px screen, nothing cut off sideways."""
    page = open_page(page_factory, live_server.url + path)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.locator("h1").is_visible()
    screenshot(page, f"text200-{path.strip('/').replace('/', '-') or 'overview'}")
