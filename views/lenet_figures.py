"""The LeNet section's static figures, built once per version of the precomputed results.

Data come only from the store (``analysis()``: the manifest is checked before anything is read); a missing or
corrupt artifact becomes a figure that says so in plain words, never a broken page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

import plotly.graph_objects as go

from store import lenet as lenet_store
from views.lenet_attacks import make_advs
from views.lenet_facts import facts
from views.lenet_grid import message_figure
from views.lenet_study import make_ladder, make_reliability, make_temperature, make_tradeoff
from views.lenet_training import make_errors, make_weights, rms_rows

log = logging.getLogger(__name__)

FIGURES = ("errors", "weights", "advs", "ladder", "tradeoff", "temperature", "reliability")
RMS_PROBLEM = "The RMS table could not be built from the precomputed results."
_last: list = []  # [(the store's answer, what was built from it)]: the store answers the same object until it changes


def _safe(builder: Callable[..., go.Figure], *args, height: int = 300) -> go.Figure:
    try:
        return builder(*args)
    except Exception as exc:  # noqa: BLE001 — a corrupt artifact must not break the page
        log.warning("LeNet figure failed: %s", exc)
        return message_figure(f"This figure could not be drawn ({type(exc).__name__}).", height)


def build(summary: dict, arrays: dict) -> dict:
    """Every static figure, the RMS rows and the prose's numbers from one analysis (see ``static_figures``)."""
    try:
        rms: tuple | str = rms_rows(summary)
    except Exception:  # noqa: BLE001 — a corrupt summary must not break the page
        rms = RMS_PROBLEM
    try:
        numbers = facts(summary)
    except Exception as exc:  # noqa: BLE001 — the prose falls back to words without numbers
        log.warning("LeNet facts failed: %s", exc)
        numbers = {}
    return {
        "errors": _safe(make_errors, summary),
        "weights": _safe(make_weights, summary, arrays),
        "advs": _safe(make_advs, summary, arrays),
        "ladder": _safe(make_ladder, summary, height=520),
        "tradeoff": _safe(make_tradeoff, summary, height=600),
        "temperature": _safe(make_temperature, summary, height=540),
        "reliability": _safe(make_reliability, summary, height=460),
        "rms": rms,
        "facts": numbers,
    }


def static_figures() -> dict:
    """The figures (``FIGURES``), ``rms`` (the RMS table's rows, header first, or a sentence saying why there is
    none) and ``facts`` (the prose's numbers, views.lenet_facts; {} when unavailable); cached until the results
    change."""
    try:
        data = lenet_store.analysis()
    except lenet_store.ArtifactError as exc:
        return _unavailable(page_text(exc))
    last = _last[0] if _last else None
    if last is None or last[0] is not data:
        last = (data, build(*data))
        _last[:] = [last]
    return last[1]


def page_text(exc: Exception) -> str:
    """The store's sentence without the server's folders (the text is shown to every visitor)."""
    return str(exc).replace(f"{lenet_store.lenet_dir().parent}/", "")


@lru_cache(maxsize=2)
def _unavailable(text: str) -> dict:
    msg = message_figure(text)
    return {**dict.fromkeys(FIGURES, msg), "rms": text, "facts": {}}
