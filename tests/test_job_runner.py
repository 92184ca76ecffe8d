"""JobRunner (components/widgets/job_runner.py): how each answer of the queue becomes what the widget shows.

The pure part (read_job, percent, step_for) is tested on its own; the callback with a fake queue (no worker,
no browser); the LeNet section's runner for its wiring (ids, outputs, the button disabled while a job runs).
"""

from __future__ import annotations

import dash
import numpy as np
import pytest
from dash import Input, State, html
from dash._callback_context import context_value
from dash._utils import AttributeDict

from components.widgets import job_runner as jr
from components.widgets.job_runner import Ids, JobRunner, Step, Submission, Texts

NU = dash.no_update
JOB = {"key": "k" * 24, "label": "attacking", "at": 12.5, "context": [[1, 2], [3, 4]]}


def trigger(prop_id: str) -> None:
    """Make dash.ctx say that ``prop_id`` fired (what Dash does before it calls a callback)."""
    context_value.set(
        AttributeDict(
            triggered_inputs=[{"prop_id": prop_id, "value": 1}], inputs_list=[], states_list=[], outputs_list=[]
        )
    )


class FakeQueue:
    """Stands in for jobs.queue: answers ``answer`` (or raises it) and records what was asked."""

    def __init__(self, monkeypatch, answer):
        self.answer, self.submitted, self.polled = answer, [], []
        monkeypatch.setattr(jr.queue, "submit", self.submit)
        monkeypatch.setattr(jr.queue, "poll", self.poll)

    def _reply(self):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def submit(self, kind, params):
        self.submitted.append((kind, params))
        return self._reply()

    def poll(self, key):
        self.polled.append(key)
        return self._reply()


def runner(prepare=None, **kwargs) -> JobRunner:
    prepare = prepare or (lambda *values: Submission("fit-lambda", {"values": list(values)}, "ctx", "computing"))
    return JobRunner(Ids.named("t"), prepare, register=False, **kwargs)


def status_text(children) -> str:
    """The words of a status line (a string, or a progress bar followed by text)."""
    if isinstance(children, str):
        return children
    return "".join(c for c in children if isinstance(c, str))


# ---------------------------------------------------------------------------------------- pure part


def test_ids_named_and_explicit():
    ids = Ids.named("svm-lam")
    assert ids == Ids(
        "ctl-svm-lam-go", "svm-lam-poll", "store-svm-lam-job", "ro-svm-lam-status", "store-svm-lam-result"
    )


@pytest.mark.parametrize(
    "raw",
    [None, 5, "k", [], {}, {"key": None}, {"key": ""}, {"key": ["a"]}, {"key": "x" * 5000}, {"key": "k", "label": 3}],
    ids=repr,
)
def test_read_job_refuses_what_is_not_ours(raw):
    assert jr.read_job(raw) is None


def test_read_job_keeps_ours():
    assert jr.read_job(JOB) == JOB
    assert jr.read_job({"key": "abc"}) == {"key": "abc"}


@pytest.mark.parametrize(
    "progress, pct",
    [
        (0.4, 40),
        (0, 0),
        (1, 100),
        (0.999, 100),
        (1.7, 100),
        (-0.2, 0),
        (float("nan"), 0),
        (float("inf"), 0),
        (None, 0),
        ("0.5", 0),
        (True, 0),
    ],
)
def test_percent_is_a_whole_number_0_to_100(progress, pct):
    assert jr.percent(progress) == pct


@pytest.mark.parametrize("state", ["queued", "running"])
def test_running_job_keeps_polling_with_progress_and_a_disabled_button(state):
    step = jr.step_for({"state": state, "progress": 0.4, "message": "step 3 of 8"}, JOB)
    assert step.job is JOB and step.polling and step.result is NU
    bar, text = step.status[0], status_text(step.status)
    assert isinstance(bar, html.Progress) and bar.value == 40 and bar.max == 100
    assert getattr(bar, "aria-hidden") == "true"  # the text, not the bar, is what a screen reader announces
    assert text == " attacking… 40 % (step 3 of 8)"
    job, poll_disabled, status, result, button_disabled = step.outputs()
    assert (job, poll_disabled, result, button_disabled) == (JOB, False, NU, True)


def test_running_without_a_message_names_the_state():
    step = jr.step_for({"state": "queued", "progress": None, "message": None}, JOB)
    assert status_text(step.status) == " attacking… 0 % (queued)"
    step = jr.step_for({"state": "running", "message": "x" * 5000}, JOB)
    assert len(status_text(step.status)) < 400  # a runaway message is cut


def test_done_hands_result_and_context_to_the_result_store():
    result = {"nets": {"low": {"l2": 1.0}}}
    step = jr.step_for({"state": "done", "progress": 1.0, "message": "done", "result": result}, JOB)
    assert step.outputs() == (
        None,
        True,
        "",
        {"key": JOB["key"], "at": 12.5, "context": JOB["context"], "result": result},
        False,
    )
    custom = jr.step_for({"state": "done", "result": result}, JOB, Texts(done="showing the new model"))
    assert custom.status == "showing the new model"


@pytest.mark.parametrize("state", ["failed", "busy"])
def test_failed_and_busy_stop_with_a_sentence(state):
    step = jr.step_for({"state": state, "message": "the server is busy (4 jobs waiting)"}, JOB)
    assert step.outputs() == (None, True, "The job did not run: the server is busy (4 jobs waiting)", NU, False)
    plain = jr.step_for({"state": state}, JOB, Texts(failed="The attack did not run: {detail}"))
    assert plain.status == f"The attack did not run: {state}"


@pytest.mark.parametrize(
    "answer",
    [None, 5, "done", [], {}, {"state": "weird"}, {"state": None}, {"state": "done"}, {"state": "done", "result": [1]}],
    ids=repr,
)
def test_unreadable_answers_stop_with_a_sentence(answer):
    step = jr.step_for(answer, JOB)
    assert step.outputs() == (None, True, Texts().unreadable, NU, False)


# ---------------------------------------------------------------------------------------- the callback


def test_click_submits_and_starts_polling(monkeypatch):
    q = FakeQueue(monkeypatch, {"key": "abc", "state": "queued", "progress": 0.0, "message": "waiting"})
    trigger("ctl-t-go.n_clicks")
    job, poll_disabled, status, result, button_disabled = runner().callback(1, None, "a", "b", None)
    assert q.submitted == [("fit-lambda", {"values": ["a", "b"]})] and q.polled == []
    assert job["key"] == "abc" and job["context"] == "ctx" and job["label"] == "computing"
    assert isinstance(job["at"], float)
    assert (poll_disabled, result, button_disabled) == (False, NU, True)
    assert status_text(status) == " computing… 0 % (waiting)"


def test_extra_triggers_come_before_the_states(monkeypatch):
    seen = []
    FakeQueue(monkeypatch, {"key": "abc", "state": "queued"})
    r = runner(
        lambda *v: seen.append(v) or Submission("k", {}),
        triggers=[Input("lam", "value")],
        states=[State("pair", "value")],
    )
    trigger("lam.value")
    r.callback(None, None, "0.01", "3-8", None)
    assert seen == [("0.01", "3-8")]


def test_bad_input_is_explained_and_nothing_is_submitted(monkeypatch):
    q = FakeQueue(monkeypatch, {"key": "abc", "state": "queued"})

    def refuse(*_):
        raise ValueError("choose a target digit 0..9")

    trigger("ctl-t-go.n_clicks")
    assert runner(refuse).callback(1, None, None) == (None, True, "choose a target digit 0..9", NU, False)
    assert runner(lambda *_: 1 / 0).callback(1, None, None) == (
        None,
        True,
        "This input could not be used (ZeroDivisionError).",
        NU,
        False,
    )
    assert runner(lambda *_: None).callback(1, None, None) == (NU, True, "", NU, False)  # nothing to ask
    assert q.submitted == []


@pytest.mark.parametrize("answer", [OSError("disk full"), {"state": "queued"}, {"key": 5, "state": "queued"}], ids=repr)
def test_a_refused_submit_is_explained(monkeypatch, answer):
    FakeQueue(monkeypatch, answer)
    trigger("ctl-t-go.n_clicks")
    job, poll_disabled, status, _result, button_disabled = runner().callback(1, None, None)
    assert (job, poll_disabled, button_disabled) == (None, True, False)
    assert status in (Texts().unreadable, "The job queue could not be reached (OSError); please try again.")


def test_poll_until_done(monkeypatch):
    q = FakeQueue(monkeypatch, {"key": "k", "state": "running", "progress": 0.5, "message": "net 1 of 2"})
    trigger("t-poll.n_intervals")
    r = runner()
    out = r.callback(None, 3, "a", "b", JOB)
    assert out[0] is JOB and out[1] is False and out[4] is True and q.polled == [JOB["key"]]
    q.answer = {"key": "k", "state": "done", "progress": 1.0, "result": {"ok": 1}}
    out = r.callback(None, 4, "a", "b", JOB)
    assert out[:2] == (None, True) and out[3]["result"] == {"ok": 1} and out[4] is False
    q.answer = RuntimeError("redis went away")
    assert r.callback(None, 5, "a", "b", JOB)[:3] == (
        None,
        True,
        "The job queue could not be reached (RuntimeError); please try again.",
    )


@pytest.mark.parametrize("job", [None, 5, {}, {"key": None}, {"key": ["a"]}, {"key": "x" * 5000}], ids=repr)
def test_polling_a_job_store_that_is_not_ours_stops_quietly(monkeypatch, job):
    q = FakeQueue(monkeypatch, {"key": "k", "state": "running"})
    trigger("t-poll.n_intervals")
    assert runner().callback(None, 1, "a", "b", job) == (None, True, NU, NU, False)
    assert q.polled == []


def test_layout_pieces():
    r = runner(interval_ms=400)
    button, status = r.button("Go"), r.status()
    assert (button.id, button.n_clicks, button.children) == ("ctl-t-go", 0, "Go")
    assert status.id == "ro-t-status" and status.role == "status" and getattr(status, "aria-live") == "polite"
    job, poll, result = r.stores()
    assert (job.id, poll.id, result.id) == ("store-t-job", "t-poll", "store-t-result")
    assert poll.disabled is True and poll.interval == 400


def test_step_outputs_follow_polling():
    assert Step("j", True, "s").outputs() == ("j", False, "s", NU, True)
    assert Step(None, False, "s", {"r": 1}).outputs() == (None, True, "s", {"r": 1}, False)


# ---------------------------------------------------------------------------------------- the LeNet section


def test_registration_wires_button_poll_and_the_five_outputs(monkeypatch):
    """One callback: button, poll and the triggers in; the states and the job store as State; the five outputs in
    Step's order (the button's `disabled` among them)."""
    registered = []
    monkeypatch.setattr(jr.dash, "callback", lambda *deps, **kw: lambda f: registered.append((deps, kw, f)))
    r = JobRunner(Ids.named("t"), lambda *_: None, triggers=[Input("lam", "value")], states=[State("pair", "value")])
    [(deps, kw, func)] = registered
    assert func == r.callback and kw == {"prevent_initial_call": True}
    names = [(type(d).__name__, f"{d.component_id}.{d.component_property}") for d in deps]
    assert names == [
        ("Output", "store-t-job.data"),
        ("Output", "t-poll.disabled"),
        ("Output", "ro-t-status.children"),
        ("Output", "store-t-result.data"),
        ("Output", "ctl-t-go.disabled"),
        ("Input", "ctl-t-go.n_clicks"),
        ("Input", "t-poll.n_intervals"),
        ("Input", "lam.value"),
        ("State", "pair.value"),
        ("State", "store-t-job.data"),
    ]


def test_lenet_runner_keeps_the_sections_ids():
    from components import lenet

    assert lenet.ATTACK.ids == Ids(
        button="ctl-lenet-go",
        poll="lenet-draw-poll",
        job="store-lenet-job",
        status="ro-lenet-draw-msg",
        result="store-lenet-result",
    )
    assert lenet.attack == lenet.ATTACK.callback
    assert [f"{s.component_id}.{s.component_property}" for s in lenet.ATTACK.states] == [
        "ctl-lenet-source.value",
        "ctl-lenet-index.value",
        "ctl-lenet-target.value",
        "store-lenet-drawing.data",
    ]


def test_lenet_attack_from_click_to_figure(monkeypatch):
    from components import lenet
    from views.lenet_draw import mnist_test_digit

    q = FakeQueue(monkeypatch, {"key": "k1", "state": "queued", "progress": 0.0, "message": "starting"})
    trigger("ctl-lenet-go.n_clicks")
    job, poll_disabled, status, _result, button_disabled = lenet.attack(1, None, "test", 7, 3, None, None)
    assert q.submitted == [("lenet-attack", {"target": 3, "index": 7})]
    np.testing.assert_array_equal(job["context"], mnist_test_digit(7))
    assert status_text(status) == " attacking… 0 % (starting)" and button_disabled and not poll_disabled
    adv = mnist_test_digit(7).astype(int).tolist()
    net = {
        "adversarial": adv,
        "l2": 2.5,
        "pred": 9,
        "pred_score": 0.9,
        "adv_target_score": 0.96,
        "steps": 80,
        "success": True,
    }
    q.answer = {"key": "k1", "state": "done", "progress": 1.0, "result": {"target": 3, "nets": {"low": net}}}
    trigger("lenet-draw-poll.n_intervals")
    done = lenet.attack(None, 1, "test", 7, 3, None, job)[3]
    fig, readout, message = lenet.show_attack(done)
    assert len(fig.layout.images) == 5 and readout.startswith("LeNet_low (wd 1e-4): sees 9@0.90 → 3@0.96")
    assert message is NU
    fig, readout, message = lenet.show_attack({**done, "result": {"nets": {"low": {"l2": 1}}}})
    assert fig is NU and readout == "" and message == "The result could not be shown (KeyError)."


def test_status_line_can_be_a_span_in_a_row_of_controls():
    span = runner().status("svm-job", element=html.Span)
    assert isinstance(span, html.Span) and span.className == "svm-job" and span.role == "status"
