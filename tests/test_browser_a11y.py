"""WCAG 2.1 AA in the browser: axe-core finds nothing, the keyboard reaches every control in reading order, sliders
announce their values with units, the page has its landmarks, focus shows and motion stops when asked.

axe-core is the npm package's own build, vendored for the tests only (tests/vendor, MPL-2.0 with its licence);
every rule runs, none is disabled.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_browser_page import choose_pair, open_page, text, wait_text_change
from tests.test_fig_svm_support import mnist_app

mnist_url = pytest.fixture(scope="module")(mnist_app)
pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js").read_text()


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as it stands, every rule of every impact: 'rule (impact): targets'."""
    if not page.evaluate("() => !!window.axe"):
        page.evaluate(AXE)
    found = page.evaluate("() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}" for v in found]


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_violation_when_loaded_and_after_a_pair_change(browser, mnist_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        open_page(page, mnist_url)
        page.wait_for_timeout(400)  # the equations that overflow a phone's width are made focusable after layout
        assert axe_violations(page) == []
        err = text(page, "ro-svm-err-test")
        choose_pair(page, "7 vs 9")
        wait_text_change(page, "ro-svm-err-test", err)
        page.wait_for_function("() => location.search.includes('pair=7-9')", timeout=10_000)
        assert axe_violations(page) == []
    finally:
        context.close()


# Everything a keyboard user operates, in the DOM's order, as the browser should reach it with Tab: links, buttons,
# the disclosure summaries, text and number boxes, slider thumbs, the checked radio of each group, and regions made
# focusable (wide equations).  Whatever is hidden (display, closed disclosure, not rendered) is not a stop.
CONTROLS_JS = """() => {
  const sel = 'a[href], button, summary, input, select, textarea, [role=slider], [tabindex="0"]';
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const inClosed = (el) => { const d = el.parentElement && el.parentElement.closest('details:not([open])');
    return !!d && el !== d.querySelector(':scope > summary'); };
  const radioStop = (el) => el.type !== 'radio' || el.checked ||
    !document.querySelector('input[type=radio][name="' + el.name + '"]:checked');
  return [...document.querySelectorAll(sel)].filter(el => !el.disabled && shown(el) && !inClosed(el) && radioStop(el))
    .map(el => window.l2key(el));
}"""
KEY_JS = """() => { window.l2key = (el) => {
  if (!el || el === document.body) return 'body';
  const host = el.closest('[id]');
  const tag = el.tagName.toLowerCase() + (el.getAttribute('role') ? '[' + el.getAttribute('role') + ']' : '');
  const extra = el.getAttribute('data-tool') || el.getAttribute('href') || el.value || '';
  return tag + ' in #' + (host ? host.id : '') + (extra ? ' ' + extra : '');
}; }"""


@pytest.mark.slow
def test_tab_reaches_every_control_once_in_reading_order(page, mnist_url):
    open_page(page, mnist_url)
    page.evaluate(KEY_JS)
    expected = page.evaluate(CONTROLS_JS)
    assert len(expected) > 80
    for part in ("a in #credit-original https://", "span[slider] in #ctl-hero-lambda", "button in #ctl-svm-pair",
                 "input in #ctl-svm-loss hinge", "input in #ctl-toy-theta", "summary in #fig-toy-lines-block"):  # fmt: skip
        assert any(part in k for k in expected), part
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    reached = []
    for _ in range(len(expected) + 5):
        page.keyboard.press("Tab")
        key = page.evaluate("() => window.l2key(document.activeElement)")
        if key == "body" or (reached and key == reached[0]):
            break
        reached.append(key)
    assert reached[0] == "a in #skip-link #main"  # the skip link comes first
    assert reached == expected
    assert page.problems == []


def test_skip_link_landmarks_and_names(page, mnist_url):
    open_page(page, mnist_url)
    assert page.get_attribute("html", "lang") == "en"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert page.locator("main").count() == 1 and page.locator("header.page-header").count() == 1
    regions = page.evaluate(
        "() => [...document.querySelectorAll('main > section')].map(s =>"
        " [s.id, (document.getElementById(s.getAttribute('aria-labelledby')) || {}).textContent || ''])"
    )
    assert len(regions) >= 8 and all(name.strip() for _, name in regions), regions
    # every figure: named by its title and described by its caption and its live readouts
    groups = page.evaluate(
        "() => [...document.querySelectorAll('figure')].map(g => [g.getAttribute('aria-labelledby'),"
        " (g.getAttribute('aria-describedby') || '').split(' ').map(i => !!document.getElementById(i))])"
    )
    assert len(groups) >= 21 and all(t and all(ok) and ok for t, ok in groups), groups
    described = page.get_attribute("#fig-hero-block", "aria-describedby")
    assert described == "fig-hero-caption fig-hero-readouts"
    # every control has a name from a visible label: thumbs, number boxes, dropdowns and labelled radio groups point
    # at their label; each radio sits in its own label; the drawing canvas says what it is for
    unnamed = page.evaluate(
        "() => [...document.querySelectorAll('[role=slider], .dash-slider-container input, button.dash-dropdown,"
        " [role=radiogroup][aria-labelledby]')].filter(el => { const ids = (el.getAttribute('aria-labelledby') || '')"
        ".split(' '); const label = document.getElementById(ids[0]); return !label || !label.textContent.trim()"
        " || !label.getClientRects().length; }).map(el => el.closest('[id]').id)"
    )
    assert unnamed == []
    assert page.locator("#ctl-svm-loss[role=radiogroup][aria-labelledby]").count() == 1
    assert page.evaluate(
        "() => [...document.querySelectorAll('input[type=radio]')].every(r => r.closest('label').textContent.trim())"
    )
    assert "draw" in page.get_attribute("#lenet-canvas", "aria-label").lower()
    assert page.problems == []


def test_slider_thumbs_announce_values_with_units_on_every_step(page, mnist_url):
    open_page(page, f"{mnist_url}/?hero=20&toy_theta=30")
    thumb = "#{} [role=slider]".format
    page.wait_for_function(f"() => document.querySelector('{thumb('ctl-hero-lambda')}').ariaValueNow === '20'")
    assert page.get_attribute(thumb("ctl-hero-lambda"), "aria-valuetext") == "λ = 1.0 × 10⁻⁴"  # from the permalink
    assert page.get_attribute(thumb("ctl-toy-theta"), "aria-valuetext") == "θ = 29.7°"
    assert page.get_attribute(thumb("ctl-wnorm"), "aria-valuetext") == "‖w‖ = 10^0.00"
    assert page.get_attribute(thumb("ctl-toy-a"), "aria-valuetext").startswith("a = ")
    assert page.get_attribute(thumb("ctl-noisy-lambda"), "aria-valuetext").startswith("λ = 10^-")
    page.locator(thumb("ctl-hero-lambda")).focus()
    for key, now, said in [("ArrowRight", "21", "λ = 1.3 × 10⁻⁴"), ("PageUp", "31", "λ = 1.3 × 10⁻³"),
                           ("End", "80", "λ = 1.0 × 10²"), ("Home", "0", "λ = 1.0 × 10⁻⁶")]:  # fmt: skip
        page.keyboard.press(key)  # the fast lane draws the frame; the thumb says the value it shows
        page.wait_for_function(
            "([s, now]) => document.querySelector(s).getAttribute('aria-valuenow') === now",
            arg=[thumb("ctl-hero-lambda"), now],
        )
        assert page.get_attribute(thumb("ctl-hero-lambda"), "aria-valuetext") == said
    page.locator(thumb("ctl-toy-theta")).focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('{thumb('ctl-toy-theta')}').ariaValueText === 'θ = 30.6°'")
    assert page.problems == []


def test_focus_shows_and_reduced_motion_stops_transitions(browser, mnist_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    try:
        open_page(page, mnist_url)
        thumb = page.locator("#ctl-hero-lambda [role=slider]")
        thumb.focus()
        page.keyboard.press("ArrowRight")
        ring = thumb.evaluate(
            "el => [getComputedStyle(el).outlineStyle, parseFloat(getComputedStyle(el).outlineWidth)]"
        )
        assert ring[0] != "none" and ring[1] >= 2
        durations = page.evaluate(
            "() => [...document.querySelectorAll('.dash-slider-thumb, .dash-slider-range, .dash-dropdown, a')]"
            ".map(el => parseFloat(getComputedStyle(el).transitionDuration) || 0)"
        )
        assert max(durations) < 0.001
        assert page.evaluate("() => getComputedStyle(document.documentElement).scrollBehavior") != "smooth"
    finally:
        context.close()
