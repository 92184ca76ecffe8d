"""Browser checks of the toy, theory and ReLU-toy figures: they paint, equations render, every slider moves
its figure and readouts (keyboard), clicking the image plane picks a point, and the console stays clean."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

MY_FIGURES = [
    "fig-toy-space",
    "fig-toy-classes",
    "fig-toy-lines",
    "fig-toy-mirror",
    "fig-toy-noisy",
    "fig-loss-scaling",
    "fig-dadv-geometry",
    "fig-nn-toy",
]
# (slider, figure, readout that must change)
SLIDERS = [
    ("ctl-toy-a", "fig-toy-space", "ro-toy-space-a"),
    ("ctl-toy-b", "fig-toy-space", "ro-toy-space-b"),
    ("ctl-toy-theta", "fig-toy-lines", "ro-toy-lines-theta"),
    ("ctl-mirror-theta", "fig-toy-mirror", "ro-toy-mirror-dist"),
    ("ctl-noisy-lambda", "fig-toy-noisy", "ro-toy-noisy-lambda"),
    ("ctl-wnorm", "fig-loss-scaling", "ro-wnorm-value"),
    ("ctl-dadv-theta", "fig-dadv-geometry", "ro-dadv-measured"),
    ("ctl-nn-decay", "fig-nn-toy", "ro-nn-grad"),
]
FINGERPRINT_JS = """id => {
    const gd = document.querySelector('#' + id + ' .js-plotly-plot');
    return gd && gd.data ? JSON.stringify(gd.data.map(t => [t.x, t.y, t.z])) : null;
}"""


def _open(page, url):
    page.goto(url, wait_until="domcontentloaded", timeout=300_000)  # the first load builds every section's frames
    for fid in MY_FIGURES:
        page.wait_for_selector(f"#{fid} .main-svg", timeout=180_000)


def test_figures_paint_and_equations_render(live_server, page):
    _open(page, live_server)
    # equations are MathML from the server (components/prose.py), drawn by the browser: no MathJax at all
    assert page.locator("#toy math").count() > 5 and page.locator("#linear math").count() > 5
    assert page.locator("#linear math[display=block]").count() >= 4
    assert page.evaluate("() => document.querySelector('#linear mfrac').namespaceURI") == (
        "http://www.w3.org/1998/Math/MathML"
    )
    assert page.locator("code.tex, mjx-container").count() == 0
    for sec in ("intro", "toy", "linear", "neural", "closing"):
        text = page.inner_text(f"#{sec}")
        assert "$" not in text and "\\" not in text, f"raw LaTeX visible in #{sec}"
    fraction = page.locator("#linear mfrac").first.bounding_box()  # laid out as a fraction: taller than a line
    assert fraction and fraction["height"] > 20
    assert not page.evaluate("() => performance.getEntriesByType('resource').some(e => /mathjax/i.test(e.name))")
    assert page.locator("#closing a[href='https://thomas-tanay.github.io/post--L2-regularization/']").count() >= 1
    assert page.locator("#closing a[href='https://arxiv.org/abs/1806.11186']").count() >= 1
    assert page.locator("#closing #ref-szegedy2014").count() == 1 and page.locator("#fn-lambda").count() == 1
    for fid in MY_FIGURES:  # axis titles present on every figure
        assert page.locator(f"#{fid} .g-xtitle").count() >= 1 or fid == "fig-toy-classes"
    assert page.problems == []


def test_every_slider_moves_its_figure_and_readouts(live_server, page):
    _open(page, live_server)
    noisy_ready = page.locator("#fig-toy-noisy-block .figure-note").count() == 0
    for ctl, fid, ro in SLIDERS:
        if ctl == "ctl-noisy-lambda" and not noisy_ready:
            continue  # the toy solver has not landed: the figure shows its note instead
        before_fig = page.evaluate(FINGERPRINT_JS, fid)
        before_ro = page.inner_text(f"#{ro}")
        handle = page.locator(f"#{ctl} [role=slider]")
        handle.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        try:
            page.wait_for_function(
                "([ro, old]) => document.getElementById(ro).innerText !== old", arg=[ro, before_ro], timeout=30_000
            )
            page.wait_for_function(
                f"([id, old]) => ({FINGERPRINT_JS})(id) !== old", arg=[fid, before_fig], timeout=30_000
            )
        except Exception as exc:
            raise AssertionError(f"{ctl} did not update {ro} / {fid}: {exc}; problems: {page.problems}") from exc
    assert page.problems == []


def test_mirror_readout_matches_formula_in_browser(live_server, page):
    _open(page, live_server)
    page.locator("#ctl-mirror-theta [role=slider]").focus()
    page.keyboard.press("End")
    page.wait_for_function("() => document.getElementById('ro-toy-mirror-theta').innerText.startsWith('89.1')")
    dist = float(page.inner_text("#ro-toy-mirror-dist"))
    assert dist == pytest.approx(1.6 * 0.01570731731, abs=2e-3)  # 1.6 cos(0.99·π/2)
    assert page.inner_text("#ro-toy-mirror-class") == "J"


def test_click_on_image_space_picks_the_point(live_server, page):
    _open(page, live_server)
    page.locator("#fig-toy-space").scroll_into_view_if_needed()
    box = page.locator("#fig-toy-space .xy .nsewdrag").first.bounding_box()
    # the centre of the [−1.05, 1.05]² plane is the image (0, 0)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => document.getElementById('ro-toy-space-a').innerText === '+0.00'", timeout=10_000)
    assert page.inner_text("#ro-toy-space-b") == "+0.00"
    assert page.problems == []
