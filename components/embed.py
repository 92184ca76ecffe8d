"""One figure on its own, for ``/figure/<figure id>`` (served by serving/figures.py; design in
docs/architecture/classroom.md).

The layout of an embedded figure is cut from the article's own layout, so a figure looks and behaves the same in
a slide as on the page: its block (title, tools, controls, graphs, readouts, caption), the controls of the slider
that drives it when they sit in a sibling block (F11 and F12 are driven from F10's controls), the hidden stores
of its section, and the page's permalink machinery (the query is read by the same parsers, bad values fall back
to the defaults with the same notice).  Dash's renderer refuses to run a callback one of whose outputs is missing,
and the article's callbacks span figures (one start-up callback, one permalink callback, one λ slider for three
views), so every other id that a callback names is present as a stand-in: a component that renders nothing and
takes any property (``l2embed.StandIn``, assets/teacher.js), so that every callback runs unchanged.  The player
leaves graphs that are not in the document alone (assets/player.js).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dash import dcc, html
from dash.development.base_component import Component

from components import page
from components.widgets.frame_player import FAST_LANES


def walk(node, inside: tuple = ()) -> Iterator[tuple[Component, tuple]]:
    """Every component of a layout tree with its ancestors (outermost first)."""
    if isinstance(node, list | tuple):
        for child in node:
            yield from walk(child, inside)
        return
    if not isinstance(node, Component):
        return
    yield node, inside
    yield from walk(getattr(node, "children", None), (*inside, node))


def _id(c: Component):
    return getattr(c, "id", None)


def figure_ids(tree: Component) -> list[str]:
    """The figures of a layout, in reading order (their blocks carry ``data-figure``)."""
    return [c.to_plotly_json()["props"]["data-figure"] for c, _ in walk(tree) if _is_block(c)]


def figure_titles(tree: Component) -> dict[str, str]:
    """{figure id: its title} for every figure of a layout."""
    titles = {}
    for fig_id in figure_ids(tree):
        for c, _ in walk(tree):
            if _id(c) == f"{fig_id}-title":
                titles[fig_id] = str(c.children)
                break
    return titles


def _is_block(c: Component) -> bool:
    return isinstance(c, html.Figure) and "data-figure" in c.to_plotly_json()["props"]


def _controls_of(tree: Component, ctl_id: str) -> Component | None:
    """The ``.controls`` row that holds control ``ctl_id``."""
    for c, inside in walk(tree):
        if _id(c) == ctl_id:
            rows = [a for a in inside if getattr(a, "className", None) == "controls"]
            return rows[-1] if rows else None
    return None


def _section_stores(section: Component) -> list[Component]:
    """The section's stores and timers that live outside every figure block (the MNIST views keep theirs there)."""
    return [
        c
        for c, inside in walk(section)
        if isinstance(c, dcc.Store | dcc.Interval) and not any(_is_block(a) for a in inside)
    ]


def figure_parts(tree: Component, fig_id: str) -> list[Component] | None:
    """What figure ``fig_id`` needs from the article's layout ``tree``: the controls that drive it from a sibling
    block, its own block, and its section's hidden stores; None for an unknown figure."""
    found = [(c, inside) for c, inside in walk(tree) if _id(c) == f"{fig_id}-block" and _is_block(c)]
    if not found:
        return None
    block, inside = found[0]
    for c, _ in walk(block):
        if _id(c) == f"{fig_id}-title":  # alone, the figure's title is the page's heading
            c.role = "heading"
            setattr(c, "aria-level", "1")
    sections = [a for a in inside if isinstance(a, html.Section)]
    own = {_id(c) for c, _ in walk(block)}
    driving = [ctl for ctl, (_, _, (spec,)) in FAST_LANES.items() if fig_id in spec["views"] and ctl not in own]
    borrowed = [row for row in (_controls_of(tree, ctl) for ctl in driving) if row is not None]
    stores = _section_stores(sections[-1]) if sections else []
    parts = []
    if borrowed:
        parts.append(html.Div(borrowed, className="embed-controls"))
    parts.append(block)
    parts.append(html.Div(stores, hidden=True))
    return parts


def callback_ids(dependencies: Iterable[dict]) -> set[str]:
    """Every string id that Dash's dependency list (``/_dash-dependencies``) names as an output, input or state."""
    ids: set[str] = set()
    for cb in dependencies:
        out = cb.get("output", "")
        parts = out[2:-2].split("...") if out.startswith("..") else [out]
        ids.update(p.rsplit(".", 1)[0] for p in parts if "." in p)
        for dep in (cb.get("inputs") or []) + (cb.get("state") or []):
            if isinstance(dep.get("id"), str):
                ids.add(dep["id"])
    return ids


def stand_in(component_id: str) -> dict:
    """A component that renders nothing and accepts any property (assets/teacher.js defines it in the browser),
    as the layout's JSON names it: Dash's renderer checks a callback's properties against the component's declared
    ones, and a stand-in declares none."""
    return {"type": "StandIn", "namespace": "l2embed", "props": {"id": component_id}}


def figure_layout(fig_id: str, dependencies: Iterable[dict]) -> html.Div | None:
    """The layout of ``/figure/<fig_id>`` (None for an unknown figure): the page's permalink stores and notice, the
    figure's parts in a ``main``, and a stand-in store for every other id the callbacks name."""
    parts = figure_parts(page.layout(), fig_id)
    if parts is None:
        return None
    shell = [
        dcc.Location(id="url", refresh=False),
        dcc.Store(id="page-url-keys", data=page.URL_KEYS),
        dcc.Store(id="page-url-sink"),
        dcc.Store(id="page-fast-lanes", data=FAST_LANES),
        html.Main(
            [html.Div(id="page-notice", className="page-notice", role="status", hidden=True), *parts],
            id="main",
            **{"aria-labelledby": f"{fig_id}-title"},
        ),
    ]
    present = {_id(c) for c, _ in walk(shell)}
    stand_ins = [stand_in(i) for i in sorted(callback_ids(dependencies) - present)]
    return html.Div([*shell, html.Div(stand_ins, hidden=True)], className="article embed", id="embed")
