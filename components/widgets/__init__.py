"""Reusable Dash widgets (All-in-One style: ids, layout pieces and callbacks in one class), written once and used by
every section that needs them:

* ``job_runner.JobRunner`` — ask the worker for a job, show its progress, hand its answer to the section
  (docs/architecture/widgets.md);
* ``frame_player.FramePlayer`` — a slider over precomputed frames with its readouts and URL state.

Import the module you need (``from components.widgets.job_runner import JobRunner``); this package imports
nothing, so a section pays only for the widget it uses.
"""
