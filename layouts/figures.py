"""DataFrame -> plotly figure. graph_objects only; no I/O."""

from __future__ import annotations

import plotly.graph_objects as go

from .formatting import fmt_pct
from .i18n import BAND_COLOURS, BAND_SYMBOLS, t


def _wrap(label: str, width: int = 16) -> str:
    words, lines, line = label.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "<br>".join(lines)


def score_bars(labels: list[str], pcts: list[float], bands: list[int], lang: str) -> go.Figure:
    """Horizontal bars of roll-up scores, coloured by band, labelled with shape and value."""
    colours = [BAND_COLOURS.get(b, "#888888") for b in bands]
    text = [f"{BAND_SYMBOLS.get(b, '')} {fmt_pct(p, lang)}" for p, b in zip(pcts, bands)]
    hover = [f"{lab}: {fmt_pct(p, lang)} – {t(f'band.{b}', lang)}" for lab, p, b in zip(labels, pcts, bands)]
    fig = go.Figure(go.Bar(
        x=pcts, y=[_wrap(lab) for lab in labels], orientation="h", marker={"color": colours, "line": {"color": "#222", "width": 1}},
        text=text, textposition="outside", cliponaxis=False, hovertext=hover, hoverinfo="text",
    ))
    for edge in (33, 66, 95):
        fig.add_vline(x=edge, line={"color": "#555", "width": 1, "dash": "dot"})
    fig.update_layout(
        margin={"l": 10, "r": 60, "t": 10, "b": 40}, height=80 + 58 * max(1, len(labels)),
        xaxis={"range": [0, 115], "title": {"text": t("chart.axis.score", lang)}, "ticksuffix": " %",
               "tickvals": [0, 33, 66, 95]},
        yaxis={"autorange": "reversed", "automargin": True},
        plot_bgcolor="#ffffff", paper_bgcolor="#ffffff", font={"family": "system-ui, sans-serif", "size": 14},
        separators=", " if lang == "nb" else ".,",
        showlegend=False,
    )
    return fig
