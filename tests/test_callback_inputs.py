"""Server callbacks called directly with malformed input: never raise, always the right number of outputs.

Regression tests for what tests/test_fuzz.py found (500s): inf/NaN/huge test-image numbers and oversized
pixel values in the LeNet draw and job callbacks, and a restore-from-URL request whose ``outputs`` list
has the wrong length (Dash raised 'Wrong length output_spec' after running the callback).
"""

from __future__ import annotations

import math

import pytest
from dash import Output
from dash._callback_context import context_value
from dash._utils import AttributeDict

from components import lenet, page
from serving.payload import check_update_payload

BAD_INDICES = [math.inf, -math.inf, math.nan, 1e308, -(10**30), 10**30, -1, 0.5, "7", "inf", None, True, [], {}, [1, 2]]
BAD_DRAWINGS = [
    [[10**400] * 28 for _ in range(28)],  # int too large for a float
    [[math.inf] * 28 for _ in range(28)],
    [[math.nan] * 28 for _ in range(28)],
    [[300] * 28 for _ in range(28)],
    [["a"] * 28 for _ in range(28)],
    [[0] * 27 for _ in range(28)],
    [[0] * 28 for _ in range(27)],
    [None],
    [],
    {},
    "x",
    5,
]


def _triggered(prop_id: str) -> None:
    context_value.set(
        AttributeDict(
            triggered_inputs=[{"prop_id": prop_id, "value": 1}], inputs_list=[], states_list=[], outputs_list=[]
        )
    )


@pytest.mark.parametrize("index", BAD_INDICES, ids=repr)
def test_lenet_show_input_bad_index(index):
    fig, msg = lenet.show_input("test", index, None)
    assert fig is not None and msg, "a bad test image number must be explained"


@pytest.mark.parametrize("drawing", BAD_DRAWINGS, ids=lambda d: repr(d)[:30])
def test_lenet_show_input_bad_drawing(drawing):
    fig, msg = lenet.show_input("drawing", 0, drawing)
    assert fig is not None and msg


@pytest.mark.parametrize("index", BAD_INDICES, ids=repr)
def test_lenet_attack_bad_index_submits_nothing(index, monkeypatch):
    from jobs import queue

    monkeypatch.setattr(queue, "submit", lambda *a, **k: pytest.fail("a bad input must not start a job"))
    _triggered("ctl-lenet-go.n_clicks")
    out = lenet.attack(1, None, "test", index, 3, None, None)
    assert len(out) == 5 and out[0] is None and out[1] is True and out[2]


@pytest.mark.parametrize("drawing", BAD_DRAWINGS, ids=lambda d: repr(d)[:30])
def test_lenet_attack_bad_drawing_submits_nothing(drawing, monkeypatch):
    from jobs import queue

    monkeypatch.setattr(queue, "submit", lambda *a, **k: pytest.fail("a bad input must not start a job"))
    _triggered("ctl-lenet-go.n_clicks")
    out = lenet.attack(1, None, "drawing", 0, 3, drawing, None)
    assert len(out) == 5 and out[2]


@pytest.mark.parametrize("job", [None, 5, {}, {"key": None}, {"key": ["a"]}, {"key": "0" * 24}, {"key": "x" * 5000}])
def test_lenet_attack_poll_bad_job(job):
    _triggered("lenet-draw-poll.n_intervals")
    out = lenet.attack(None, 3, "test", 0, 3, None, job)
    assert len(out) == 5


@pytest.mark.parametrize(
    "search",
    [
        None,
        5,
        [],
        "?",
        "?lnidx=inf",
        "?lnidx=1e999",
        "?xi=-1&yi=nan",
        "?lam=" + "9" * 500,
        "?" + "a=b&" * 1000,
        "?%ff%fe=\x00",
    ],
)
def test_restore_from_url_never_raises(search):
    values, problems = page.parse_query(search)
    assert isinstance(values, dict) and isinstance(problems, list)


def test_restore_outputs_of_wrong_length_are_refused():
    """Dash raises 'Wrong length output_spec' (→ 500) for these; the payload check must refuse them (→ 400)."""
    spec = [Output(cid, prop, allow_duplicate=True) for cid, prop, _ in page.URL_STATE.values()]
    spec += [Output("page-notice", "children"), Output("page-notice", "hidden")]
    cb = {"inputs": [{"id": "url", "property": "search"}], "state": [], "output": spec}
    refs = [{"id": o.component_id, "property": o.component_property} for o in spec]
    base = {"output": "cb", "inputs": [{"id": "url", "property": "search", "value": "?"}], "changedPropIds": []}
    assert check_update_payload({**base, "outputs": refs}, {"cb": cb}) == ""
    for bad in (refs[:-1], refs + refs[:1], [], None, refs[::-1], [{**r, "id": "nope"} for r in refs]):
        body = {**base, "outputs": bad}
        assert check_update_payload(body, {"cb": cb}), f"outputs {str(bad)[:80]} accepted"


@pytest.mark.parametrize("index", [i for i in BAD_INDICES if i != "7"] + [2**63, "²", "-1e999"], ids=repr)
def test_svm_image_index_falls_back_with_a_note(index):
    from views import answers
    from views.sweep_grid import sweep_grid

    try:
        sweep_grid(3, 5, "hinge")
    except Exception:  # noqa: BLE001
        pytest.skip("the 3-5 hinge sweep is not available here")
    for args in (("train", index, "train", 0), ("test", 0, "test", index)):
        _, out, note = answers.layers_for("3-5", "hinge", *args)
        assert out["frames"]
        if index is not None:
            assert note, f"index {index!r} accepted silently"


def test_single_output_spec_must_match():
    """Single-output callbacks (e.g. the SVM random-image buttons → ctl-svm-x-index): Dash 500s otherwise."""
    cb = {
        "inputs": [{"id": "ctl-svm-x-random", "property": "n_clicks"}],
        "state": [],
        "output": Output("ctl-svm-x-index", "value"),
    }
    base = {"output": "cb", "inputs": [{"id": "ctl-svm-x-random", "property": "n_clicks", "value": 1}]}
    good = {"id": "ctl-svm-x-index", "property": "value"}
    assert check_update_payload({**base, "outputs": good}, {"cb": cb}) == ""
    for bad in ([good], [], None, {"id": "nope", "property": "value"}, {"id": "ctl-svm-x-index", "property": "x"}):
        assert check_update_payload({**base, "outputs": bad}, {"cb": cb}), f"outputs {bad!r} accepted"
