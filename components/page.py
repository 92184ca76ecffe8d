"""The page shell: header, credit, the sections in reading order, permalink state.

Owned by the MNIST/page work (issue 3).  Minimal for now: stacks every section that exists.
"""

from __future__ import annotations

import importlib
import logging

from dash import dcc, html

from components import SECTIONS

log = logging.getLogger(__name__)


def _section_modules():
    mods = []
    for name in SECTIONS:
        try:
            mods.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            log.info("section %s not built yet", name)
    return mods


MODULES = _section_modules()


def layout():
    """The whole article (called on each page load)."""
    return html.Div(
        [dcc.Location(id="url", refresh=False)] + [m.layout() for m in MODULES],
        className="article",
    )


def register(app) -> None:
    """Hook for page-level callbacks (permalinks); section callbacks register on import."""
