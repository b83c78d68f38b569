"""What the municipality is doing: initiatives (data/initiatives.csv) on area, KPI and home pages."""

from __future__ import annotations

import pandas as pd
from dash import html

from data.catalogue import Catalogue
from data.taxonomy import CHALLENGE_AREAS, name_of

from .i18n import t
from .urls import href

# owners and source titles are Norwegian names and titles: marked as such on an English page
NAMES_LANG = "nb"


def _source(r: dict, lang: str):
    if r["source_url"]:
        return html.A(r["source_title"], href=r["source_url"], className="source-link", lang=NAMES_LANG)
    return html.Span(r["source_title"], lang=NAMES_LANG)


def _item(r: dict, catalogue: Catalogue, lang: str) -> html.Li:
    facts = [html.Span(t(f"ini.status.{r['status']}", lang), className=f"ini-status ini-status-{r['status']}")]
    if r["started"]:
        facts += [" · ", t("ini.started", lang, year=r["started"])]
    if r["owner"]:
        facts += [" · ", html.Span(r["owner"], lang=NAMES_LANG)]
    areas = [a for a in r["challenge_areas"].split(",") if a]
    kpis = [catalogue[c] for c in r["kpi_codes"].split(";") if c]
    more = []
    if areas:
        more.append(html.P([t("ini.areas", lang), " ", *_joined(
            [html.A(name_of(CHALLENGE_AREAS, a, lang), href=href(f"/challenges/{a}", lang)) for a in areas])],
            className="small"))
    if kpis:
        more.append(html.P([t("ini.kpis", lang), " ", *_joined(
            [html.A(f"{k.name(lang)} ({k.code})", href=href(f"/indicators/{k.slug}", lang)) for k in kpis])],
            className="small"))
    return html.Li([
        html.H3(r[f"name_{lang}"]),
        html.P(facts, className="ini-facts small"),
        html.P(r[f"description_{lang}"]),
        *more,
        html.P([t("ini.source", lang), " ", _source(r, lang)], className="small"),
    ], className="initiative", id=f"initiative-{r['id']}")


def _joined(parts: list) -> list:
    out: list = []
    for i, p in enumerate(parts):
        if i:
            out.append(", ")
        out.append(p)
    return out


def block(frame: pd.DataFrame, catalogue: Catalogue, lang: str, heading_key: str, intro_key: str,
          none_key: str | None, block_id: str) -> list:
    """A heading, a sentence that counts the initiatives, and one item each (or nothing when ``none_key`` is None
    and there are none)."""
    rows = frame.sort_values(["started", "id"], ascending=[False, True]).to_dict("records") if len(frame) else []
    if not rows and none_key is None:
        return []
    out: list = [html.H2(t(heading_key, lang), id=f"{block_id}-heading")]
    if not rows:
        out.append(html.P(t(none_key, lang), className="small"))
        return [html.Section(out, id=block_id, className="initiatives")]
    out.append(html.P(t(intro_key, lang, n=len(rows)),
                      className="small"))
    out.append(html.Ul([_item(r, catalogue, lang) for r in rows], className="initiative-list"))
    return [html.Section(out, id=block_id, className="initiatives", **{"aria-labelledby": f"{block_id}-heading"})]


def home_line(frame: pd.DataFrame, lang: str) -> html.P | None:
    linked = frame[frame["challenge_areas"] != ""] if len(frame) else frame
    if not len(linked):
        return None
    names = [r[f"name_{lang}"] for r in linked.to_dict("records")][:2]
    return html.P([t("ini.home", lang, n=len(linked), names=", ".join(names)), " ",
                   html.A(t("ini.home.link", lang), href=href("/challenges", lang))],
                  className="home-initiatives", id="home-initiatives")

