"""JobRunner: ask the worker for something slow, show its progress, hand its answer to the section.

Written once (Dash All-in-One style: ids, layout pieces and the callback in one class) for every section that
sends a job to ``jobs.queue`` — today the draw-a-digit attack, next the MNIST off-grid λ.  A section declares
its runner once, at import (that registers the callback), and places the pieces in its layout:

    ATTACK = JobRunner(Ids.named("lenet-attack"), prepare, states=[State("ctl-lenet-target", "value")])
    ATTACK.button("Attack both nets"), ATTACK.status(), *ATTACK.stores()

``prepare(*trigger values, *state values)`` turns the inputs into a ``Submission`` (or raises ValueError with a
sentence for the student, or returns None when there is nothing to ask).  The widget submits it, polls every
``interval_ms`` while the job runs (its button disabled, a progress bar and a line of text in a polite live
region), and writes ``{"key", "at", "context", "result"}`` into its result store when the job is done: the section
draws from that store in its own callback.  Busy, failed and unreadable answers become a sentence in the status.

The pure part (``read_job``, ``step_for``, ``progress_children``) is separate from the Dash plumbing so that it
can be tested without a server.  API: docs/architecture/widgets.md.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from jobs import queue

log = logging.getLogger(__name__)

KNOWN_STATES = ("queued", "running", "done", "failed", "busy")
MAX_KEY = 200  # longer "keys" in a job store are not ours
MAX_DETAIL = 300  # a status message longer than this is cut
PROGRESS_STYLE = {"width": "8em", "verticalAlign": "middle"}


@dataclass(frozen=True)
class Submission:
    """One job to ask for: ``kind`` and ``params`` for jobs.queue.submit; ``context`` (JSON) comes back with the
    result (e.g. the image the job was asked about); ``label`` names the work in the progress text."""

    kind: str
    params: dict
    context: Any = None
    label: str = "working"


@dataclass(frozen=True)
class Texts:
    """What the status line says; ``{detail}`` is the worker's message (or the state when it has none)."""

    running: str = "{label}… {pct} % ({detail})"
    failed: str = "The job did not run: {detail}"
    done: str = ""
    unreadable: str = "The server's answer about this job could not be read; please ask again."
    unreachable: str = "The job queue could not be reached ({error}); please try again."
    unusable: str = "This input could not be used ({error})."


@dataclass(frozen=True)
class Ids:
    """The widget's element ids (plain strings: permalinks and tests name them)."""

    button: str
    poll: str
    job: str
    status: str
    result: str

    @classmethod
    def named(cls, name: str) -> Ids:
        return cls(f"ctl-{name}-go", f"{name}-poll", f"store-{name}-job", f"ro-{name}-status", f"store-{name}-result")


@dataclass(frozen=True)
class Step:
    """What one answer of the callback makes of the widget: the job store (None when idle), whether it keeps
    polling, the status line's children and the result store (``dash.no_update`` unless a job finished)."""

    job: Any
    polling: bool
    status: Any
    result: Any = dash.no_update

    def outputs(self) -> tuple:
        """(job store, poll disabled, status, result store, button disabled): the callback's outputs in order."""
        return self.job, not self.polling, self.status, self.result, self.polling


def idle(status: Any) -> Step:
    """Nothing running: the button free, no polling, ``status`` shown."""
    return Step(None, False, status)


def read_job(raw: Any) -> dict | None:
    """The job store's contents if they are ours ({key, label, at, context}), else None."""
    if not isinstance(raw, dict):
        return None
    key, label = raw.get("key"), raw.get("label", "")
    if not isinstance(key, str) or not 0 < len(key) <= MAX_KEY or not isinstance(label, str):
        return None
    return raw


def percent(progress: Any) -> int:
    """A job's progress (0..1) as a whole percentage 0..100; anything else counts as 0."""
    if isinstance(progress, bool) or not isinstance(progress, int | float) or not math.isfinite(progress):
        return 0
    return min(100, max(0, int(round(100 * progress))))


def progress_children(text: str, pct: int) -> list:
    """The status line while a job runs: a progress bar (hidden from screen readers) and the text they read."""
    bar = html.Progress(value=pct, max=100, className="job-progress", style=PROGRESS_STYLE, **{"aria-hidden": "true"})
    return [bar, " ", text]


def _detail(status: dict) -> str:
    message = status.get("message")
    text = message.strip()[:MAX_DETAIL] if isinstance(message, str) else ""
    return text or status["state"]


def step_for(status: Any, job: dict, texts: Texts = Texts()) -> Step:
    """What the widget shows for one answer of the queue (to a submit or a poll) about ``job``."""
    if not isinstance(status, dict) or status.get("state") not in KNOWN_STATES:
        return idle(texts.unreadable)
    state, detail = status["state"], _detail(status)
    if state in ("failed", "busy"):
        return idle(texts.failed.format(state=state, detail=detail))
    if state == "done":
        result = status.get("result")
        if not isinstance(result, dict):
            return idle(texts.unreadable)
        done = {"key": job["key"], "at": job.get("at"), "context": job.get("context"), "result": result}
        return Step(None, False, texts.done, done)
    pct = percent(status.get("progress"))
    return Step(
        job,
        True,
        progress_children(texts.running.format(label=job.get("label") or "working", pct=pct, detail=detail), pct),
    )


def submitted_job(status: Any, sub: Submission, now: float) -> dict | None:
    """The job store for a submit's answer (None when the answer carries no usable key)."""
    key = status.get("key") if isinstance(status, dict) else None
    return read_job({"key": key, "label": sub.label, "at": now, "context": sub.context})


class JobRunner:
    """Button + progress + poll interval + status line + result store for one kind of job (see the module doc).

    ``triggers``: more Inputs that ask for a job, besides the button (e.g. Enter in a text field); their values
    come first in ``prepare``'s arguments, then the ``states``' values."""

    def __init__(
        self,
        ids: Ids,
        prepare: Callable[..., Submission | None],
        *,
        states: Sequence[State] = (),
        triggers: Sequence[Input] = (),
        texts: Texts = Texts(),
        interval_ms: int = 500,
        register: bool = True,
    ) -> None:
        self.ids, self.prepare, self.texts, self.interval_ms = ids, prepare, texts, interval_ms
        self.states, self.triggers = list(states), list(triggers)
        if register:
            dash.callback(
                Output(ids.job, "data"),
                Output(ids.poll, "disabled"),
                Output(ids.status, "children"),
                Output(ids.result, "data"),
                Output(ids.button, "disabled"),
                Input(ids.button, "n_clicks"),
                Input(ids.poll, "n_intervals"),
                *self.triggers,
                *self.states,
                State(ids.job, "data"),
                prevent_initial_call=True,
            )(self.callback)

    # ------------------------------------------------------------------------------------------ layout
    def button(self, label: str, **kwargs) -> html.Button:
        return html.Button(label, id=self.ids.button, n_clicks=0, **kwargs)

    def status(self, className: str = "notice", element: type = html.Div):
        """The status line: a polite live region (progress, then what went wrong or nothing); ``element``
        html.Span where it sits inside a row of controls."""
        return element(id=self.ids.status, className=className, role="status", **{"aria-live": "polite"})

    def stores(self) -> list:
        """The job store, the result store and the poll interval (invisible; place them anywhere)."""
        return [
            dcc.Store(id=self.ids.job),
            dcc.Interval(id=self.ids.poll, interval=self.interval_ms, disabled=True),
            dcc.Store(id=self.ids.result),
        ]

    # ------------------------------------------------------------------------------------------ callback
    def callback(self, _n_clicks, _n_intervals, *values) -> tuple:
        """Submit on a trigger, poll on the interval; never raises, always the five outputs of ``Step``."""
        *inputs, raw_job = values
        if dash.ctx.triggered_id == self.ids.poll:
            return self._poll(raw_job).outputs()
        return self._submit(inputs).outputs()

    def _poll(self, raw_job: Any) -> Step:
        job = read_job(raw_job)
        if job is None:  # nothing of ours to ask about: stop quietly
            return Step(None, False, dash.no_update)
        try:
            status = queue.poll(job["key"])
        except Exception as exc:  # noqa: BLE001 — the queue's store is down: say so, stop polling
            log.warning("polling job %s failed: %s", job["key"][:40], exc)
            return idle(self.texts.unreachable.format(error=type(exc).__name__))
        return step_for(status, job, self.texts)

    def _submit(self, inputs: list) -> Step:
        try:
            sub = self.prepare(*inputs)
        except ValueError as exc:
            return idle(str(exc))
        except Exception as exc:  # noqa: BLE001 — e.g. a tampered store: explain, never a traceback
            log.warning("%s: input unusable: %s", self.ids.button, exc)
            return idle(self.texts.unusable.format(error=type(exc).__name__))
        if sub is None:
            return Step(dash.no_update, False, "")
        try:
            status = queue.submit(sub.kind, sub.params)
        except Exception as exc:  # noqa: BLE001
            log.warning("submitting %s failed: %s", sub.kind, exc)
            return idle(self.texts.unreachable.format(error=type(exc).__name__))
        job = submitted_job(status, sub, time.time())
        return idle(self.texts.unreadable) if job is None else step_for(status, job, self.texts)
