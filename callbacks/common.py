"""What every page controller shares: the error guard, the tab title and the query string it was drawn with."""

from __future__ import annotations

import functools
import hashlib
import logging

import dash
from flask import current_app, g, has_app_context

from data.params import parse_page_params
from data.repository import DataUnavailable, Repository
from layouts import errors, shell
from layouts.i18n import t
from layouts.static_tree import FORMAT, freeze, later_after_first_chart
from layouts.urls import with_params

from .routes import page_meta

log = logging.getLogger(__name__)


def search_of(kwargs: dict) -> str:
    """The query string of the page's own URL (only its text parameters, in a stable order)."""
    return with_params("", **{k: v for k, v in kwargs.items() if isinstance(v, str)})


def lang_of(kwargs: dict):
    """The page parameters when only the language matters."""
    return parse_page_params({"lang": kwargs.get("lang", "")}, None)


def _unavailable(kwargs: dict, exc: DataUnavailable):
    p = lang_of(kwargs)
    return shell.page(p.lang, "/", "", errors.unavailable(p.lang, [str(x) for x in exc.problems]))


def page_title(**_path_variables) -> str:
    """The title Dash's router gives the browser tab on in-app navigation: the one the layout just computed."""
    return g.get("page_title") or t("app.title", "nb")


def _static_markup_on() -> bool:
    """Whether the app's settings send static markup as StaticTree (``DASHBOARD_STATIC_MARKUP``, on by default)."""
    settings = current_app.config.get("DASHBOARD_SETTINGS") if has_app_context() else None
    return settings is None or settings.static_markup


def markup_format() -> str:
    """How page answers write static markup, for cache keys: answers of either kind never stand in for the
    other (after ``DASHBOARD_STATIC_MARKUP`` changes, or in a shared Redis with older code)."""
    if not _static_markup_on():
        return "html"
    keep = callback_ids_in_use()
    # which elements are markup depends on the ids the callbacks use: an answer cached by a release whose
    # callbacks used other ids is never served for this one (a shared Redis)
    return FORMAT if keep is None else f"{FORMAT}-{_ids_digest(keep)}"


@functools.lru_cache(maxsize=8)
def _ids_digest(keep: frozenset) -> str:
    return hashlib.sha256("\n".join(sorted(keep)).encode()).hexdigest()[:10]


def callback_ids_in_use():
    """The ids the app's callbacks read or write (``dashboard/app.py`` records them once every callback is
    registered); None outside the app, where every element with an id stays a Dash component."""
    return current_app.config.get("DASHBOARD_CALLBACK_IDS") if has_app_context() else None


def as_sent(layout):
    """The layout as it goes to the browser: static markup as StaticTree components and what follows the
    page's first chart in Later components (drawn after it), unless the app's settings turn that off
    (``DASHBOARD_STATIC_MARKUP=0``)."""
    if not _static_markup_on():
        return layout
    try:
        return freeze(later_after_first_chart(layout), callback_ids_in_use())
    except (TypeError, RecursionError):  # a child it cannot write as data: Dash's html components draw it
        log.exception("static markup: layout sent as html components")
        return layout


def guarded(render, repo: Repository | None = None, name: str | None = None):
    """Dash's page router calls every layout on its first request: never raise from one.

    The page's static markup goes out as ``StaticTree`` components (``layouts/static_tree.py``).

    With ``repo`` and ``name``, the page's title (in its language, naming its subject) is worked out from the
    same arguments and left in ``flask.g`` for ``page_title``.
    """

    def _layout(**kwargs):
        return as_sent(_drawn(**kwargs))

    def _drawn(**kwargs):
        try:
            if repo is not None:
                g.page_title = page_meta(repo.snapshot(), name, kwargs)[1]
            return render(**kwargs)
        except DataUnavailable as exc:
            return _unavailable(kwargs, exc)
        except Exception:  # a bug must not take every page down: log it, show a notice without details
            log.exception("page layout failed")
            p = lang_of(kwargs)
            return shell.page(p.lang, "/", "", errors.failed(p.lang))

    return _layout


def register_page(repo: Repository, name: str, render, **where) -> None:
    """One page in Dash's router: its layout guarded, its title from the same arguments."""
    dash.register_page(name, layout=guarded(render, repo, name), title=page_title, name=name, **where)
