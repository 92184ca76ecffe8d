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

LEAD = r"""
The toy models above are linear or nearly so.  Does weight decay still matter for a real network?
We rebuild the classic **LeNet** used by the MatConvNet MNIST example and train it twice, with exactly
the same recipe except the weight decay: $10^{-4}$ (**LeNet_low**) and $10^{-1}$ (**LeNet_high**).
Both see raw pixel intensities 0..255 minus the mean training image; SGD with momentum 0.9, learning
rate 0.0005, batch 300, 50 epochs.
"""

ADV_TEXT = r"""
To compare the two nets fairly we first put them on the same confidence scale: each gets a softmax
temperature $t$ chosen so that, over the test set, the median top probability is 0.95.  Then, for one
test image of every digit, we push the image towards the next digit ($0\to1$, …, $9\to0$) by
normalised gradient steps on the target probability, $x' \leftarrow \mathrm{clip}(x' + \varepsilon\,
\nabla_x p_t / \lVert\nabla_x p_t\rVert)$ with $\varepsilon = 1$ grey level, until $p_t \ge 0.95$.
Norms $\lVert\delta\rVert_2$ are in units where a pixel goes from 0 to 1.  (The figure uses the paper's
step of one grey level; the 200-image curve below takes steps of four grey levels to save CPU time, and
on the ten digits here both steps give norms within a few percent of each other.  The drawing tool takes
steps of sixteen and then cuts its last step back to where the target is first reached, which changes the
norms by well under one percent.)
"""

LADDER_TEXT = r"""
Low and high are two points on a curve.  Training the same net at more weight decays shows the trade
continuously: the median perturbation needed to fool the net (over 200 fixed test images, 20 per digit)
against its test error.
"""

DRAW_TEXT = r"""
Now try it yourself: draw a digit (or pick any test image), choose a target, and both nets are
attacked on the server.  LeNet_high usually needs the larger change, though in our reproduction the
difference is smaller than in the paper.
"""


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
    """The LeNet section: prose and the six figures."""
    f = static_figures()
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
                "Top: originals with each net's class@probability. Then, per net, the adversarial image "
                "(target@probability) and the perturbation δ on a common colour scale (blue: ink added, red: ink removed).",
                wide=True,
            ),
            markdown(LADDER_TEXT),
            figure_block(
                "fig-lenet-ladder",
                "Weight-decay ladder",
                [graph("fig-lenet-ladder", f["ladder"])],
                "Both axes start at zero. The median perturbation grows with weight decay, but gently "
                "(see the reproduction notes: less than the paper reports), while test error hardly moves.",
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
