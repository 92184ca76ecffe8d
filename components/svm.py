"""§2 (end): linear SVM and logistic regression on an MNIST digit pair — three linked views (F10–F12).

One λ slider (a FramePlayer) plays three layers into the views: the (pair, loss) sweep's frames, the mirror layer
of the chosen images, and an off-grid model while one is shown.  A pair or loss change fetches the (pair, loss)
answer file (views.answers, served at ``/svm-data/<pair>/<loss>?v=<key>``) in the browser (assets/mnist_pair.js);
with chosen images the server callback below computes their mirrors instead.  A λ between grid points is fitted by
the worker (job kind ``fit-lambda``) and shown, from its answer as returned, until the slider moves.
"""

from __future__ import annotations

import json
import logging

import dash
import numpy as np
from dash import Input, Output, State, dcc, html

from components.common import figure_block, markdown, message_figure, section
from components.startup import on_start
from components.svm_text import LEAD_IN, LOSS_CAPTION, MIRROR_CAPTION, PLANE_CAPTION
from components.widgets.frame_player import FramePlayer
from components.widgets.job_runner import Ids, JobRunner, Submission, Texts
from views import answers, svm_loss, svm_mirror, svm_plane, svm_sets
from views.mnist_params import (
    DEFAULT_LAM_INDEX,
    DEFAULT_LOSS,
    DEFAULT_PAIR,
    LAMBDA_MARKS,
    LOSS_LABELS,
    N_LAMBDA,
    PAIRS,
    lambda_valuetext,
    parse_choice,
    parse_image_index,
    parse_image_set,
    parse_lam_index,
    parse_lam_value,
    parse_loss,
    parse_pair,
)
from views.offgrid import offgrid_layers
from views.sweep_grid import sweep_grid

log = logging.getLogger(__name__)
MESSAGE = message_figure("…", height=svm_sets.MESSAGE_HEIGHT).to_plotly_json()

DATA_URL = "/svm-data"
PAIR_OPTIONS = [{"label": f"{a} vs {b}", "value": f"{a}-{b}"} for a, b in PAIRS]
PLAYER = FramePlayer(
    "ctl-svm-lambda",
    views=svm_sets.HEIGHTS,
    readouts=list(zip(svm_sets.READOUT_IDS + svm_mirror.READOUT_IDS,
                      svm_sets.READOUT_LABELS + svm_mirror.READOUT_LABELS, strict=True)),
    stores=["store-svm-frames", "store-svm-mirror", "store-svm-custom"],
    files=False,
    transient=["store-svm-custom"],
    slider=dict(min=0, max=N_LAMBDA - 1, value=DEFAULT_LAM_INDEX, step=1, marks=LAMBDA_MARKS,
                allow_direct_input=False, label="L2 regularization λ (grid of 81 values)", valuetext=lambda_valuetext),
    url=("lam", parse_lam_index),
)  # fmt: skip
URL_STATE = {
    "pair": ("ctl-svm-pair", "value", parse_pair),
    "loss": ("ctl-svm-loss", "value", parse_loss),
    **PLAYER.url_state,
    "lamv": ("ctl-svm-lam-custom", "value", parse_lam_value),
    "xset": ("ctl-svm-x-set", "value", parse_image_set),
    "xi": ("ctl-svm-x-index", "value", parse_image_index),
    "yset": ("ctl-svm-y-set", "value", parse_image_set),
    "yi": ("ctl-svm-y-index", "value", parse_image_index),
}
SPEC = json.dumps(PLAYER.spec, separators=(",", ":"))


def _image_picker(which: str, label: str) -> html.Div:
    sets = [{"label": "training image", "value": "train"}, {"label": "test image", "value": "test"}]
    return html.Div(
        [
            html.Label(label, htmlFor=f"ctl-svm-{which}-index", id=f"ctl-svm-{which}-label", className="control-label"),
            dcc.Dropdown(id=f"ctl-svm-{which}-set", options=sets, value="train", clearable=False, searchable=False,
                         className="svm-set"),
            dcc.Input(id=f"ctl-svm-{which}-index", type="number", min=0, step=1, placeholder="typical", debounce=True,
                      className="svm-index"),
            html.Button("random", id=f"ctl-svm-{which}-random", n_clicks=0, className="svm-button",
                        **{"aria-labelledby": f"ctl-svm-{which}-random ctl-svm-{which}-label"}),
        ],
        className="control svm-picker",
    )  # fmt: skip


def _controls(slider) -> list:
    return [
        html.Div([html.Label("digit pair", htmlFor="ctl-svm-pair", className="control-label"),
                  dcc.Dropdown(id="ctl-svm-pair", options=PAIR_OPTIONS, value=DEFAULT_PAIR, clearable=False)],
                 className="control svm-pair"),
        html.Div([html.Label("loss", className="control-label"),
                  dcc.RadioItems(id="ctl-svm-loss", options=[{"label": v, "value": k} for k, v in LOSS_LABELS.items()],
                                 value=DEFAULT_LOSS, inline=True)],
                 className="control svm-loss"),
        slider,
        html.Div([html.Label("or any λ in [1e-6, 1e2]:", htmlFor="ctl-svm-lam-custom", className="control-label"),
                  dcc.Input(id="ctl-svm-lam-custom", type="text", placeholder="e.g. 0.0035", debounce=True,
                            inputMode="decimal", className="svm-lam-input"),
                  LAMBDA_JOB.button("compute", className="svm-button"),
                  LAMBDA_JOB.status("svm-job", element=html.Span)],
                 className="control svm-custom"),
    ]  # fmt: skip


def layout() -> html.Section:
    """The section: controls, three linked views drawn at the default (pair, loss, λ), job progress, prose."""
    frames, mirror, note = answers.layers_for(DEFAULT_PAIR, DEFAULT_LOSS)
    parts = PLAYER.parts([frames, mirror, None])
    stores = [
        parts.stores,  # filled right after load with the default answer (mnist_pair.js start), then by each change
        # where an answer is fetched from, and the figure a failed fetch shows its message in
        dcc.Store(id="store-svm-src", data={"url": DATA_URL, "v": answers.answer_key(), "message": MESSAGE}),
        dcc.Store(id="store-svm-pair-request"),  # a pair/loss change with chosen images: the server computes them
        *LAMBDA_JOB.stores(),
        dcc.Store(id="store-svm-model"),  # the off-grid model shown: the worker's answer as returned
    ]  # fmt: skip
    loss_g, plane_g, mirror_g = parts.graphs
    blocks = [
        figure_block(svm_loss.FIG_ID, "F10 · What the loss sees", [loss_g], LOSS_CAPTION,
                     controls=_controls(parts.slider), readout_row=parts.row(svm_sets.READOUT_IDS), wide=True),
        figure_block(svm_plane.FIG_ID, "F11 · The tilting plane", [plane_g], PLANE_CAPTION, wide=True),
        figure_block(svm_mirror.FIG_ID, "F12 · Mirror images are adversarial examples", [mirror_g], MIRROR_CAPTION,
                     controls=[_image_picker("x", "x (class I)"), _image_picker("y", "y (class J)"),
                               html.Span(note, id="ro-svm-img-note", className="svm-note")],
                     readout_row=parts.row(svm_mirror.READOUT_IDS), wide=True),
    ]  # fmt: skip
    return section("svm", "Linear classifiers on MNIST", [markdown(LEAD_IN)] + stores + blocks)


# ----------------------------------------------------------------------------------------------
# Callbacks

IMAGE_STATES = [State(f"ctl-svm-{which}-{prop}", "value") for which in "xy" for prop in ("set", "index")]
on_start("l2mnist.start", [("store-svm-frames", "data"), ("store-svm-mirror", "data")], [("store-svm-src", "data")],
         [PLAYER.spec])  # fmt: skip

# New pair or loss: the browser fetches the answer file itself; with chosen images it asks load_pair instead.
dash.clientside_callback(
    "function() { return window.l2mnist.loadPair(" + SPEC + ", Array.prototype.slice.call(arguments)); }",
    Output("store-svm-frames", "data"),
    Output("store-svm-mirror", "data"),
    Output("ro-svm-img-note", "children"),
    Output("store-svm-pair-request", "data"),
    Input("ctl-svm-pair", "value"),
    Input("ctl-svm-loss", "value"),
    *IMAGE_STATES,
    State("store-svm-src", "data"),
    State("ctl-svm-lambda", "value"),
    prevent_initial_call=True,  # the default view comes with the page
)


@dash.callback(
    Output("store-svm-frames", "data", allow_duplicate=True),
    Output("store-svm-mirror", "data", allow_duplicate=True),
    Output("ro-svm-img-note", "children", allow_duplicate=True),
    Input("store-svm-pair-request", "data"),
    State("ctl-svm-pair", "value"),
    State("ctl-svm-loss", "value"),
    *IMAGE_STATES,
    prevent_initial_call=True,
)
def load_pair(_, pair, loss, xset, xi, yset, yi):
    """New pair or loss with chosen images: the sweep's frames and their mirror layer, in one answer."""
    return answers.layers_for(pair, loss, xset, xi, yset, yi)


@dash.callback(
    Output("store-svm-mirror", "data", allow_duplicate=True),
    Output("ro-svm-img-note", "children", allow_duplicate=True),
    Output("store-svm-custom", "data", allow_duplicate=True),
    Input("ctl-svm-x-set", "value"),
    Input("ctl-svm-x-index", "value"),
    Input("ctl-svm-y-set", "value"),
    Input("ctl-svm-y-index", "value"),
    State("ctl-svm-pair", "value"),
    State("ctl-svm-loss", "value"),
    State("store-svm-custom", "data"),
    State("store-svm-model", "data"),
    prevent_initial_call=True,
)
def load_mirrors(xset, xi, yset, yi, pair, loss, custom, model):
    """Mirror layers for newly chosen images (of the off-grid model too, while it shows); bad choices fall back to
    defaults with a note."""
    _, mirror, note = answers.layers_for(pair, loss, xset, xi, yset, yi)
    if not custom or not isinstance(model, dict):
        return mirror, note, dash.no_update
    try:
        return mirror, note, offgrid_layers(model, (xset, xi, yset, yi))
    except Exception as exc:  # noqa: BLE001
        log.warning("off-grid mirrors failed: %s", exc)
        return mirror, note, None


def _random_index(pair, image_set, label: float) -> int | None:
    try:
        a, b, _ = parse_choice(pair, DEFAULT_LOSS)
        cx = sweep_grid(a, b, DEFAULT_LOSS).pair
    except Exception:  # noqa: BLE001
        return None
    n = int(np.sum((cx.y_test if image_set == "test" else cx.y_train) == label))
    return int(np.random.default_rng().integers(n)) if n else None


@dash.callback(Output("ctl-svm-x-index", "value"), Input("ctl-svm-x-random", "n_clicks"), State("ctl-svm-pair", "value"),
               State("ctl-svm-x-set", "value"), prevent_initial_call=True)  # fmt: skip
def random_x(_, pair, image_set):
    """A random image of class I."""
    return _random_index(pair, image_set, -1.0)


@dash.callback(Output("ctl-svm-y-index", "value"), Input("ctl-svm-y-random", "n_clicks"), State("ctl-svm-pair", "value"),
               State("ctl-svm-y-set", "value"), prevent_initial_call=True)  # fmt: skip
def random_y(_, pair, image_set):
    """A random image of class J."""
    return _random_index(pair, image_set, 1.0)


def lam_submission(lam_text, pair, loss, *images) -> Submission | None:
    """The worker's job for an off-grid λ typed in (ValueError: a sentence for the student)."""
    if lam_text in (None, ""):
        return None
    try:
        a, b, loss = parse_choice(pair, loss)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"Cannot compute: {exc}") from exc
    lam = parse_lam_value(lam_text)
    params = {"a": a, "b": b, "loss": loss, "lam": lam}
    return Submission("fit-lambda", params, context=params, label=f"computing λ = {lam:.4g}")


LAMBDA_JOB = JobRunner(
    Ids(button="ctl-svm-lam-go", poll="svm-job-poll", job="store-svm-job", status="ro-svm-job",
        result="store-svm-lam-result"),
    lam_submission,
    triggers=[Input("ctl-svm-lam-custom", "value")],
    states=[State("ctl-svm-pair", "value"), State("ctl-svm-loss", "value"), *IMAGE_STATES],
    texts=Texts(failed="Job {state}: {detail}"),
    interval_ms=400,
)  # fmt: skip


@dash.callback(
    Output("store-svm-custom", "data", allow_duplicate=True),
    Output("store-svm-model", "data"),
    Output("ro-svm-job", "children", allow_duplicate=True),
    Input("store-svm-lam-result", "data"),
    State("ctl-svm-pair", "value"),
    State("ctl-svm-loss", "value"),
    *IMAGE_STATES,
    prevent_initial_call=True,
)
def show_off_grid(done, pair, loss, *images):
    """The worker's model for an off-grid λ, shown from its answer as returned (never computed here)."""
    nu = dash.no_update
    try:
        p = done["context"]
        if [p["a"], p["b"], p["loss"]] != list(parse_choice(pair, loss)):
            return nu, nu, "The pair or loss changed; compute again."
        model = {"pair": [p["a"], p["b"]], "loss": p["loss"], "lam": float(p["lam"]), "result": done["result"]}
        custom = offgrid_layers(model, images)
    except Exception as exc:  # noqa: BLE001 — an unusable or tampered answer: say so
        log.warning("off-grid result unusable: %s", exc)
        return nu, nu, f"The result could not be shown: {exc}"
    return custom, model, f"showing λ = {model['lam']:.4g} (computed by the worker)"
