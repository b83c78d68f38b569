"""The peer finder's block on ``/compare``: municipalities most like the chosen one on the scope's KPIs."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from data.catalogue import Catalogue
from data.peers import PeerResult

from . import ids
from .components import data_table
from .formatting import fmt_number, fmt_value
from .i18n import t


def placeholder(request: dict, lang: str) -> html.Section:
    """Drawn with the page, never after its first chart (``data-eager``, layouts/static_tree.py): the result
    arrives from its own callback as soon as the page is there (its cost is its own, see make bench)."""
    return html.Section([
        html.H2(t("peers.heading", lang, municipality=request["name"], scope=request["scope_name"]),
                id="peers-heading"),
        html.P(t("peers.method", lang), className="small"),
        dcc.Store(id=ids.PEERS_REQUEST, data={k: request[k] for k in ("municipality", "scope", "year_to", "lang")}),
        dcc.Loading(html.Div(html.P(t("peers.loading", lang)), id=ids.PEERS_RESULT, **{"aria-live": "polite"}),
                    type="dot"),
    ], id="peers", **{"aria-labelledby": "peers-heading", "data-eager": "true"})  # its answer comes at once


def result(r: PeerResult, long: pd.DataFrame, catalogue: Catalogue, munis: dict[str, str], lang: str,
           name: str) -> list:
    statuses = set(long["status"]) if len(long) else set()
    out: list = []
    if statuses & {"synthetic", "illustrative"}:
        out.append(html.P(t("peers.not_measured", lang, kinds=", ".join(t(f"status.{s}", lang) for s in sorted(
            statuses & {"synthetic", "illustrative"}))), className="data-notice", role="note"))
    if r.target_units < 3 or r.ranked.empty:
        out.append(html.P(t("peers.too_sparse", lang, municipality=name, n=r.target_units,
                            others=fmt_number(r.unranked, lang, 0)), id="peers-sentence"))
        return out
    first = r.ranked.iloc[0]
    names = [munis.get(c, c) for c in r.ranked["municipality_code"]]
    out.append(html.P(t("peers.sentence", lang, municipality=name, first=names[0],
                        d=fmt_value(float(first["distance"]), lang), n=int(first["common"]),
                        rest=", ".join(names[1:]) or "–")
                      + (" " + t("peers.unranked", lang, count=int(r.unranked), n=fmt_number(r.unranked, lang, 0),
                                 min=r.min_common) if r.unranked else ""),
                      id="peers-sentence", className="chart-sentence"))
    head = [t("peers.col.municipality", lang), t("peers.col.distance", lang), t("peers.col.common", lang)]
    rows = [[munis.get(c, c), fmt_value(float(d), lang), str(int(n))]
            for c, d, n in r.ranked[["municipality_code", "distance", "common"]].itertuples(index=False)]
    out.append(data_table(t("peers.caption", lang, municipality=name), head, rows, numeric={1, 2},
                          table_id="peers-table"))
    # the values side by side: one row per unit, the chosen municipality first
    codes = [r.target, *r.ranked["municipality_code"].tolist()]
    vals = long.set_index(["municipality_code", "unit"])["value"]
    side = []
    for unit in r.units:
        code, dp = unit.split("|", 1)
        kpi = catalogue[code]
        label = kpi.name(lang) + (f" – {kpi.data_point(dp).label(lang)}" if dp and kpi.data_point(dp) else "")
        cells = [fmt_value(vals.get((c, unit)), lang) if (c, unit) in vals.index else "–" for c in codes]
        side.append([label, kpi.unit(lang, dp), *cells])
    out.append(data_table(t("peers.values.caption", lang, municipality=name),
                          [t("peers.col.kpi", lang), t("peers.col.unit", lang), *[munis.get(c, c) for c in codes]],
                          side, numeric=set(range(2, 2 + len(codes))), table_id="peers-values-table"))
    return out
