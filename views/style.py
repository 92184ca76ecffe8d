"""The article's figure style: palette, colour scales, the Plotly template, the common layout and a message figure.

Every figure of every section is drawn with ``base_layout`` on the ``article`` template registered here, so all
figures look alike (fonts, margins, white background) and Plotly lays each out once (no axis automargin).
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

# Okabe–Ito: a colour-blind-safe qualitative palette.  Class I (y = −1) is orange, class J (y = +1)
# is blue everywhere in the article; boundaries are black, adversarial things vermillion.
PALETTE = {
    "I": "#E69F00",
    "J": "#0072B2",
    "boundary": "#222222",
    "adversarial": "#D55E00",
    "accent": "#009E73",
    "muted": "#999999",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
}
# The classes' colours where they must stand out from the white background by themselves (WCAG 2.1 non-text
# contrast, 3:1): outlines of markers and thin lines.  Okabe–Ito's orange is 2.3:1 on white, so class I's strokes
# are a darker shade of it (3.7:1) while fills keep the orange; blue is 5.2:1 as it is.  tests/test_classroom.py
# checks every class trace of the page.
EDGE = {"I": "#B87800", "J": "#0072B2"}
# Sequential map for images in [0, 1] (and the toy's [−1, 1] drawn as (v+1)/2): Blues.
IMAGE_COLORSCALE = "Blues"
# Diverging map for signed things (weights, perturbations), symmetric around 0.
DIVERGING_COLORSCALE = "RdBu"

FONT = "Georgia, 'Times New Roman', serif"

# Every figure's template: Plotly's default look without axis `automargin`.  Automargin makes Plotly.js lay
# each figure out twice (measure the labels, grow the margins, redraw): 0.45 s of the page's first paint on
# 2 cores for 14 figures.  The margins below are the ones automargin settled on (x title at its standoff).
ARTICLE_TEMPLATE = go.layout.Template(pio.templates["plotly"])
ARTICLE_TEMPLATE.layout.xaxis.automargin = None
ARTICLE_TEMPLATE.layout.yaxis.automargin = None
# Tick labels are never hidden for overflowing the figure (Plotly's default "hide past div" measures the box of
# every tick label of every axis after drawing it: ~0.15 s of the page's first paint).  The fixed margins keep
# the labels inside.
ARTICLE_TEMPLATE.layout.xaxis.ticklabeloverflow = "allow"
ARTICLE_TEMPLATE.layout.yaxis.ticklabeloverflow = "allow"
pio.templates["article"] = ARTICLE_TEMPLATE
pio.templates.default = "article"
MARGIN = dict(l=60, r=20, t=30, b=58)


def base_layout(
    fig: go.Figure, x_title: str | None = None, y_title: str | None = None, height: int = 360, **kwargs
) -> go.Figure:
    """Apply the article's common figure style (fonts, margins, white background, axis titles)."""
    kwargs.setdefault("margin", dict(MARGIN))
    fig.update_layout(
        height=height,
        font=dict(family=FONT, size=13, color="#222"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        hovermode="closest",
        uirevision="keep",
        **kwargs,
    )
    fig.update_xaxes(title_text=x_title, showline=True, linecolor="#444", gridcolor="#eee", zeroline=False)
    fig.update_yaxes(title_text=y_title, showline=True, linecolor="#444", gridcolor="#eee", zeroline=False)
    return fig


def message_figure(text: str, height: int = 300) -> go.Figure:
    """An empty figure that states a problem (missing artifact, bad input) in plain words."""
    fig = go.Figure()
    base_layout(fig, height=height)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(
        text=text,
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font=dict(size=15, color=PALETTE["adversarial"]),
    )
    return fig


def rgba(hex_color: str, alpha: float) -> str:
    """'#RRGGBB' with an opacity, as Plotly's rgba() colour text."""
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"
