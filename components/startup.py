"""Start-up tasks: what the page's one start-up callback does once it is up (assets/page.js ``start``).

A section (or a widget) declares a task at import with ``on_start(js_function, outputs, inputs, extra)``: the
browser calls ``js_function(*extra, *input values)`` as the page opens and sets the outputs to what it returns
(a list, or a promise of one).  The figures come drawn with the page, so nothing waits for these tasks; the page
runs them all in one callback (one round of Dash work at load, not one per section).
"""

from __future__ import annotations

from collections.abc import Sequence

# [(js function, outputs [(component id, property)], inputs [(component id, property)], extra JSON arguments)]
TASKS: list[tuple[str, list[tuple[str, str]], list[tuple[str, str]], list]] = []


def on_start(
    js_function: str, outputs: Sequence[tuple[str, str]], inputs: Sequence[tuple[str, str]], extra: Sequence = ()
) -> None:
    """Declare a start-up task (at import, before components.page wires the start-up callback)."""
    TASKS.append((js_function, list(outputs), list(inputs), list(extra)))


def spec() -> list[list]:
    """The tasks as assets/page.js reads them: [[function, number of inputs, number of outputs, extra]]."""
    return [[fn, len(ins), len(outs), extra] for fn, outs, ins, extra in TASKS]
