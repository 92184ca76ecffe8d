"""The teacher's tools in a real browser: one figure at /figure/<id> in an iframe with its state from the query, the
link to the view, PNG/SVG downloads by Plotly's own export, and the printed handout."""

from __future__ import annotations

import json
import re
import struct

import httpx
import pytest

from tests.test_browser_a11y import axe_violations
from tests.test_browser_page import open_page, text
from tests.test_fig_svm_support import mnist_app

mnist_url = pytest.fixture(scope="module")(mnist_app)
pytestmark = pytest.mark.browser


def embed(page, base: str, path: str, size=(900, 640)):
    """A same-origin page holding ``path`` in an iframe (as a slide deck or a learning platform would); its frame."""
    host = f"{base}/slides-test.html"
    page.route(
        host,
        lambda route: route.fulfill(
            content_type="text/html",
            body=f'<!doctype html><html lang="en"><title>slides</title><body style="margin:0">'
            f'<iframe id="slot" title="figure" src="{path}" width="{size[0]}" height="{size[1]}"></iframe>',
        ),
    )
    if page.url != "about:blank":  # leave the frame before: what it still fetches is cut off, not a problem
        assert page.problems == []
        page.goto("about:blank")
        page.wait_for_timeout(200)
        page.problems.clear()
    page.goto(host)
    frame = page.frame_locator("#slot")
    frame.locator(".dash-graph .main-svg").first.wait_for(timeout=120_000)
    return page.frame(url=lambda u: "/figure/" in u)


def test_figure_routes_answer_and_leave_the_page_alone(mnist_url):
    page = httpx.get(f"{mnist_url}/", timeout=120)
    fig = httpx.get(f"{mnist_url}/figure/fig-toy-lines?toy_theta=30", timeout=120)
    assert fig.status_code == 200 and "<title>Figure 4 · A family of perfect classifiers" in fig.text

    def prefix(html: str) -> str:
        return json.loads(re.search(r'id="_dash-config" type="application/json">(.*?)</script>', html, re.S)[1])[
            "requests_pathname_prefix"
        ]

    assert prefix(fig.text) == "/figure/fig-toy-lines/" and '<body class="embed">' in fig.text
    assert prefix(page.text) == "/" and "embed" not in page.text.split("<body")[1]
    assert "frame-ancestors 'self'" in fig.headers["content-security-policy"]
    assert {k: v for k, v in page.headers.items() if k not in ("date", "content-length")} == {
        k: v for k, v in httpx.get(f"{mnist_url}/", timeout=60).headers.items() if k not in ("date", "content-length")
    }
    layout = httpx.get(f"{mnist_url}/figure/fig-toy-lines/_dash-layout", timeout=120).json()
    assert "fig-toy-lines-block" in str(layout) and "fig-toy-mirror-block" not in str(layout)
    assert httpx.get(f"{mnist_url}/figure/fig-toy-lines/_dash-dependencies").json()
    for bad in ("fig-nope", "fig-hero-block", "fig-hero%20x", "FIG-HERO"):
        assert httpx.get(f"{mnist_url}/figure/{bad}").status_code == 404, bad
        assert httpx.get(f"{mnist_url}/figure/{bad}/_dash-layout").status_code == 404, bad


@pytest.mark.slow
def test_two_figures_embedded_show_the_state_their_query_asks_for(page, mnist_url):
    # the MNIST λ view of 7 vs 9 at λ = 10^-1 (grid index 50), with the controls that drive it
    frame = embed(page, mnist_url, "/figure/fig-svm-loss?pair=7-9&lam=50")
    frame.wait_for_function("() => document.getElementById('ro-svm-lam').textContent.startsWith('10^-1.0')")
    assert "7 vs 9" in frame.inner_text("#ctl-svm-pair")
    thumb = frame.locator("#ctl-svm-lambda [role=slider]")
    assert thumb.get_attribute("aria-valuenow") == "50" and thumb.get_attribute("aria-valuetext") == "λ = 1.0 × 10⁻¹"
    shown = frame.evaluate("() => [...document.querySelectorAll('.dash-graph')].map(g => g.id)")
    assert shown == ["fig-svm-loss"]
    assert frame.locator("h1, .prose, #fig-svm-plane-block, #fig-hero").count() == 0
    assert frame.locator("#fig-svm-loss-block > details.figure-tools summary").inner_text() == "Share or download"
    assert frame.locator("#page-notice").is_hidden()
    grid = frame.evaluate("() => document.querySelector('#fig-svm-loss .js-plotly-plot').data[4].x.length")
    assert grid == 81  # the sweep's curves: the 7 vs 9 sweep is drawn
    width = frame.evaluate("() => document.querySelector('#fig-svm-loss-block').getBoundingClientRect().width")
    assert 850 <= width <= 900  # the figure fills the iframe, nothing around it
    assert axe_violations(frame) == []
    # a toy θ figure, a step of its own slider inside the frame, and a bad value falling back with a notice
    page.unroute(f"{mnist_url}/slides-test.html")
    frame = embed(page, mnist_url, "/figure/fig-toy-lines?toy_theta=30")
    frame.wait_for_function("() => document.getElementById('ro-toy-lines-theta').textContent.startsWith('29.7°')")
    thumb = frame.locator("#ctl-toy-theta [role=slider]")
    assert thumb.get_attribute("aria-valuetext") == "θ = 29.7°"
    thumb.focus()
    page.keyboard.press("ArrowRight")
    frame.wait_for_function("() => document.getElementById('ro-toy-lines-theta').textContent.startsWith('30.6°')")
    frame.wait_for_function("() => location.search === '?toy_theta=30.6'")  # its own permalink follows
    assert frame.evaluate("() => [...document.querySelectorAll('.dash-graph')].map(g => g.id)") == ["fig-toy-lines"]
    page.unroute(f"{mnist_url}/slides-test.html")
    frame = embed(page, mnist_url, "/figure/fig-toy-lines?toy_theta=banana")
    frame.locator("#page-notice").wait_for(state="visible", timeout=30_000)
    assert "toy_theta" in frame.inner_text("#page-notice")
    assert text(frame, "ro-toy-lines-theta").startswith("45.0°")
    assert page.problems == []


TOOLS_PLACED = """() => [...document.querySelectorAll('figure[data-figure]')].map(f => {
  const tools = f.querySelectorAll(':scope > details.figure-tools');
  const t = tools[0], title = f.querySelector(':scope > .figure-title');
  if (tools.length !== 1 || !title) return [f.id, tools.length, !!title];
  const s = t.querySelector('summary').getBoundingClientRect(), h = title.getBoundingClientRect();
  const r = f.getBoundingClientRect(), next = title.nextElementSibling.getBoundingClientRect();
  return [f.id, t.dataset.figure === f.dataset.figure && f.firstElementChild === t
    && s.top < h.bottom && s.bottom > h.top && s.right <= r.right + 1 && s.right >= r.right - 2 && next.top >= s.bottom];
})"""


@pytest.mark.parametrize("width", [1280, 375])
def test_every_figure_gets_its_tools_beside_its_title(browser, mnist_url, width):
    """assets/teacher.js adds one disclosure per figure, first in the block, on the title's line at its right, and
    what follows the title starts below it — at desktop and phone widths."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        open_page(page, mnist_url)
        placed = page.evaluate(TOOLS_PLACED)
        assert len(placed) >= 21 and all(ok is True for _, ok in placed), placed
    finally:
        page.close()


def test_link_to_this_view_is_copied_and_opens_the_page_there(browser, mnist_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=mnist_url)
    page = context.new_page()
    try:
        open_page(page, mnist_url)
        thumb = page.locator("#ctl-toy-theta [role=slider]")
        thumb.focus()
        for _ in range(3):
            page.keyboard.press("ArrowLeft")
        page.wait_for_function("() => document.getElementById('ro-toy-lines-theta').textContent.startsWith('42.3°')")
        summary = page.locator("#fig-toy-lines-block summary")
        summary.focus()
        page.keyboard.press("Enter")  # the disclosure opens from the keyboard …
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.dataset.tool") == "link"
        page.keyboard.press("Enter")  # … and its first button copies the link
        status = page.locator("#fig-toy-lines-block .fig-tool-status")
        page.wait_for_function("(el) => el.textContent === 'Link copied'", arg=status.element_handle())
        assert status.get_attribute("role") == "status"
        link = page.evaluate("() => navigator.clipboard.readText()")
        assert link.startswith(f"{mnist_url}/?") and link.endswith("#fig-toy-lines") and "&toy_theta=42.3&" in link
        other = context.new_page()
        other.goto(link)
        other.wait_for_function(
            "() => (document.getElementById('ro-toy-lines-theta')?.textContent || '').startsWith('42.3°')",
            timeout=60_000,
        )
        other.wait_for_timeout(1500)
        top = other.evaluate("() => document.getElementById('fig-toy-lines-block').getBoundingClientRect().top")
        assert abs(top) < 5  # opened scrolled to the figure
    finally:
        context.close()


def test_figures_download_as_png_and_svg_at_presentation_size(browser, mnist_url, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        open_page(page, mnist_url)
        page.locator("#fig-hero-block summary").click()
        with page.expect_download(timeout=60_000) as png:
            page.locator("#fig-hero-block [data-tool=png]").press("Enter")
        path = tmp_path / "hero.png"
        png.value.save_as(path)
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and png.value.suggested_filename == "fig-hero.png"
        width, height = struct.unpack(">II", data[16:24])
        assert width >= 1920 and height >= 800
        with page.expect_download(timeout=60_000) as svg:
            page.locator("#fig-hero-block [data-tool=svg]").press("Enter")
        path = tmp_path / "hero.svg"
        svg.value.save_as(path)
        drawing = path.read_text()
        assert drawing.startswith("<svg") and "class I" in drawing and "<image" in drawing  # legend, mean pictures
        page.wait_for_function(
            "() => document.querySelector('#fig-hero-block .fig-tool-status').textContent === 'SVG saved'"
        )
        assert not [u for u in page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
                    if not u.startswith(mnist_url) and not u.startswith(("data:", "blob:"))]  # fmt: skip
    finally:
        context.close()


@pytest.mark.slow
def test_print_gives_a_handout_without_controls_and_with_whole_figures(page, mnist_url, tmp_path):
    open_page(page, mnist_url)
    page.evaluate("() => window.l2teacher.fitForPrint()")
    page.emulate_media(media="print")
    hidden = page.evaluate(
        "() => [...document.querySelectorAll('.controls, .figure-tools, .skip-link, .modebar-container')]"
        ".every(el => getComputedStyle(el).display === 'none')"
    )
    assert hidden
    widths = page.evaluate(  # as drawn, with the zoom the print style sheet gives each graph
        "() => [...document.querySelectorAll('.dash-graph .main-svg:first-child')]"
        ".map(s => s.getBoundingClientRect().width)"
    )
    assert len(widths) >= 18 and max(widths) <= 700  # A4/Letter portrait inside the margins: nothing cut off
    after = page.evaluate("() => getComputedStyle(document.getElementById('credit-original'), '::after').content")
    assert "thomas-tanay.github.io" in after  # links show where they lead
    assert page.evaluate("() => getComputedStyle(document.getElementById('fig-hero-block')).breakInside") == "avoid"
    pdf = tmp_path / "handout.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-" and len(re.findall(rb"/Type\s*/Page\b", data)) >= 10
