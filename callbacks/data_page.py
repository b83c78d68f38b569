"""``/data``: every observation, filtered, sorted and paged on the server; the exports take the same filters."""

from __future__ import annotations

from data import table
from data.filters import Filters, apply_filters, parse_filters, reversed_years
from data.queries import all_years
from data.repository import Repository
from layouts import data_page, shell

from .common import lang_of, register_page, search_of

SELECTS = ("dimension", "sub_dimension", "category", "challenge_area", "band", "status", "verified")


def register(app, repo: Repository) -> None:
    def data_view(**kwargs):
        ds = repo.snapshot()
        p = lang_of(kwargs)
        f = parse_filters(kwargs, ds)
        backwards = reversed_years(kwargs.get("year"))
        notices = p.notices + [(i.parameter, i.value, "notice.year_order") if backwards and i.parameter == "year"
                               else (i.parameter, i.value) for i in f.invalid]
        f = Filters(**{**f.__dict__, "invalid": []})
        years = all_years(ds)
        shown_years = ((str(backwards[0]), str(backwards[1])) if backwards else
                       (str(f.year_from or (years[0] if years else "")),
                        str(f.year_to or (years[-1] if years else ""))))
        sort_col, desc, ok = table.parse_sort(kwargs.get("sort"))
        if not ok:
            notices.append(("sort", str(kwargs.get("sort"))[:40]))
        page, ok = table.parse_page(kwargs.get("page"))
        if not ok:
            notices.append(("page", str(kwargs.get("page"))[:40]))
        key = ("data", ds.fingerprint, repr(sorted(f.as_params().items())), sort_col, desc)
        order = None if backwards else repo.cache.get(key)  # row labels only: a page is cut from the shared frame
        if backwards:  # the impossible choice stays visible and shows nothing, with its notice
            order = ds.enriched.index[:0].to_numpy()
        elif order is None:
            order = table.sort_rows(apply_filters(ds, f), sort_col, desc).index.to_numpy()
            repo.cache.set(key, order)
        total = len(order)
        pages = table.page_count(total)
        if page > pages:
            notices.append(("page", str(page)))
            page = pages
        part = ds.enriched.loc[table.page_of(order, page)]
        search = search_of({k: v for k, v in kwargs.items() if k not in ("page",)})
        content = data_page.layout(part, total, page, pages, f, sort_col, desc, ds.catalogue, p.lang,
                                   ds.municipalities(), years, search, notices, shown_years)
        fp = f.as_params()
        state = {"cities": ",".join(f.municipality), "q": f.q, "year_from": shown_years[0],
                 "year_to": shown_years[1]}
        state.update({k: fp.get(k, data_page.ANY) for k in SELECTS})
        return shell.page(p.lang, "/data", search_of(kwargs), content, ds.fingerprint, state)

    register_page(repo, "data", data_view, path="/data")
