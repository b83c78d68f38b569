"""DataFrame -> plotly figure. graph_objects only; no I/O."""

from __future__ import annotations

import plotly.graph_objects as go

from .formatting import fmt_pct, fmt_value
from .i18n import BAND_COLOURS, BAND_SYMBOLS, t


def _wrap(label: str, width: int = 24) -> str:
    words, lines, line = label.split(), [], ""
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
        x=[min(p, cap) if cap else p for p in pcts], y=[_wrap(lab) for lab in labels], orientation="h", marker={"color": colours, "line": {"color": "#222", "width": 1}},
        text=text, textposition="outside", cliponaxis=False, hovertext=hover, hoverinfo="text",
    ))
    for edge in (33, 66, 95):
        fig.add_vline(x=edge, line={"color": "#555", "width": 1, "dash": "dot"})
    fig.update_layout(
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
        text = [
            (fmt_pct(v, lang) if unit == "%" else fmt_value(v, lang)) + (f"<br>({t('finance.preliminary', lang)})" if p else "")
            for v, p in zip(s["y"], prelim)
        ]
        fig.add_trace(go.Bar(
            x=s["x"], y=s["y"], name=s["name"], text=text, textposition="outside", cliponaxis=False,
            textfont={"size": 13}, constraintext="none",
            marker={"color": ENTITY_COLOURS[i % len(ENTITY_COLOURS)], "line": {"color": "#222", "width": 1},
                    "pattern": {"shape": ["/" if p else "" for p in prelim], "fgcolor": "#ffffff", "solidity": 0.35}},
            hovertext=[f"{s['name']} {x}: {tx.replace('<br>', ' ')}" for x, tx in zip(s["x"], text)], hoverinfo="text",
        ))
    if norm is not None:
        fig.add_hline(y=norm, line={"color": "#9c1426", "width": 2, "dash": "dash"},
                      annotation_text=t("finance.norm", lang, norm=fmt_pct(norm, lang, 2)),
                      annotation_position="bottom right", annotation_font_color="#9c1426")
    if merger_year is not None:
        fig.add_vline(x=merger_year - 0.5, line={"color": "#333", "width": 2, "dash": "dot"},
                      annotation_text=t("finance.merger", lang), annotation_position="top")
    ymax = max((v for s in series for v in s["y"] if v is not None), default=1)
    fig.update_layout(
        barmode="group", margin={"l": 10, "r": 10, "t": 40, "b": 40}, height=380,
        xaxis={"title": {"text": t("finance.axis.year", lang)}, "dtick": 1, "type": "linear"},
        yaxis={"title": {"text": unit}, "range": [min(0, ymax * -0.1), ymax * 1.25], "ticksuffix": " %" if unit == "%" else ""},
        legend={"orientation": "h", "y": -0.25}, plot_bgcolor="#ffffff", paper_bgcolor="#ffffff",
        font={"family": "system-ui, sans-serif", "size": 14}, separators=", " if lang == "nb" else ".,",
    )
    return fig
