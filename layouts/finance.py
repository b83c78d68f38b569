"""The finance page (``/finance``): net operating result against the norm, merger and basis marked."""

from __future__ import annotations

import math

import pandas as pd
from dash import dcc, html

from data.queries import FinanceView

from .components import data_table
from .figures import finance_bars
from .formatting import fmt_number, fmt_pct, fmt_value
from .i18n import t

MERGER_YEAR = 2020


def _num(v) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _series(rows: pd.DataFrame, column: str, status_col: str) -> list[dict]:
    out = []
    for (code, name, basis), g in rows.groupby(["municipality_code", "municipality_name", "basis"], sort=False):
        g = g[g[column].notna()]
        if g.empty:
            continue
        label = f"{name} ({code})" + (" – konsern" if basis == "konsern" else "")
        out.append({"name": label, "x": [int(y) for y in g["year"]], "y": [float(v) for v in g[column]],
                    "status": [str(s) for s in g[status_col]]})
    return out


def _pct_sentence(rows: pd.DataFrame, view: FinanceView, lang: str) -> str:
    main = rows[rows["result_pct"].notna()]
    if main.empty:
        return t("finance.sentence.none", lang)
    vals = main["result_pct"].astype(float)
    last = main.iloc[-1]
    latest = f"{last['municipality_name']}: {fmt_pct(float(last['result_pct']), lang)}"
    if str(last["status_pct"]) == "preliminary":
        latest += f" ({t('finance.preliminary', lang)})"
    norm = view.norm_pct if view.norm_pct is not None else math.nan
    return t("finance.sentence.pct", lang, min=fmt_pct(vals.min(), lang), max=fmt_pct(vals.max(), lang),
             first=int(main["year"].min()), last=int(main["year"].max()), norm=fmt_pct(norm, lang, 2),
             above=int((vals >= norm).sum()), n=len(vals), latest=latest)


def _mnok_sentence(rows: pd.DataFrame, lang: str) -> str:
    main = rows[rows["result_mnok"].notna()]
    if main.empty:
        return t("finance.sentence.none", lang)
    best, worst = main.loc[main["result_mnok"].idxmax()], main.loc[main["result_mnok"].idxmin()]
    return t("finance.sentence.mnok", lang, best_year=int(best["year"]), worst_year=int(worst["year"]),
             best=f"{fmt_value(float(best['result_mnok']), lang)} MNOK ({best['municipality_name']})",
             worst=f"{fmt_value(float(worst['result_mnok']), lang)} MNOK ({worst['municipality_name']})")


def layout(view: FinanceView, lang: str, financial_return_2018: float | None) -> list:
    rows = view.rows
    years = [int(y) for y in rows["year"]] if not rows.empty else []
    merger = MERGER_YEAR if years and min(years) < MERGER_YEAR <= max(years) + 1 else None
    content: list = [html.H1(t("finance.title", lang)), html.P(t("finance.intro", lang), className="lead-text")]
    bases = sorted(set(rows["basis"].astype(str))) if not rows.empty else []
    content.append(html.P(t("finance.basis.text", lang, bases=", ".join(t(f"finance.basis.{b}", lang) for b in bases))))
    for key, column, status_col, unit, sentence, gid in (
        ("finance.pct.heading", "result_pct", "status_pct", "%", _pct_sentence(rows, view, lang), "finance-pct-graph"),
        ("finance.mnok.heading", "result_mnok", "status_mnok", "MNOK", _mnok_sentence(rows, lang), "finance-mnok-graph"),
    ):
        sid = f"{gid}-sentence"
        content += [html.H2(t(key, lang)), html.P(sentence, id=sid, className="chart-sentence")]
        series = _series(rows, column, status_col) if not rows.empty else []
        if series:
            fig = finance_bars(series, lang, view.norm_pct if unit == "%" else None, unit, merger)
            content.append(html.Div(dcc.Graph(id=gid, figure=fig, config={"displayModeBar": False, "responsive": True}),
                                    className="chart", **{"aria-describedby": sid}))
    if view.norm_pct is not None:
        content.append(html.P(t("finance.norm.text", lang, source=view.norm_source, year=view.norm_from,
                                norm=fmt_pct(view.norm_pct, lang, 2)), id="finance-norm"))
    if merger:
        content.append(html.P(t("finance.merger.text", lang), id="finance-merger"))
    table_rows = []
    for r in rows.itertuples(index=False):
        status = r.status_pct if isinstance(r.status_pct, str) else r.status_mnok
        source = r.source_mnok if isinstance(r.source_mnok, str) and r.source_mnok else r.source_pct
        note = r.note_mnok if isinstance(r.note_mnok, str) and r.note_mnok else (r.note_pct if isinstance(r.note_pct, str) else "")
        table_rows.append([
            str(int(r.year)), f"{r.municipality_name} ({r.municipality_code})",
            fmt_value(_num(r.result_mnok), lang), fmt_pct(_num(r.result_pct), lang),
            t(f"finance.status.{status}", lang) if isinstance(status, str) else "–",
            t(f"finance.basis.{r.basis}", lang), html.Span(str(source), className="source-text"), note,
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
    return content
