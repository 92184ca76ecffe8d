"""shim: removed at integration — the one place where serving reaches the page's answer and frame files.

Until views.answers / views.frames land (stream R2), the files are built by components.svm and
components.frames; when they do, this module becomes a re-export of views.answers.answer / answer_key and
views.frames.frames_file, and nothing else in serving/ changes.
"""

from __future__ import annotations

from dataclasses import dataclass

_KINDS = {200: "ok", 400: "bad-choice", 503: "unavailable"}


@dataclass(frozen=True)
class Answer:  # shim: removed at integration (views.answers.Answer)
    kind: str  # "ok" | "bad-choice" | "unavailable"
    gz: bytes  # gzipped JSON


def answer(pair: str, loss: str) -> Answer:  # shim: removed at integration
    from components import svm

    status, gz = svm.answer_gz(pair, loss)
    return Answer(_KINDS.get(status, "unavailable"), gz)


def answer_key() -> str:  # shim: removed at integration
    from components import svm

    return svm.answer_key()


def frames_file(name: str) -> bytes | None:  # shim: removed at integration
    """The frames file of that name; the page is built once when this process has not built it yet."""
    from components import frames, page

    gz = frames.frames_file(name)
    if gz is None:  # this process has not built the page yet: build it once (it registers every file)
        page.layout()
        gz = frames.frames_file(name)
    return gz
