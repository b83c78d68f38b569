"""Presentation a user notices: one language per page, and nothing cut at phone width (a real browser)."""

import re

import pytest

from tests.test_browser import axe_violations, open_page

ROUTES = [
    "/", "/snapshot", "/challenges", "/challenges/transport", "/challenges/inequality", "/challenges/consumption",
    "/challenges/digital", "/indicators", "/indicators/ec-ict-ict-1c", "/indicators/en-en-aq-1c?municipality=1833",
    "/indicators/ec-i-t-4a?municipality=1833", "/indicators/ec-ict-ict-1c?municipality=1507", "/compare",
    "/finance", "/data", "/data?municipality=1149,1833", "/about", "/about/accessibility",
]

# words only Bokmål has (English has none of them); names of places and the municipality's own name aside
BOKMAL = {"og", "ikke", "av", "fra", "år", "før", "etter", "på", "er", "det", "som", "med", "eller", "alle", "velg",
          "vis", "mer", "kilde", "merknad", "verdi", "verdier", "foreløpig", "regnskap", "indikator", "indikatorer",
          "kommunen", "innbyggere", "prosent", "poengklasse", "utfordringsområde", "sammenlign", "nullstill",
          "hjem", "økonomi", "andel", "antall", "måling", "målinger", "ingen", "ukjent", "rapportert", "til",
          "hentet", "gjennomsnitt", "datasett", "sideveis", "lenke", "rader", "viser", "neste"}

# everything a user reads on the page, without addresses (a link's text may be its address)
TEXT_JS = """() => {
  const parts = [document.title];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const n = walk.currentNode, el = n.parentElement;
    if (!el || el.closest('script, style')) continue;
    const marked = el.closest('[lang]');  // text marked as another language than the page's is allowed
    if (marked && marked.getAttribute('lang') !== document.documentElement.lang) continue;
    parts.push(n.textContent);
  }
  document.querySelectorAll('[aria-label]').forEach(e => parts.push(e.getAttribute('aria-label')));
  return parts.join(' ');
}"""

CLIPPED_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('main *, header *, footer *')) {
    if (el.closest('[data-scroll-region], .js-plotly-plot, svg, .modebar')) continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden' || el.closest('.visually-hidden')) continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && cs.overflowX !== 'visible') {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + String(el.className).slice(0, 40)
               + ' ' + el.scrollWidth + '>' + el.clientWidth);
    }
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) out.push('page ' + doc.scrollWidth + '>' + doc.clientWidth);
  const bad = [...document.querySelectorAll('[data-scroll-region]')].filter(e =>
      e.getAttribute('role') !== 'region' || !e.getAttribute('aria-label') || e.tabIndex !== 0);
  bad.forEach(e => out.push('unlabelled scroll region ' + e.className));
  return out;
}"""


def bokmal_words(text: str) -> set[str]:
    plain = re.sub(r"https?://\S+", " ", text)
    plain = plain.replace("Asker kommune", " ")  # the municipality's name
    return {w for w in re.findall(r"[a-zæøå]+", plain.lower()) if w in BOKMAL}


def with_lang(route: str, lang: str) -> str:
    return route + ("&" if "?" in route else "?") + f"lang={lang}"


@pytest.mark.browser
@pytest.mark.parametrize("route", ROUTES)
def test_pre001_english_pages_hold_no_bokmal(live_server, page_factory, route):
    """Text in the other language is allowed only where it is marked with its own lang attribute."""
    page = open_page(page_factory, live_server.url + with_lang(route, "en"))
    assert page.evaluate("document.documentElement.lang") == "en"
    text = page.evaluate(TEXT_JS)
    assert " ".join(page.locator("#main-content h1").first.inner_text().split()[:2]) in " ".join(text.split())
    assert bokmal_words(text) == set()


def test_pre001b_the_word_check_finds_bokmal():
    assert bokmal_words("Net operating result (Foreløpig regnskap.) https://asker.kommune.no/med-og-uten") == {
        "foreløpig", "regnskap"}
    assert bokmal_words("Asker kommune reported 4.7 % of floor area") == set()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("route", ROUTES)
def test_pre002_nothing_is_cut_at_390_px(live_server, page_factory, route, lang):
    """At phone width no text container is wider than its box, except inside a labelled, focusable scroll
    region (a wide table), and the page itself never scrolls sideways."""
    page = open_page(page_factory, live_server.url + with_lang(route, lang), width=390)
    assert page.evaluate(CLIPPED_JS) == []
    assert axe_violations(page) == []  # WCAG 2.1 AA at phone width, every route, both languages


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("route", ROUTES)
def test_pre003_every_route_has_zero_axe_violations_at_1280(live_server, page_factory, route, lang):
    page = open_page(page_factory, live_server.url + with_lang(route, lang), width=1280)
    assert page.evaluate("document.documentElement.lang") == lang
    assert axe_violations(page) == []


@pytest.mark.browser
def test_pre002b_the_clipping_check_finds_cut_text(page_factory):
    page = page_factory(width=390)
    page.set_content("""<main><p style="overflow:hidden;width:100px">Verdiene_for_Asker_er_illustrative_tall</p>
        <div data-scroll-region="table" style="overflow-x:auto"><table><tr><td>ok</td></tr></table></div></main>""")
    found = page.evaluate(CLIPPED_JS)
    assert any(x.startswith("p.") for x in found) and any("unlabelled scroll region" in x for x in found)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_pre004_sources_are_links_in_the_page_language(live_server, page_factory, lang):
    """A source that holds an address is a link to it; its citation is in the page's language."""
    page = open_page(page_factory, live_server.url + with_lang("/indicators/ec-i-b-1a?municipality=1103", lang))
    link = page.locator("#kpi-values-table a.source-link").first
    assert link.get_attribute("href").startswith("https://www.itu.int/en/publications/")
    cell = page.locator("#kpi-values-table tbody tr").first.inner_text()
    assert ("februar 2021, s. 17" in cell) if lang == "nb" else ("February 2021, p.17" in cell)
    data = open_page(page_factory, live_server.url + with_lang("/data?municipality=1103", lang))
    data.locator("#data-table tbody tr >> nth=0 >> details summary").click()
    assert data.locator("#data-table tbody tr >> nth=0 >> a.source-link").count() == 1


OVERLAPS_JS = """(sel) => {
  const boxes = [...document.querySelectorAll(sel + ' svg text')]
    .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
    .map(t => { const r = t.getBoundingClientRect(); return [t.textContent.trim(), r.left, r.top, r.right, r.bottom]; });
  const out = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, al, at, ar, ab] = boxes[i], [b, bl, bt, br, bb] = boxes[j];
      if (Math.min(ar, br) - Math.max(al, bl) > 2 && Math.min(ab, bb) - Math.max(at, bt) > 2) out.push(a + ' | ' + b);
    }
  }
  return [boxes.length, out];
}"""


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_pre005_the_compare_matrix_prints_no_text_over_text_at_390_px(live_server, page_factory, lang):
    """On a phone every municipality keeps a column wide enough for its cell texts ("◕ 58,2 % *"): the matrix
    scrolls sideways in its own labelled region, and no text in it (cell values, names, the "–" of a missing
    cell) is printed over another; at 1280 px it does not scroll."""
    route = with_lang("/compare?municipality=3203,1103,1149,1833,1507", lang)
    page = open_page(page_factory, live_server.url + route, width=390)
    count, overlaps = page.evaluate(OVERLAPS_JS, "#compare-graph")
    assert count > 50 and overlaps == [], overlaps[:5]
    region = page.locator(".matrix-scroll")
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")
    assert region.get_attribute("role") == "region" and region.get_attribute("aria-label")
    wide = open_page(page_factory, live_server.url + route, width=1280)
    assert wide.locator(".matrix-scroll").evaluate("e => e.scrollWidth <= e.clientWidth")
    assert wide.evaluate(OVERLAPS_JS, "#compare-graph")[1] == []


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_pre006_the_data_table_stacks_each_row_on_a_phone(live_server, page_factory, lang):
    """At 390 px each row of /data is a block of labelled values that fits the screen (before, the value column
    was off to the right of a sideways-scrolling table); the explicit roles keep it a table with its headers
    for screen readers; at 1280 px it is the table it was."""
    page = open_page(page_factory, live_server.url + with_lang("/data", lang), width=390)
    region = page.locator("#data-table").locator("xpath=..")
    assert region.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    first = page.locator("#data-table tbody tr").first
    value = first.locator("td.value-cell")
    box = value.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    label = "Verdi" if lang == "nb" else "Value"
    assert value.get_attribute("data-label") == label
    assert value.evaluate("e => getComputedStyle(e, '::before').content").startswith(f'"{label}')
    assert page.locator("#data-table[role=table] tbody tr[role=row] td[role=cell]").count() >= 9
    assert page.locator("#data-table thead th[role=columnheader]").count() == 10
    wide = open_page(page_factory, live_server.url + with_lang("/data", lang), width=1280)
    assert wide.locator("#data-table tbody tr").first.evaluate("e => getComputedStyle(e).display") == "table-row"
