"""§3, LeNet on MNIST: the section (prose, layout, callbacks) around the LeNet figures.

Every figure is a pure builder in views/ (docs/architecture/lenet.md says which module draws which): the architecture
(views.lenet_arch), training curves and weights (views.lenet_training), adversarial examples and the weight-decay
ladder (views.lenet_attacks), the draw-a-digit figure (views.lenet_draw).  The views read the precomputed results
through the store, manifest checked; nothing here imports torch.  The attack on a drawn digit is a
``lenet-attack`` job run by a JobRunner (components/widgets/job_runner.py); the canvas is assets/lenet.js.
"""

from __future__ import annotations

from functools import lru_cache

import dash
import numpy as np
from dash import Input, Output, State, dcc, html

from components.common import figure_block, graph, markdown, readouts, section
from components.lenet_text import (
    ADV_TEXT,
    CAPTIONS,
    DRAW_TEXT,
    LADDER,
    LEAD,
    REPRO,
    SECOND,
    TEMPERATURE,
    VERSUS,
    fill,
    verdict,
)
from components.widgets.job_runner import Ids, JobRunner, Submission, Texts
from views import lenet_figures
from views.lenet_arch import arch_figure
from views.lenet_draw import (
    N_TEST,
    attack_request,
    draw_readout,
    first_draw,
    input_image,
    make_draw,
    parse_index,
    parse_source,
    parse_target,
)
from views.lenet_training import rms_rows

URL_STATE = {
    "lnidx": ("ctl-lenet-index", "value", parse_index),
    "lntgt": ("ctl-lenet-target", "value", parse_target),
    "lnsrc": ("ctl-lenet-source", "value", parse_source),
}


@lru_cache(maxsize=4)
def _table(rows: tuple[tuple[str, ...], ...]) -> html.Table:
    head, *body = rows
    return html.Table(
        [html.Thead(html.Tr([html.Th(c) for c in head])), html.Tbody([html.Tr([html.Td(c) for c in r]) for r in body])],
        id="tbl-lenet-rms",
        className="lenet-table",
    )


def rms_table(summary: dict) -> html.Table:
    """RMS of each layer's weights for both nets, and the ratio low / high."""
    return _table(rms_rows(summary))


def static_figures() -> dict:
    """The cached static figures (views.lenet_figures) and the RMS table, or a notice where it cannot be built."""
    figs = lenet_figures.static_figures()
    rms = figs["rms"]
    return {**figs, "table": _table(rms) if isinstance(rms, tuple) else html.P(rms, className="notice")}


def layout() -> html.Section:
    """The LeNet section: prose (numbers from the analysis) and the nine figures."""
    f = static_figures()
    facts = f["facts"]
    return section(
        "lenet",
        "LeNet on MNIST",
        [
            markdown(LEAD),
            figure_block(
                "fig-lenet-arch",
                "LeNet, layer by layer",
                [graph("fig-lenet-arch", arch_figure())],
                "Every layer is a convolution; the last two act as fully connected layers on a 4×4 and a 1×1 map.",
            ),
            figure_block(
                "fig-lenet-errors",
                "Training and test error per epoch",
                [graph("fig-lenet-errors", f["errors"])],
                "Dotted: error on the training batches during the epoch; solid: test error. The strongly "
                "decayed net fits the training set less tightly, and its two curves stay close.",
            ),
            figure_block(
                "fig-lenet-weights",
                "Weights: RMS per layer and a few filters",
                [f["table"], graph("fig-lenet-weights", f["weights"])],
                "Same random filters for both nets, one colour scale per layer (blue positive, red negative): "
                "the weights of LeNet_high are much smaller in every layer.",
            ),
            markdown(ADV_TEXT),
            figure_block(
                "fig-lenet-advs",
                "Targeted adversarial examples, one per digit",
                [graph("fig-lenet-advs", f["advs"])],
                "Top row: the originals, with their digit (both nets classify all ten correctly). Then, per net "
                "(named on the left), the adversarial image with target@probability and the perturbation δ with "
                "its norm ‖δ‖₂ above it, on a common colour scale (blue: ink added, red: ink removed).",
                wide=True,
            ),
            markdown(fill(REPRO, facts)),
            markdown(fill(LADDER, facts)),
            markdown(fill(SECOND, facts)),
            figure_block(
                "fig-lenet-ladder",
                "Weight-decay ladder, over seeds",
                [graph("fig-lenet-ladder", f["ladder"])],
                CAPTIONS["ladder"],
            ),
            markdown(fill(VERSUS, facts) + " " + verdict(facts)),
            figure_block(
                "fig-lenet-tradeoff",
                "Accuracy against robustness: weight decay and adversarial training",
                [graph("fig-lenet-tradeoff", f["tradeoff"])],
                CAPTIONS["tradeoff"],
            ),
            markdown(fill(TEMPERATURE, facts)),
            figure_block(
                "fig-lenet-temperature",
                "Temperature and calibration against weight decay",
                [graph("fig-lenet-temperature", f["temperature"])],
                CAPTIONS["temperature"],
            ),
            figure_block(
                "fig-lenet-reliability",
                "Reliability diagram",
                [graph("fig-lenet-reliability", f["reliability"])],
                CAPTIONS["reliability"],
            ),
            markdown(DRAW_TEXT),
            draw_block(),
        ],
    )


def draw_block() -> html.Figure:
    """fig-lenet-draw: canvas or test image, target, attack button, result figure and readout."""
    controls = [
        dcc.RadioItems(
            id="ctl-lenet-source",
            value="test",
            inline=True,
            options=[{"label": " test image", "value": "test"}, {"label": " my drawing", "value": "drawing"}],
        ),
        html.Label("test image", htmlFor="ctl-lenet-index", className="control-label"),
        dcc.Input(id="ctl-lenet-index", type="number", min=0, max=N_TEST - 1, step=1, value=0, debounce=True),
        html.Label("target", htmlFor="ctl-lenet-target", className="control-label"),
        dcc.Dropdown(
            id="ctl-lenet-target",
            options=list(range(10)),
            value=1,
            clearable=False,
            style={"width": "5em", "display": "inline-block"},
        ),
        ATTACK.button("Attack both nets"),
    ]
    canvas = html.Div(
        [
            html.Canvas(
                id="lenet-canvas",
                width=196,
                height=196,
                className="lenet-canvas",
                role="img",
                **{"aria-label": "Drawing area: draw a digit here with a mouse, a finger or a pen"},
                style={"border": "1px solid #999", "touchAction": "none", "background": "white", "cursor": "crosshair"},
            ),
            html.Button("Clear", id="ctl-lenet-clear", n_clicks=0),
        ],
        className="lenet-canvas-box",
    )
    return figure_block(
        "fig-lenet-draw",
        "Draw a digit and fool both nets",
        [
            html.Div([canvas, graph("fig-lenet-draw", first_draw())], className="lenet-draw-row"),
            dcc.Store(id="store-lenet-drawing"),
            *ATTACK.stores(),
            ATTACK.status(),
        ],
        "Left: what the nets see (your drawing is scaled to 20×20 and centred like MNIST). "
        "In δ, blue pixels gained ink and red pixels lost ink.",
        controls=controls,
        readout_row=readouts([("ro-lenet-draw", "result", "")]),
        wide=True,
    )


# ---------------------------------------------------------------------------------------- callbacks

# The canvas (assets/lenet.js draws, crops, centres and stores the digit); the Clear button empties it.
dash.clientside_callback(
    dash.ClientsideFunction(namespace="l2lenet", function_name="clear"),
    Output("ctl-lenet-clear", "title"),
    Input("ctl-lenet-clear", "n_clicks"),
    prevent_initial_call=True,
)


@dash.callback(
    Output("fig-lenet-draw", "figure"),
    Output("ro-lenet-draw-msg", "children", allow_duplicate=True),
    Input("ctl-lenet-source", "value"),
    Input("ctl-lenet-index", "value"),
    Input("store-lenet-drawing", "data"),
    prevent_initial_call=True,  # the page comes with the default input drawn (first_draw)
)
def show_input(source, index, drawing):
    """Show the chosen input (no computation); explain what is wrong with it if it cannot be used."""
    try:
        return make_draw(input_image(source, index, drawing)), ""
    except ValueError as exc:
        return make_draw(None), str(exc)


def attack_submission(source, index, target, drawing) -> Submission:
    """The attack job for the chosen input and target; the input image travels back with the result."""
    params, image = attack_request(source, index, target, drawing)
    return Submission("lenet-attack", params, context=image, label="attacking")


# Submit on click, poll until done (the button disabled meanwhile); never computes in the web process.
ATTACK = JobRunner(
    Ids(
        button="ctl-lenet-go",
        poll="lenet-draw-poll",
        job="store-lenet-job",
        status="ro-lenet-draw-msg",
        result="store-lenet-result",
    ),
    attack_submission,
    states=[
        State("ctl-lenet-source", "value"),
        State("ctl-lenet-index", "value"),
        State("ctl-lenet-target", "value"),
        State("store-lenet-drawing", "data"),
    ],
    texts=Texts(failed="The attack did not run: {detail}"),
)
attack = ATTACK.callback  # (clicks, n_intervals, source, index, target, drawing, job) → the runner's five outputs


@dash.callback(
    Output("fig-lenet-draw", "figure", allow_duplicate=True),
    Output("ro-lenet-draw", "children"),
    Output("ro-lenet-draw-msg", "children", allow_duplicate=True),
    Input(ATTACK.ids.result, "data"),
    prevent_initial_call=True,
)
def show_attack(done):
    """Draw a finished attack: the input it was asked about, then each net's adversarial image and δ."""
    try:
        result = done["result"]
        return make_draw(np.asarray(done["context"], np.float32), result), draw_readout(result), dash.no_update
    except Exception as exc:  # noqa: BLE001 — a malformed result must not break the page
        return dash.no_update, "", f"The result could not be shown ({type(exc).__name__})."
