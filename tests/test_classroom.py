"""The classroom parts that need no browser: the embedded figure's layout (components/embed.py), what slider thumbs
announce (components/common.py valuetexts), and the contrast of the classes' colours on every figure of the page."""

from __future__ import annotations

import json

import dash._callback
import pytest
from dash import html

from components import embed
from components import page as page_module
from views.formats import power_of_ten, scientific, signed
from views.mnist_params import lambda_valuetext
from views.style import EDGE, PALETTE


@pytest.fixture(scope="module")
def tree():
    return page_module.layout()


# The sections' callbacks as Dash's /_dash-dependencies lists them (the page's own are added by page.register),
# copied at collection: the first Dash app that serves a request takes Dash's global list over and empties it.
DEPENDENCIES = list(dash._callback.GLOBAL_CALLBACK_LIST)


def dependencies() -> list[dict]:
    assert len(DEPENDENCIES) > 10
    return DEPENDENCIES


def ids(node) -> list:
    return [getattr(c, "id", None) for c, _ in embed.walk(node) if getattr(c, "id", None)]


def test_every_figure_can_be_embedded_alone(tree):
    figures = embed.figure_ids(tree)
    study = {"fig-lenet-ladder", "fig-lenet-tradeoff", "fig-lenet-temperature", "fig-lenet-reliability"}
    assert len(figures) == 21 and figures[0] == "fig-hero" and "fig-lenet-draw" in figures and study < set(figures)
    titles = embed.figure_titles(tree)
    assert titles["fig-toy-lines"].startswith("Figure 4") and set(titles) == set(figures)
    named = embed.callback_ids(dependencies())
    for fig in figures:
        layout = embed.figure_layout(fig, dependencies())
        found = ids(layout)
        assert len(found) == len(set(found)), fig  # no id twice
        assert f"{fig}-block" in found and fig in found
        assert not [f for f in figures if f != fig and f"{f}-block" in found], fig  # one figure only
        assert "page-notice" in found and "url" in found
        stand_ins = {c["props"]["id"] for c in layout.children[-1].children}
        assert stand_ins == named - set(found), fig  # every other id a callback names, nothing more
        assert not any(type(c).__name__ == "Div" and "prose" in str(getattr(c, "className", "")) for c, _ in
                       embed.walk(layout))  # fmt: skip
    assert embed.figure_layout("fig-nope", dependencies()) is None


def test_a_figure_driven_from_a_sibling_block_brings_its_controls(tree):
    plane = ids(embed.figure_layout("fig-svm-plane", dependencies()))
    assert {"ctl-svm-lambda", "ctl-svm-pair", "ctl-svm-loss", "store-svm-frames", "svm-job-poll"} <= set(plane)
    assert "fig-svm-loss" not in plane and "ctl-svm-x-set" not in plane  # F10's graph and F12's pickers: stand-ins
    mirror = ids(embed.figure_layout("fig-svm-mirror", dependencies()))
    assert {"ctl-svm-lambda", "ctl-svm-x-set", "ctl-svm-y-random"} <= set(mirror)
    lines = ids(embed.figure_layout("fig-toy-lines", dependencies()))
    assert "ctl-toy-theta" in lines and "ctl-svm-lambda" not in lines and "fig-toy-lines-frames-src" in lines


def test_the_article_has_no_stand_ins_and_its_figures_name_and_describe_themselves(tree):
    text = json.dumps(tree.to_plotly_json(), default=lambda o: o.to_plotly_json())
    assert "StandIn" not in text and '"embed"' not in text
    ids = {c.id for c, _ in embed.walk(tree) if isinstance(getattr(c, "id", None), str)}
    blocks = [c.to_plotly_json()["props"] for c, _ in embed.walk(tree) if isinstance(c, html.Figure)]
    assert [b["data-figure"] for b in blocks] == embed.figure_ids(tree) and len(blocks) >= 21
    for b in blocks:  # the tools come from assets/teacher.js (tests/test_browser_classroom.py); the names from here
        assert b["id"] == f"{b['data-figure']}-block" and b["aria-labelledby"] == f"{b['data-figure']}-title"
        described = b["aria-describedby"].split()
        assert described[0] == f"{b['data-figure']}-caption" and set(described) <= ids, b["id"]


def test_slider_thumbs_announce_each_grid_value_with_its_unit(tree):
    assert lambda_valuetext(40) == "λ = 1.0 × 10⁻²" and lambda_valuetext(0) == "λ = 1.0 × 10⁻⁶"
    assert lambda_valuetext(80) == "λ = 1.0 × 10²" and lambda_valuetext(41) == "λ = 1.3 × 10⁻²"
    assert scientific(0.00035) == "3.5 × 10⁻⁴" and power_of_ten(0.5) == "10^0.50" and signed(-0.6) == "−0.60"
    from components.common import slider

    control = slider("ctl-x", -1, 1, 0, step=0.5, label="x", valuetext=lambda v: f"x = {signed(v)}")
    spec = json.loads(control.to_plotly_json()["props"]["data-valuetext"])
    assert spec == {"min": -1, "step": 0.5, "texts": ["x = −1.00", "x = −0.50", "x = +0.00", "x = +0.50", "x = +1.00"]}
    # every slider of the page says something for every value of its grid
    sliders = [c for c, _ in embed.walk(tree) if type(c).__name__ == "Slider"]
    specs = [json.loads(c.to_plotly_json()["props"]["data-valuetext"]) for c, _ in embed.walk(tree)
             if "data-valuetext" in c.to_plotly_json()["props"]]  # fmt: skip
    assert len(sliders) == len(specs) == 10
    for s, spec in zip(sliders, specs, strict=True):
        assert len(spec["texts"]) == round((s.max - s.min) / s.step) + 1 and all(spec["texts"]), s.id


NAMED = {"black": "#000000", "white": "#ffffff"}


def contrast(a: str, b: str = "#ffffff") -> float:
    def lum(h: str) -> float:
        h = NAMED.get(h, h)
        c = [int(h[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_class_colours_stand_out_from_the_background(tree):
    """WCAG 1.4.11: class I (orange) and J (blue) markers and lines have 3:1 against the white plots: a line in a
    class colour that has it, or a marker either solid in such a colour or outlined by one."""
    assert contrast(PALETTE["J"]) >= 3 and contrast(EDGE["I"]) >= 3 and contrast(EDGE["J"]) >= 3
    assert contrast(PALETTE["I"]) < 3  # why EDGE exists: the orange fill alone is 2.3:1
    checked = 0
    for c, _ in embed.walk(tree):
        fig = getattr(c, "figure", None)
        if not fig or type(c).__name__ != "Graph":
            continue
        fig = fig if isinstance(fig, dict) else fig.to_plotly_json()
        for trace in fig.get("data", []):
            uid = str(trace.get("uid", ""))
            if not (uid.startswith(("class-", "hist-"))):
                continue
            mode = trace.get("mode", "")
            if "lines" in mode and trace.get("line", {}).get("width", 2) > 0:
                assert contrast(trace["line"]["color"]) >= 3, (c.id, uid)
            if "markers" in mode:
                marker, line = trace.get("marker", {}), trace.get("marker", {}).get("line") or {}
                solid = isinstance(marker.get("color"), str) and marker["color"].startswith("#")
                ok = (solid and marker.get("opacity", 1) == 1 and contrast(marker["color"]) >= 3) or (
                    str(NAMED.get(line.get("color"), line.get("color"))).startswith("#") and contrast(line["color"]) >= 3
                    and line.get("width", 0) >= 0.8
                )  # fmt: skip
                assert ok, (c.id, uid, marker)
            checked += 1
    assert checked >= 10
