"""Shared building blocks for the article's sections: palette, figure blocks, sliders, readouts.

Every figure is wrapped by ``figure_block`` so all figures look and behave alike: a titled box with
the graph (id ``fig-…``), its controls, numeric readouts and a one-line caption saying what to notice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import plotly.graph_objects as go
from dash import dcc, html

from components.prose import prose_html
from views.style import (  # noqa: F401 (the names the sections import from here)
    DIVERGING_COLORSCALE,
    FONT,
    IMAGE_COLORSCALE,
    PALETTE,
    base_layout,
    message_figure,
)

# Where the original article and the authors' arXiv paper live; both links are credited in the header, the intro
# and §4.
PAPER_URL = "https://arxiv.org/abs/1806.11186"
ORIGINAL_URL = "https://thomas-tanay.github.io/post--L2-regularization/"

GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def graph(fig_id: str, figure: go.Figure | None = None, height: int | None = None, **kwargs) -> dcc.Graph:
    """A dcc.Graph with the article's config; ``fig_id`` is the stable test id (``fig-…``)."""
    style = {"height": f"{height}px"} if height else {}  # never None: dcc.Graph reads style.height
    return dcc.Graph(id=fig_id, figure=figure or go.Figure(), config=GRAPH_CONFIG, style=style, **kwargs)


def slider(
    ctl_id: str,
    min: float,
    max: float,
    value: float,
    step: float | None = None,
    marks: dict | None = None,
    label: str = "",
    valuetext: Callable[[float], str] | None = None,
    **kwargs,
) -> html.Div:
    """A keyboard-operable slider that updates while dragging, with a visible label (id ``<ctl_id>-label``, the
    accessible name of its thumb and number box, assets/a11y.js) and, with ``valuetext``, what the thumb announces
    at each value of its grid (``aria-valuetext``, e.g. "λ = 1.0 × 10⁻²"), computed here once per grid value."""
    extra = {"data-valuetext": valuetexts(min, max, step, valuetext)} if valuetext and step else {}
    return html.Div(
        [
            html.Label(label, id=f"{ctl_id}-label", className="control-label") if label else None,
            dcc.Slider(
                id=ctl_id,
                min=min,
                max=max,
                value=value,
                step=step,
                marks=marks,
                updatemode="drag",
                tooltip={"always_visible": False},
                **kwargs,
            ),
        ],
        className="control",
        **extra,
    )


def valuetexts(lo: float, hi: float, step: float, text: Callable[[float], str]) -> str:
    """The texts a slider's thumb announces, as assets/a11y.js reads them: ``{min, step, texts}`` (JSON), text i for
    the value ``min + i·step``, so that a step costs the browser one index and one attribute."""
    n = int(round((hi - lo) / step)) + 1
    texts = [text(round(lo + i * step, 10)) for i in range(n)]
    return json.dumps({"min": lo, "step": step, "texts": texts}, ensure_ascii=False, separators=(",", ":"))


def readouts(items: Sequence[tuple[str, str, str]]) -> html.Div:
    """Numeric readouts: (element id, label, initial text) triples, shown as a row of "label value".

    Only the values are components (the labels are text in the row, joined to their value by no-break spaces):
    every component on the page costs Dash work on each slider step, and a page has ~40 readouts."""
    children: list = []
    for rid, label, text in items:
        children += [
            label.strip().replace(" ", "\u00a0") + "\u00a0",
            html.Span(text, id=rid, className="readout-value"),
            " ",
        ]
    return html.Div(children[:-1], className="readouts", **{"aria-live": "polite"})


def figure_block(
    fig_id: str,
    title: str,
    body: Sequence,
    caption: str,
    controls: Sequence = (),
    readout_row: html.Div | None = None,
    wide: bool = False,
) -> html.Figure:
    """A figure: title, controls, the graph(s) in ``body``, readouts, and a caption of what to notice.  The figure
    is named by its title and described by the caption and the live readouts (its text alternative);
    ``data-figure`` names it for the teacher's tools, which assets/teacher.js adds beside the title as plain DOM
    (docs/architecture/classroom.md), and for the /figure/<id> route.

    Only what Dash must know about is a component here: the renderer's work on every update — each slider step
    included — grows with the number of components in the layout, so the block adds two (the figure and its title)
    around what the section gives it."""
    title_id, caption_id, readouts_id = f"{fig_id}-title", f"{fig_id}-caption", f"{fig_id}-readouts"
    described = caption_id
    if readout_row is not None:
        readout_row.id = getattr(readout_row, "id", None) or readouts_id
        described = f"{caption_id} {readout_row.id}"
    return html.Figure(
        [html.Div(title, id=title_id, className="figure-title")]
        + ([html.Div(list(controls), className="controls")] if controls else [])
        + list(body)
        + ([readout_row] if readout_row is not None else [])
        + [html.Figcaption(caption, id=caption_id)],
        id=f"{fig_id}-block",
        className="figure" + (" figure-wide" if wide else ""),
        **{"aria-labelledby": title_id, "aria-describedby": described, "data-figure": fig_id},
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
    """A section of the article: a region landmark named by its heading."""
    return html.Section(
        [html.H2(title, id=f"{sec_id}-title")] + list(children),
        id=sec_id,
        className="section",
        **{"aria-labelledby": f"{sec_id}-title"},
    )
