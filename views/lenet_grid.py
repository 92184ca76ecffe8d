"""Figures without data axes for the LeNet section: a grid of small pictures, and a figure that states a problem."""

from __future__ import annotations

import plotly.graph_objects as go

from views.style import FONT, PALETTE, base_layout


def message_figure(text: str, height: int = 260) -> go.Figure:
    """An empty figure stating a problem in plain words (the page keeps working)."""
    fig = base_layout(go.Figure(), height=height)
    fig.add_annotation(
        text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font=dict(size=14, color=PALETTE["muted"])
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def image_grid(
    cells: list[dict],
    labels: list[tuple],
    nrows: int,
    ncols: int,
    height: int,
    hgap: float = 0.008,
    vgap: float = 0.06,
    row_titles: list[tuple] = (),
) -> go.Figure:
    """A grid of small pictures as layout images placed in paper coordinates: no axes, no traces.

    ``cells``: dicts with row, col and ``source`` (a PNG data URI from ``png_uri`` / ``heatmap_uri``,
    row 0 at the top, stretched over the cell as a heatmap on its own axes would be); ``labels``: (row, col,
    text, colour) above cells, drawn as one text-only scatter trace on the hidden axes (whose [0, 1] ranges
    make data and paper coordinates the same).  ``row_titles``: (first row, last row, text, colour) written
    vertically in the left margin beside those rows (annotations; the margin widens for them).  One image element per cell is far cheaper for Plotly to draw
    than a heatmap on its own pair of axes (the 50-cell grid took ~245 ms of plotting as heatmaps), and one text
    trace than an annotation per label (~40 ms less for the 50 labels of F16).  No hover on the cells."""
    w = (1 - hgap * (ncols - 1)) / ncols
    h = (1 - vgap * nrows) / nrows

    def dom(r: int, c: int) -> tuple[list[float], list[float]]:
        x0 = c * (w + hgap)
        y1 = 1 - r * (h + vgap) - vgap
        return [max(x0, 0.0), min(x0 + w, 1.0)], [max(y1 - h, 0.0), min(y1, 1.0)]

    images = []
    for cell in cells:
        dx, dy = dom(cell["row"], cell["col"])
        images.append(
            {
                "source": cell["source"],
                "xref": "paper",
                "yref": "paper",
                "x": dx[0],
                "y": dy[1],
                "sizex": dx[1] - dx[0],
                "sizey": dy[1] - dy[0],
                "xanchor": "left",
                "yanchor": "top",
                "sizing": "stretch",
                "layer": "above",
            }
        )
    doms = [dom(r, c) for r, c, _text, _color in labels]
    text_trace = {
        "type": "scatter",
        "mode": "text",
        "x": [(dx[0] + dx[1]) / 2 for dx, _dy in doms],
        "y": [dy[1] for _dx, dy in doms],
        "text": [text for _r, _c, text, _color in labels],
        "textposition": "top center",
        "textfont": {"size": 10, "color": [color for _r, _c, _text, color in labels]},
        "hoverinfo": "skip",
        "showlegend": False,
        "cliponaxis": False,
        "name": "labels",
    }
    hidden = {"visible": False, "range": [0, 1], "autorange": False, "fixedrange": True}
    titles = []
    for first, last, text, color in row_titles:
        top, bottom = dom(first, 0)[1][1], dom(last, 0)[1][0]
        titles.append(
            {
                "text": f"<b>{text}</b>",
                "x": 0,
                "y": (top + bottom) / 2,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "right",
                "yanchor": "middle",
                "xshift": -4,
                "textangle": -90,
                "showarrow": False,
                "font": {"size": 13, "color": color},
            }
        )
    layout = {
        "images": images,
        "annotations": titles,
        "xaxis": hidden,
        "yaxis": dict(hidden),
        "height": height,
        "margin": dict(l=30 if titles else 10, r=10, t=30, b=10),
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "font": dict(family=FONT, size=13, color="#222"),
        "uirevision": "keep",
        "hovermode": False,
    }
    return go.Figure({"data": [text_trace] if labels else [], "layout": layout}, _validate=False)  # checked numbers
