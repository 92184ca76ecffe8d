"""Work outside the web request: the job queue and its tasks, precomputing sweeps, training and analysing LeNet.

Nothing here imports the web layer (Dash, Flask, components/, serving/) or the command line (cli/); results
are written through ``store``.

Long work reports its position through ``steps(stage, done, total)`` (a ``Steps``) and its lines through
``log(line)``; the command line draws bars from them (``cli.progress``), the job tasks their own ``progress``.
"""

from collections.abc import Callable

Steps = Callable[[str, int, int], None]


class WorkError(RuntimeError):
    """A piece of work could not be done; the message is one clear line (the CLI prints it, exit code 2)."""
