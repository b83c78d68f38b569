"""The peer finder on /compare: its own server callback, so the page is drawn first and the search after."""

from __future__ import annotations

from dash import Input, Output

from data.compare import scope_units
from data.filters import Filters
from data.peers import latest_values, nearest
from data.taxonomy import CATEGORIES, CHALLENGE_AREAS, DIMENSIONS, SUB_DIMENSIONS
from layouts import ids
from layouts import peers as peers_layout
from layouts.i18n import t

from .common import as_sent, markup_format

KINDS = {"dimension": DIMENSIONS, "sub_dimension": SUB_DIMENSIONS, "category": CATEGORIES,
         "challenge_area": CHALLENGE_AREAS}


def _request(data, ds) -> tuple[str, Filters, int | None, str] | None:
    """The store's content, checked on the server: a known municipality, scope and year, or None."""
    if not isinstance(data, dict):
        return None
    muni, scope, year_to, lang = (data.get(k) for k in ("municipality", "scope", "year_to", "lang"))
    if lang not in ("nb", "en") or not isinstance(muni, str) or ds.municipality_name(muni) is None:
        return None
    if not isinstance(scope, str) or len(scope) > 80:
        return None
    kind, _, code = scope.partition(":")
    f = Filters()
    if kind == "dimension" and code == ",".join(DIMENSIONS):  # every indicator
        f.dimension = tuple(DIMENSIONS)
    elif kind in KINDS and code in KINDS[kind]:
        setattr(f, kind, (code,))
    else:
        return None
    if year_to is not None and not (isinstance(year_to, int) and 1900 <= year_to <= 2100):
        return None
    return muni, f, year_to, lang


def register(app, repo) -> None:
    @app.callback(Output(ids.PEERS_RESULT, "children"), Input(ids.PEERS_REQUEST, "data"))
    def find_peers(data):
        ds = repo.snapshot()
        req = _request(data, ds)
        if req is None:
            return [t("peers.bad_request", "en")]
        muni, f, year_to, lang = req
        key = ("peers", ds.fingerprint, muni, repr(sorted(f.as_params().items())), year_to, lang, markup_format())
        cached = repo.cache.get(key)
        if cached is not None:
            return cached
        scope_key = ("peers-values", ds.fingerprint, repr(sorted(f.as_params().items())), year_to)
        values = repo.cache.get(scope_key)  # the same for every municipality: computed once per scope and year
        if values is None:
            values = latest_values(ds.observations, scope_units(ds, f), year_to)
            repo.cache.set(scope_key, values)
        wide, long = values
        r = nearest(wide, muni)
        used = long[long["municipality_code"].isin([muni, *r.ranked["municipality_code"]])]
        out = as_sent(peers_layout.result(r, used, ds.catalogue, dict(ds.municipalities()), lang,
                                          ds.municipality_name(muni) or muni))
        repo.cache.set(key, out)
        return out
