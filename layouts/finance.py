"""The finance page (``/finance``): the municipality's own accounts against the norm, returns and debt, and
KOSTRA figures of one chosen region. Every sentence is built from the series its chart and table draw."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from data.finance_view import FinanceView, Series

from . import ids
from .components import data_table, data_text, notices, plain_text
from .figures import finance_bars
from .formatting import fmt_number, fmt_pct, fmt_value
from .i18n import t

MERGER_YEAR = 2020
# Entities whose stored name is Norwegian: their name in each language
ENTITY_NAMES = {"0220": ("Asker (før 2020)", "Asker (before 2020)"), "0627": ("Røyken (før 2020)", "Røyken (before 2020)"),
                "0628": ("Hurum (før 2020)", "Hurum (before 2020)")}
# One colour per entity on every chart of the page (the same municipality never changes colour)
ENTITY_COLOURS = {"0220": "#1b5a9c", "0627": "#7a3e9d", "0628": "#2e7d32", "3025": "#b35900", "3203": "#b35900"}


def entity_name(code: str, name: str, lang: str) -> str:
    if code in ENTITY_NAMES:
        return ENTITY_NAMES[code][0 if lang == "nb" else 1]
    return name


def _num(v) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _fmt(v: float | None, unit: str, lang: str) -> str:
    if v is None:
        return "–"
    if unit == "%":
        return fmt_pct(v, lang)
    return f"{fmt_value(v, lang)} {unit}"


def _label(s: Series, lang: str) -> str:
    label = f"{entity_name(s.code, s.name, lang)} ({s.code})"
    return label + (f" – {t('finance.basis.konsern', lang)}" if s.basis == "konsern" else "")


def _bars(series: list[Series], lang: str) -> list[dict]:
    return [{"name": _label(s, lang), "x": s.years, "y": s.values, "status": [str(x) for x in s.rows["status"]],
             "colour": ENTITY_COLOURS.get(s.code)} for s in series]


def _status_note(status: str, lang: str) -> str:
    return f" ({t('finance.preliminary', lang)})" if status == "preliminary" else ""


def norm_sentences(series: list[Series], view: FinanceView, lang: str) -> list[str]:
    """One sentence per series: its own years above the norm, of its own years with a figure."""
    out = []
    norm = view.norm_pct
    for s in series:
        c = view.norm_count_of(s) if norm is not None else None
        if c is None:
            continue
        span = str(c.first) if c.first == c.last else f"{c.first}–{c.last}"
        out.append(t("finance.sentence.norm", lang, entity=_label(s, lang), above=c.above, n=c.n, span=span,
                     norm=fmt_pct(norm, lang, 2), last=c.last,
                     latest=fmt_pct(c.latest, lang) + _status_note(c.latest_status, lang)))
    return out


def level_sentences(series: list[Series], lang: str) -> list[str]:
    """Highest and lowest year of each series, in its unit."""
    out = []
    for s in series:
        r = s.rows[s.rows["value"].notna()]
        if r.empty:
            continue
        hi, lo = r.loc[r["value"].idxmax()], r.loc[r["value"].idxmin()]
        if len(r) == 1:
            out.append(t("finance.sentence.one", lang, entity=_label(s, lang), year=int(hi["year"]),
                         value=_fmt(float(hi["value"]), s.unit, lang) + _status_note(str(hi["status"]), lang)))
        else:
            out.append(t("finance.sentence.range", lang, entity=_label(s, lang), n=len(r),
                         hi_year=int(hi["year"]), hi=_fmt(float(hi["value"]), s.unit, lang),
                         lo_year=int(lo["year"]), lo=_fmt(float(lo["value"]), s.unit, lang)))
    return out


def _series_table(series: list[Series], lang: str, caption: str, table_id: str) -> html.Div:
    rows = []
    for s in series:
        for r in s.rows.itertuples(index=False):
            rows.append([str(int(r.year)), _label(s, lang), _fmt(_num(r.value), s.unit, lang),
                         t(f"finance.status.{r.status}", lang), data_text(r.source, lang), data_text(r.note, lang, "")])
    head = [t(f"finance.col.{c}", lang) for c in ("year", "entity", "value", "status", "source", "note")]
    return data_table(caption, head, rows, numeric={2}, table_id=table_id)


def _block(key: str, series: list[Series], sentences: list[str], lang: str, gid: str, norm: float | None,
           merger: int | None, table: bool = True) -> list:
    sid = f"{gid}-sentence"
    unit = series[0].unit if series else ""
    out: list = [html.H2(t(f"finance.{key}.heading", lang), id=f"{gid}-heading")]
    if not series:
        return out + [html.P(t("finance.sentence.none_for", lang), id=sid, className="chart-sentence")]
    out.append(html.P(" ".join(sentences), id=sid, className="chart-sentence"))
    fig = finance_bars(_bars(series, lang), lang, norm, unit, merger)
    out.append(html.Div(dcc.Graph(id=gid, figure=fig, config={"displayModeBar": False, "responsive": True}),
                        className="chart", **{"aria-describedby": sid}))
    if any(st == "preliminary" for x in series for st in x.rows["status"]):
        out.append(html.P(t("finance.hatched", lang), className="small"))
    if table:
        out.append(_series_table(series, lang, t(f"finance.{key}.caption", lang), f"{gid}-table"))
    return out


def _merger(series_lists) -> int | None:
    years = [y for ss in series_lists for s in ss for y in s.years]
    return MERGER_YEAR if years and min(years) < MERGER_YEAR <= max(years) + 1 else None


def _kostra(view: FinanceView, lang: str) -> list:
    out: list = [html.H2(t("finance.kostra.heading", lang), id="finance-kostra-heading"),
                 html.P(t("finance.kostra.intro", lang))]
    if not view.regions:
        return out + [html.P(t("finance.kostra.none", lang), id="finance-kostra-none")]
    names = dict(view.regions)
    out.append(html.Div(html.Div([
        dbc.Label(t("finance.kostra.region", lang), html_for=ids.dom_id(ids.url_param("municipality"))),
        dbc.Select(id=ids.url_param("municipality"), value=view.region,
                   options=[{"label": f"{entity_name(c, nm, lang)} ({c})", "value": c} for c, nm in view.regions]),
    ], className="control"), className="controls", role="search", **{"aria-label": t("finance.kostra.region", lang)}))
    region = entity_name(view.region, names.get(view.region, view.region), lang)
    for measure, s in view.kostra.items():
        gid = f"finance-kostra-{measure.replace('_', '-')}"
        sentences = (norm_sentences([s], view, lang) if measure == "net_operating_result_pct"
                     else level_sentences([s], lang))
        out += _block(f"kostra.{measure}", [s], sentences, lang, gid,
                      view.norm_pct if measure == "net_operating_result_pct" else None, None)
    if not view.kostra:
        out.append(html.P(t("finance.kostra.empty", lang, region=region)))
    return out


def layout(view: FinanceView, lang: str, financial_return_2018: float | None, param_notices=()) -> list:
    rows = view.rows
    own = view.own or {}
    merger = _merger(own.values())
    content: list = []
    n = notices(list(param_notices), lang)
    if n is not None:
        content.append(n)
    content += [html.H1(t("finance.title", lang)), html.P(t("finance.intro", lang), className="lead-text"),
                html.P(t("finance.basis.text", lang, bases=t("finance.basis.kommunekasse", lang)))]
    pct, mnok = own.get("net_operating_result_pct", []), own.get("net_operating_result", [])
    content += _block("pct", pct, norm_sentences(pct, view, lang) or [t("finance.sentence.none", lang)],
                      lang, "finance-pct-graph", view.norm_pct, merger, table=False)
    content += _block("mnok", mnok, level_sentences(mnok, lang) or [t("finance.sentence.none", lang)], lang,
                      "finance-mnok-graph", None, merger, table=False)
    if view.norm_pct is not None:
        content.append(html.P(t("finance.norm.text", lang, source=plain_text(view.norm_source, lang), year=view.norm_from,
                                norm=fmt_pct(view.norm_pct, lang, 2)), id="finance-norm"))
    if merger:
        content.append(html.P(t("finance.merger.text", lang), id="finance-merger"))
    table_rows = []
    for r in rows.itertuples(index=False):
        status = r.status_pct if isinstance(r.status_pct, str) else r.status_mnok
        source = r.source_mnok if isinstance(r.source_mnok, str) and r.source_mnok else r.source_pct
        note = r.note_mnok if isinstance(r.note_mnok, str) and r.note_mnok else (r.note_pct if isinstance(r.note_pct, str) else "")
        table_rows.append([
            str(int(r.year)), f"{entity_name(r.municipality_code, r.municipality_name, lang)} ({r.municipality_code})",
            fmt_value(_num(r.result_mnok), lang), fmt_pct(_num(r.result_pct), lang),
            t(f"finance.status.{status}", lang) if isinstance(status, str) else "–",
            t(f"finance.basis.{r.basis}", lang), data_text(source, lang), data_text(note, lang, ""),
        ])
    content.append(data_table(
        t("finance.table.caption", lang),
        [t(f"finance.col.{c}", lang) for c in ("year", "entity", "mnok", "pct", "status", "basis", "source", "note")],
        table_rows, numeric={2, 3}, table_id="finance-table",
    ))
    if not rows.empty and (rows["year"] == 2018).any():
        ret = fmt_number(abs(financial_return_2018), lang, 0) + " MNOK" if financial_return_2018 is not None else "–"
        content.append(html.Section([html.H2(t("finance.2018.heading", lang)),
                                     html.P(t("finance.2018.text", lang, ret=ret))], id="finance-2018",
                                    className="explain-box"))
    ret_series, debt = own.get("financial_return", []), own.get("long_term_debt", [])
    content += _block("return", ret_series, level_sentences(ret_series, lang), lang, "finance-return-graph", None,
                      _merger([ret_series]))
    content += _block("debt", debt, level_sentences(debt, lang), lang, "finance-debt-graph", None, _merger([debt]))
    content += _kostra(view, lang)
    return content
