"""DataFrame -> plotly figure. graph_objects only; no I/O."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .formatting import fmt_pct, fmt_value
from .i18n import BAND_COLOURS, BAND_SYMBOLS, t


def escape_text(text: str) -> str:
    """Plotly renders a subset of HTML in text: data must reach a figure as text, never as markup."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc_all(texts) -> list[str]:
    return [escape_text(x) for x in texts]


def _wrap(label: str, width: int = 24) -> str:
    """The label as text (markup escaped), broken into lines of about ``width`` characters."""
    words, lines, line = escape_text(label).split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "<br>".join(lines)


def score_bars(labels: list[str], pcts: list[float], bands: list[int], lang: str, axis_key: str = "chart.axis.score",
               cap: float | None = None) -> go.Figure:
    """Horizontal bars of roll-up scores, coloured by band, labelled with shape and value."""
    colours = [BAND_COLOURS.get(b, "#888888") for b in bands]
    text = [f"{BAND_SYMBOLS.get(b, '')} {fmt_pct(p, lang)}" for p, b in zip(pcts, bands)]
    hover = [f"{lab}: {fmt_pct(p, lang)} – {t(f'band.{b}', lang)}" for lab, p, b in zip(labels, pcts, bands)]
    fig = go.Figure(go.Bar(
        x=np.array([min(p, cap) if cap else p for p in pcts], dtype=float), y=[_wrap(lab) for lab in labels],
        orientation="h", marker={"color": colours, "line": {"color": "#222", "width": 1}},
        text=text, textposition="outside", cliponaxis=False, hovertext=esc_all(hover), hoverinfo="text",
    ))
    fig.update_layout(
        # the band edges as dotted lines (what add_vline writes, without its 10 ms per line of bookkeeping)
        shapes=[{"type": "line", "xref": "x", "yref": "y domain", "x0": edge, "x1": edge, "y0": 0, "y1": 1,
                 "line": {"color": "#555", "width": 1, "dash": "dot"}} for edge in (33, 66, 95)],
        margin={"l": 10, "r": 60, "t": 10, "b": 40}, height=80 + 58 * max(1, len(labels)),
        xaxis={"range": [0, (cap or 100) + 22], "title": {"text": t(axis_key, lang)}, "ticksuffix": " %",
               "tickvals": [0, 33, 66, 95]},
        yaxis={"autorange": "reversed", "automargin": True},
        plot_bgcolor="#ffffff", paper_bgcolor="#ffffff", font={"family": "system-ui, sans-serif", "size": 14},
        separators=", " if lang == "nb" else ".,",
        showlegend=False,
    )
    return fig


ENTITY_COLOURS = ("#1b5a9c", "#7a3e9d", "#2e7d32", "#b35900")


def finance_bars(series: list[dict], lang: str, norm: float | None, unit: str, merger_year: int | None) -> go.Figure:
    """One trace per entity and accounting basis (never merged); preliminary bars hatched and labelled."""
    fig = go.Figure()
    for i, s in enumerate(series):
        prelim = [st == "preliminary" for st in s["status"]]
        # the label is the value only (preliminary bars are hatched; the hover, the note and the table say so)
        text = [(fmt_pct(v, lang) if unit == "%" else fmt_value(v, lang)) for v in s["y"]]
        hover_text = [tx + (f" ({t('finance.preliminary', lang)})" if p else "") for tx, p in zip(text, prelim)]
        fig.add_trace(go.Bar(
            x=np.array(s["x"], dtype=float), y=np.array([np.nan if v is None else v for v in s["y"]], dtype=float),
            name=escape_text(s["name"]), text=text, textposition="outside", cliponaxis=False,
            textfont={"size": 13}, constraintext="both",
            marker={"color": s.get("colour") or ENTITY_COLOURS[i % len(ENTITY_COLOURS)],
                    "line": {"color": "#222", "width": 1},
                    "pattern": {"shape": ["/" if p else "" for p in prelim], "fgcolor": "#ffffff", "solidity": 0.35}},
            hovertext=[escape_text(f"{s['name']} {x}: {tx}") for x, tx in zip(s["x"], hover_text)], hoverinfo="text",
        ))
    if norm is not None:
        # named in the legend, not on the line: a label on the line sat over the first bar
        line = {"color": "#9c1426", "width": 2, "dash": "dash"}
        fig.add_hline(y=norm, line=line)
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=line, hoverinfo="skip",
                                 name=t("finance.norm", lang, norm=fmt_pct(norm, lang, 2))))
    if merger_year is not None:
        fig.add_vline(x=merger_year - 0.5, line={"color": "#333", "width": 2, "dash": "dot"},
                      annotation_text=t("finance.merger", lang), annotation_position="top")
    ymax = max((v for s in series for v in s["y"] if v is not None), default=1)
    ymin = min((v for s in series for v in s["y"] if v is not None), default=0)
    fig.update_layout(
        barmode="group", margin={"l": 10, "r": 10, "t": 40, "b": 40}, height=380,
        xaxis={"title": {"text": t("finance.axis.year", lang)}, "tickformat": "d", "tickangle": 0, "type": "linear",
               "automargin": True},
        yaxis={"title": {"text": unit}, "range": [min(0, ymin * 1.3, ymax * -0.1), max(ymax, 0) * 1.25 or 1], "ticksuffix": " %" if unit == "%" else ""},
        legend={"orientation": "h", "y": -0.25}, plot_bgcolor="#ffffff", paper_bgcolor="#ffffff",
        font={"family": "system-ui, sans-serif", "size": 14}, separators=", " if lang == "nb" else ".,",
        # a value label is shown only where it fits its bar at a readable size; the hover and the table keep it
        uniformtext={"minsize": 11, "mode": "hide"},
    )
    return fig


NO_BAND_COLOUR = "#d9d9d9"


def wheel(nodes: list[dict], lang: str) -> go.Figure:
    """The U4SSC benchmarking wheel: sub-dimension -> category -> KPI, each coloured by band.

    ``nodes`` carry id, parent, label, band (or None), hover text and, for a KPI,
    ``leaf``. Sub-dimension and category segments print their name and their
    band's symbol, so the colour never stands alone; a KPI segment (91 of them,
    4 degrees each) is far too narrow for text at a readable size and prints
    none: its code, name and band are in its hover and in the indicator list.
    Measuring 91 labels that could never be shown cost every cold draw 60-80 ms.
    """
    labels = ["" if n.get("leaf") else
              f"{escape_text(n['label'])}<br>{BAND_SYMBOLS.get(n['band'], '–')}" if n["band"]
              else escape_text(n["label"]) for n in nodes]
    fig = go.Figure(go.Sunburst(
        ids=[n["id"] for n in nodes], parents=[n["parent"] for n in nodes], labels=labels,
        values=np.array([n.get("size", 1) for n in nodes], dtype=float), branchvalues="total",
        marker={"colors": [BAND_COLOURS.get(n["band"], NO_BAND_COLOUR) for n in nodes],
                "line": {"color": "#ffffff", "width": 1}},
        hovertext=[escape_text(n["hover"]) for n in nodes], hoverinfo="text", insidetextorientation="radial",
        maxdepth=3, sort=False,
    ))
    # a segment too small for its label at 11 px shows none (its name, band and value are in the hover and in
    # the table beside the wheel) instead of text too small to read
    # no fixed height: the graph's box sets it (.wheel-graph in style.css: as tall as wide, at most 560 px)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}, autosize=True, paper_bgcolor="#ffffff",
                      font={"family": "system-ui, sans-serif", "size": 13},
                      uniformtext={"minsize": 11, "mode": "hide"},
                      separators=", " if lang == "nb" else ".,")
    return fig


SERIES_COLOURS = ("#1b5a9c", "#b35900", "#2e7d32", "#7a3e9d", "#9c1426", "#00738a")
SERIES_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star")
SERIES_DASHES = ("solid", "dot", "dashdot", "longdashdot", "solid", "dot")  # targets are "dash"


def band_limits(target: float, direction: str) -> list[tuple[int, float, float]] | None:
    """Value ranges of bands 1-4 for one target: (band, low, high), or None when not drawable."""
    if target is None or target <= 0 or direction not in ("higher", "lower"):
        return None
    if direction == "higher":
        edges = [0.0, 0.33 * target, 0.66 * target, 0.95 * target, None]
        return [(b, edges[b - 1], edges[b]) for b in (1, 2, 3, 4)]
    # lower is better: achievement = target / value, so band 4 lies below target / 0.95
    return [(4, 0.0, target / 0.95), (3, target / 0.95, target / 0.66), (2, target / 0.66, target / 0.33),
            (1, target / 0.33, None)]


def kpi_series(traces: list[dict], lang: str, unit: str, shading: tuple[float, str] | None,
               merger_year: int | None = None) -> go.Figure:
    """One line per data point, its target as a dashed line of the same colour, bands shaded for one target.

    ``traces``: name, years, values, hover, target (or None). ``shading``: (target, direction). Several data
    points differ by marker shape and line style as well as colour, and carry no value labels (they would sit
    on each other; the hover and the table give the values); a single line labels its first and latest value. ``merger_year``: a series that crosses it is
    marked, as on the finance charts.
    """
    fig = go.Figure()
    ys = [v for tr in traces for v in tr["values"] if v is not None]
    ys += [tr["target"] for tr in traces if tr["target"] is not None]
    top = max(ys, default=1.0) * 1.15 or 1.0
    if shading is not None:
        limits = band_limits(*shading)
        if limits:
            for band, lo, hi in limits:
                hi_v = top if hi is None else min(hi, top)
                if lo >= top:
                    continue
                fig.add_hrect(y0=lo, y1=hi_v, fillcolor=BAND_COLOURS[band], opacity=0.12, line_width=0,
                              annotation_text=f"{BAND_SYMBOLS[band]} {t(f'band.{band}', lang)}",
                              annotation_position="right", annotation_font_size=11,
                              annotation_font_color="#333333")
    def ends_only(values: list) -> list[str]:
        """Value labels on the first and the latest value only (the ones the sentence beside names): a label on
        every yearly point runs into its neighbours on a phone; the hover and the table keep every value."""
        shown = [j for j, v in enumerate(values) if v is not None]
        ends = {shown[0], shown[-1]} if shown else set()
        return [fmt_value(v, lang) if j in ends else "" for j, v in enumerate(values)]

    for i, tr in enumerate(traces):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        fig.add_trace(go.Scatter(
            x=np.array(tr["years"], dtype=float),
            y=np.array([np.nan if v is None else v for v in tr["values"]], dtype=float),
            name=escape_text(tr["name"]), mode="lines+markers+text" if len(traces) == 1 else "lines+markers",
            line={"color": colour, "width": 2, "dash": SERIES_DASHES[i % len(SERIES_DASHES)]},
            marker={"symbol": SERIES_SYMBOLS[i % len(SERIES_SYMBOLS)], "size": 10, "color": colour},
            text=ends_only(tr["values"]), textposition="top center",
            hovertext=esc_all(tr["hover"]), hoverinfo="text",
        ))
        if tr["target"] is not None and tr["years"]:
            fig.add_trace(go.Scatter(
                x=[min(tr["years"]), 2030], y=[tr["target"], tr["target"]],
                name=escape_text(f"{t('kpi.target', lang)}: {tr['name']}" if len(traces) > 1 else t("kpi.target", lang)),
                mode="lines", line={"color": colour, "width": 2, "dash": "dash"}, hoverinfo="skip",
            ))
    years = [y for tr in traces for y in tr["years"]]
    if merger_year is not None and years and min(years) < merger_year <= max(years):
        fig.add_vline(x=merger_year - 0.5, line={"color": "#333", "width": 2, "dash": "dot"},
                      annotation_text=t("finance.merger", lang), annotation_position="top right",
                      annotation_font_size=12)
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 10, "b": 40}, height=420,
        # whole years, as many as the width allows (every year at 1280 px, fewer on a phone, never on end)
        xaxis={"title": {"text": t("finance.axis.year", lang)}, "tickformat": "d", "tickangle": 0,
               "automargin": True, "range": [min(years, default=2019) - 0.5, 2030.5]},
        yaxis={"title": {"text": unit}, "range": [0, top], "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.2}, plot_bgcolor="#ffffff", paper_bgcolor="#ffffff",
        font={"family": "system-ui, sans-serif", "size": 14}, separators=", " if lang == "nb" else ".,",
        showlegend=True,
    )
    return fig


STATE_Z = {"missing": 0, "band1": 1, "band2": 2, "band3": 3, "band4": 4, "no_band": 5, "no_benchmark": 5,
           "not_reported": 6, "no_value": 6}
STATE_COLOURS = {0: "#ffffff", 5: "#dfe7ef", 6: "#bdbdbd"}


def band_matrix(row_labels: list[str], col_labels: list[str], states: list[list[str]], texts: list[list[str]],
                hover: list[list[str]], lang: str) -> go.Figure:
    """KPIs x municipalities: every cell prints its symbol and, where there is one, its value.

    Bands 1-4 in their colours; a value without band or benchmark in pale blue; not reported in grey;
    missing in white. The symbol and text tell them apart without colour."""
    z = np.array([[STATE_Z[s] for s in row] for row in states], dtype=float)
    colours = {**STATE_COLOURS, **BAND_COLOURS}
    scale = []
    for i in range(7):
        scale += [[i / 7, colours[i]], [(i + 1) / 7, colours[i]]]

    font = {"size": 12, "color": "#111111"}
    fig = go.Figure(go.Heatmap(
        z=z, x=[escape_text(c) for c in col_labels], y=[_wrap(lab, 22) for lab in row_labels],
        zmin=-0.5, zmax=6.5, colorscale=scale, showscale=False,
        hovertext=[[escape_text(h) for h in row] for row in hover], hoverinfo="text", xgap=2, ygap=2,
        # a missing cell is white: its text needs no box and is drawn by the heatmap itself, unmeasured (on
        # /compare's default view 84 of 110 cells; 110 measured annotations were ~110 ms of a 370 ms draw)
        text=[[escape_text(text) if state == "missing" else "" for state, text in zip(srow, trow)]
              for srow, trow in zip(states, texts)], texttemplate="%{text}", textfont=font,
    ))
    # every other cell's text as an annotation: dark text on a pale box, readable on every band colour and still
    # readable where a narrow screen makes the text wider than its cell
    # (set in one assignment: add_annotation per cell re-validates the whole list each time, quadratic)
    annotations = [{"x": j, "y": i, "text": escape_text(text), "showarrow": False, "xref": "x", "yref": "y",
                    "font": font, "bgcolor": "rgba(255,255,255,0.88)", "borderpad": 1}
                   for i, (srow, trow) in enumerate(zip(states, texts))
                   for j, (state, text) in enumerate(zip(srow, trow)) if state != "missing"]
    fig.update_layout(
        annotations=annotations,
        margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=120 + 44 * max(1, len(row_labels)),
        xaxis={"side": "top", "type": "category"}, yaxis={"autorange": "reversed", "automargin": True,
                                                          "type": "category"},
        plot_bgcolor="#ffffff", paper_bgcolor="#ffffff", font={"family": "system-ui, sans-serif", "size": 13},
        separators=", " if lang == "nb" else ".,",
    )
    return fig
