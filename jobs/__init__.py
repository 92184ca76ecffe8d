"""Computation outside the web request: artifacts, the worker CLI's commands, on-demand jobs."""
