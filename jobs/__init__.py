"""Work outside the web request: the job queue and its tasks, precomputing sweeps, training and analysing LeNet.

Nothing here imports the web layer (Dash, Flask, components/, serving/) or the command line (cli/); results
are written through ``store``.
"""


class WorkError(RuntimeError):
    """A piece of work could not be done; the message is one clear line (the CLI prints it, exit code 2)."""
