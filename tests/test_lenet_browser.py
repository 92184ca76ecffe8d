"""Browser: the LeNet figures paint, the canvas draws into the store, and a test image is attacked by both nets."""

from __future__ import annotations

import json

import numpy as np
import pytest

from views import pictures as md
from views.lenet_draw import mnist_test_digit

pytestmark = pytest.mark.browser

FIGURES = [
    "fig-lenet-arch",
    "fig-lenet-errors",
    "fig-lenet-weights",
    "fig-lenet-advs",
    "fig-lenet-ladder",
    "fig-lenet-tradeoff",
    "fig-lenet-temperature",
    "fig-lenet-reliability",
    "fig-lenet-draw",
]


def test_lenet_figures_paint_and_attack_runs(live_server, page):
    page.goto(live_server, wait_until="domcontentloaded", timeout=180_000)  # the first page builds every cache
    for fid in FIGURES:
        page.wait_for_selector(f"#{fid} .main-svg", timeout=180_000)
    # the picture grids are layout images, every cell painted as an <image> element; their labels are the one
    # text trace (one <text> per label); the only annotations are F16's row titles (original, LeNet_low, LeNet_high)
    for fid, n, labels, notes in (
        ("fig-lenet-advs", 50, 50, 3),
        ("fig-lenet-weights", 48, 8, 0),
        ("fig-lenet-draw", 5, 5, 0),
    ):
        assert page.evaluate(f"() => document.querySelector('#{fid} .js-plotly-plot').data.length") == 1
        assert page.locator(f"#{fid} .layer-above image").count() == n
        assert page.locator(f"#{fid} .scatterlayer .textpoint").count() == labels
        assert page.locator(f"#{fid} .annotation").count() == notes
    assert page.locator("#fig-lenet-advs .annotation", has_text="LeNet_high").count() == 1
    first = "() => document.querySelector('#fig-lenet-draw .js-plotly-plot').layout.images[0].source"
    shown = page.evaluate(first)  # the input panel shows test image 0
    np.testing.assert_array_equal(md.png_values(shown, 0), mnist_test_digit(0))
    assert page.locator("#tbl-lenet-rms tr").count() == 5
    # draw a stroke on the canvas: the drawing becomes the source and shows up in the input panel
    page.locator("#lenet-canvas").scroll_into_view_if_needed()
    box = page.locator("#lenet-canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.8, steps=12)
    page.mouse.up()
    page.wait_for_function(
        "() => document.querySelector('#ctl-lenet-source input[value=drawing]').checked", timeout=20_000
    )
    page.wait_for_function(f"() => ({first})() !== {json.dumps(shown)}", timeout=30_000)
    drawn = md.png_values(page.evaluate(first), 0)  # the drawing: a vertical stroke, centred like MNIST
    assert drawn.max() > 128 and drawn[:, 10:18].sum() > 0.9 * drawn.sum()
    # back to a test image, attack with both nets, wait for the job's result
    page.locator("#ctl-lenet-source input[value=test]").check()
    page.click("#ctl-lenet-go")
    page.wait_for_function(
        "() => document.querySelector('#ro-lenet-draw').innerText.includes('LeNet_high')", timeout=240_000
    )
    text = page.inner_text("#ro-lenet-draw")
    assert "LeNet_low" in text and "‖δ‖₂" in text
    assert not page.problems, page.problems
