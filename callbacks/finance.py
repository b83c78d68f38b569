"""``/finance``: the municipality's annual financial results against the national norms."""

from __future__ import annotations

from data.finance_view import finance_view, financial_return_2018
from data.params import MAX_PARAM_CHARS
from data.repository import Repository
from layouts import finance as finance_layout
from layouts import shell

from .common import lang_of, register_page, search_of


def register(app, repo: Repository) -> None:
    def finance_page(**kwargs):
        ds = repo.snapshot()
        p = lang_of(kwargs)
        region = str(kwargs.get("municipality") or "").strip()[:MAX_PARAM_CHARS]
        view = finance_view(ds, region or None)
        region_notices = [("municipality", region[:64])] if region and region != view.region else []
        content = finance_layout.layout(view, p.lang, financial_return_2018(ds.finance), p.notices + region_notices)
        return shell.page(p.lang, "/finance", search_of(kwargs), content, ds.fingerprint,
                          {"municipality": view.region} if view.region else None)

    register_page(repo, "finance", finance_page, path="/finance")
