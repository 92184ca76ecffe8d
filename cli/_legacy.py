"""shim: removed at integration — the one place where the CLI reaches the MNIST views' answers.

Until views.answers lands (stream R2), the answers are built by components.svm; when it does, this module
becomes ``from views.answers import warm, answers_folder`` (or is dropped) and nothing else in cli/ changes.
"""

from __future__ import annotations

from pathlib import Path


def warm(pairs, losses, report) -> dict:  # shim: removed at integration
    """Build every missing (pair, loss) answer file; counts {built, present, failed}."""
    from components import svm

    return svm.warm_answers(pairs, tuple(losses), report=report)


def answers_folder() -> Path:  # shim: removed at integration
    """The folder of the current answer files (for the command's summary line)."""
    from components import svm

    return svm.answer_path(0, 1, "hinge").parent
