"""Shared building blocks for the article's sections: palette, figure blocks, sliders, readouts.

Every figure is wrapped by ``figure_block`` so all figures look and behave alike: a titled box with
the graph (id ``fig-…``), its controls, numeric readouts and a one-line caption saying what to notice.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import plotly.io as pio
from dash import dcc, html

from components.prose import prose_html

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
# Sequential map for images in [0, 1] (and the toy's [−1, 1] drawn as (v+1)/2): Blues.
IMAGE_COLORSCALE = "Blues"
# Diverging map for signed things (weights, perturbations), symmetric around 0.
DIVERGING_COLORSCALE = "RdBu"

# Where the original article and the authors' arXiv paper live; both links are credited in the header, the intro
# and §4.
PAPER_URL = "https://arxiv.org/abs/1806.11186"
ORIGINAL_URL = "https://thomas-tanay.github.io/post--L2-regularization/"

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
GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def base_layout(fig: go.Figure, x_title: str | None = None, y_title: str | None = None, height: int = 360,
                **kwargs) -> go.Figure:
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


def graph(fig_id: str, figure: go.Figure | None = None, height: int | None = None, **kwargs) -> dcc.Graph:
    """A dcc.Graph with the article's config; ``fig_id`` is the stable test id (``fig-…``)."""
    style = {"height": f"{height}px"} if height else {}  # never None: dcc.Graph reads style.height
    return dcc.Graph(id=fig_id, figure=figure or go.Figure(), config=GRAPH_CONFIG, style=style, **kwargs)


def slider(ctl_id: str, min: float, max: float, value: float, step: float | None = None,
           marks: dict | None = None, label: str = "", **kwargs) -> html.Div:
    """A keyboard-operable slider that updates while dragging, with a label for screen readers."""
    return html.Div(
        [
            html.Label(label, htmlFor=ctl_id, className="control-label") if label else None,
            dcc.Slider(id=ctl_id, min=min, max=max, value=value, step=step, marks=marks,
                       updatemode="drag", tooltip={"always_visible": False}, **kwargs),
        ],
        className="control",
    )


def readouts(items: Sequence[tuple[str, str, str]]) -> html.Div:
    """Numeric readouts: (element id, label, initial text) triples, shown as a row of "label value".

    Only the values are components (the labels are text in the row, joined to their value by no-break spaces):
    every component on the page costs Dash work on each slider step, and a page has ~40 readouts."""
    children: list = []
    for rid, label, text in items:
        children += [label.strip().replace(" ", "\u00a0") + "\u00a0",
                     html.Span(text, id=rid, className="readout-value"), " "]
    return html.Div(children[:-1], className="readouts", **{"aria-live": "polite"})


def figure_block(fig_id: str, title: str, body: Sequence, caption: str, controls: Sequence = (),
                 readout_row: html.Div | None = None, wide: bool = False) -> html.Figure:
    """A figure: title, controls, the graph(s) in ``body``, readouts, and a caption of what to notice."""
    return html.Figure(
        [html.Div(title, className="figure-title")]
        + ([html.Div(list(controls), className="controls")] if controls else [])
        + list(body)
        + ([readout_row] if readout_row is not None else [])
        + [html.Figcaption(caption)],
        id=f"{fig_id}-block",
        className="figure" + (" figure-wide" if wide else ""),
    )


PROSE_ATTR = "data-prose"


def markdown(text: str, **kwargs) -> html.Div:
    """Prose with $…$ / $$…$$ equations, typeset on the server as MathML (components.prose; no MathJax).

    The finished XHTML travels in the div's ``data-prose`` attribute and becomes its content through the browser's
    own HTML parser (assets/prose.js) as soon as the div is in the page.  dcc.Markdown would parse the same markup
    again as Markdown and then as JSX into React elements: ~0.2 s of a first page load on 2 cores for the
    article's 45 KB of prose, and a 320 KB script.  The markup is ours (made from the sections' own text), never
    a visitor's."""
    return html.Div(className="prose", **{PROSE_ATTR: prose_html(text)}, **kwargs)


def section(sec_id: str, title: str, children: Sequence) -> html.Section:
    return html.Section([html.H2(title, id=f"{sec_id}-title")] + list(children), id=sec_id, className="section")


def image_heatmap(img, zmin: float = 0.0, zmax: float = 1.0, colorscale: str = IMAGE_COLORSCALE,
                  showscale: bool = False, **kwargs) -> go.Heatmap:
    """A 28×28 (or any) image as a heatmap with row 0 at the top (use with ``yaxis autorange='reversed'``)."""
    return go.Heatmap(z=img, zmin=zmin, zmax=zmax, colorscale=colorscale, showscale=showscale,
                      hoverinfo="skip", **kwargs)
