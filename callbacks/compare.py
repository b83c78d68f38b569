"""``/compare``: several municipalities side by side over a scope of KPIs and a span of years.

The peer finder on the same page has its own callback (``callbacks/peers.py``)."""

from __future__ import annotations

from data import compare as compare_q
from data.cache import memoised
from data.filters import Filters, parse_filters, reversed_years
from data.queries import all_years
from data.repository import Repository
from layouts import compare as compare_layout
from layouts import shell

from .common import lang_of, register_page, search_of


def _state(f: Filters, year_from, year_to) -> dict:
    """The values the page's controls are drawn with (clientside.js writes the URL only on a real change)."""
    scope = compare_layout.scope_of(f)
    return {"cities": ",".join(f.municipality), "municipality": ",".join(f.municipality),
            "year_from": year_from, "year_to": year_to, "scope": f"{scope[0]}:{scope[1]}" if scope else "",
            "focus": (f.municipality or ("",))[0], "no_city": compare_layout.NO_CITY}


def register(app, repo: Repository) -> None:
    def compare_page(**kwargs):
        ds = repo.snapshot()
        p = lang_of(kwargs)
        no_city = str(kwargs.get("municipality") or "").strip() == compare_layout.NO_CITY
        f = parse_filters({k: v for k, v in kwargs.items() if not (no_city and k == "municipality")}, ds)
        backwards = reversed_years(kwargs.get("year"))
        notices = p.notices + [(i.parameter, i.value, "notice.year_order") if backwards and i.parameter == "year"
                               else (i.parameter, i.value) for i in f.invalid]
        years = all_years(ds)
        if no_city or backwards:  # an impossible choice: say so, keep it visible, draw nothing
            f2 = Filters(**{**f.__dict__, "invalid": []})
            if no_city:
                notices.append(("municipality", "", "notice.no_city"))
            shown = backwards or (f2.year_from or years[0], f2.year_to or years[-1])
            content = compare_layout.blocked(f2, p.lang, ds.municipalities(), years, notices, shown)
            return shell.page(p.lang, "/compare", search_of(kwargs), content, ds.fingerprint,
                              _state(f2, str(shown[0]), str(shown[1])))
        if not f.municipality:
            f.municipality = tuple(c for c, _ in ds.municipalities())
        capped_from = None
        if len(f.municipality) > compare_layout.MAX_MATRIX_CITIES:  # one request never builds a national matrix
            capped_from = len(f.municipality)
            f.municipality = f.municipality[:compare_layout.MAX_MATRIX_CITIES]
        f2 = Filters(**{**f.__dict__, "invalid": []})
        if not (f2.dimension or f2.sub_dimension or f2.category or f2.challenge_area):
            f2.challenge_area = (compare_layout.DEFAULT_SCOPE[1],)
        if f2.year_from is None and years:
            f2.year_from, f2.year_to = years[0], years[-1]
        key = ("compare", ds.fingerprint, repr(sorted(f2.as_params().items())))
        units, rows, yo_years, yoy = memoised(repo.cache, key, lambda: compare_q.matrix(ds, f2)
                                              + compare_q.year_over_year(ds, f2, f2.municipality[0]))
        content = compare_layout.layout(f2, units, rows, yo_years, yoy, ds.catalogue, p.lang, ds.municipalities(),
                                        years, notices, capped_from)
        return shell.page(p.lang, "/compare", search_of(kwargs), content, ds.fingerprint,
                          _state(f2, f2.year_from or "", f2.year_to or ""))

    register_page(repo, "compare", compare_page, path="/compare")
