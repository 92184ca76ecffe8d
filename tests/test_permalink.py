"""Permalinks: the URL holds every control's state, restores it, and survives bad values."""

from __future__ import annotations

import pytest

from components import page as page_module
from tests.test_browser_page import PAINTED, choose_pair, open_page, press, text, wait_text_change
from tests.test_fig_svm_support import mnist_app

mnist_url = pytest.fixture(scope="module")(mnist_app)


def test_every_section_url_key_is_parsed_and_unique():
    keys = page_module.URL_KEYS
    assert {"hero", "pair", "loss", "lam", "lamv", "xset", "xi", "yset", "yi"} <= set(keys)
    assert len(keys) == len(set(keys))
    values, problems = page_module.parse_query("?pair=4-9&loss=logistic&lam=12&hero=3&xi=5")
    assert values == {"pair": "4-9", "loss": "logistic", "lam": 12, "hero": 3, "xi": 5} and problems == []
    values, problems = page_module.parse_query("?pair=7-7&lam=abc&nosuch=1&loss=")
    assert values == {} and len(problems) == 4
    values, problems = page_module.parse_query("?" + "x" * 5000)
    assert values == {} and problems


@pytest.mark.browser
def test_a_permalink_round_trips(page, browser, mnist_url):
    open_page(page, mnist_url)
    theta = text(page, "ro-hero-theta")
    press(page, "ctl-hero-lambda", "ArrowLeft", 7)
    wait_text_change(page, "ro-hero-theta", theta)
    err = text(page, "ro-svm-err-test")
    choose_pair(page, "0 vs 1")
    wait_text_change(page, "ro-svm-err-test", err)
    page.locator("#ctl-svm-loss label", has_text="softplus").click()
    page.wait_for_function("() => location.search.includes('loss=logistic')", timeout=30_000)
    lam = text(page, "ro-svm-lam")
    press(page, "ctl-svm-lambda", "ArrowRight", 5)
    wait_text_change(page, "ro-svm-lam", lam)
    page.wait_for_function("() => location.search.includes('lam=45')", timeout=30_000)
    url = page.url
    assert "hero=33" in url and "pair=0-1" in url
    state = {r: text(page, r) for r in ("ro-hero-theta", "ro-svm-lam", "ro-svm-dadv", "ro-svm-err-test")}

    other = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        other.goto(url, timeout=120_000)
        other.wait_for_function(PAINTED, timeout=120_000)
        other.wait_for_function(
            "(want) => document.getElementById('ro-svm-dadv').textContent === want",
            arg=state["ro-svm-dadv"],
            timeout=60_000,
        )
        assert {r: other.inner_text(f"#{r}") for r in state} == state
        assert other.get_attribute("#ctl-hero-lambda [role=slider]", "aria-valuenow") == "33"
        assert other.locator("#page-notice").is_hidden()
        assert other.url == url  # nothing lost in the round trip
    finally:
        other.close()
    assert page.problems == []


@pytest.mark.browser
def test_bad_query_values_fall_back_to_defaults_with_a_notice(page, mnist_url):
    page.goto(f"{mnist_url}/?pair=7-7&lam=abc&hero=999", timeout=120_000)
    page.wait_for_function(PAINTED, timeout=120_000)
    notice = page.locator("#page-notice")
    notice.wait_for(state="visible", timeout=60_000)
    msg = notice.inner_text()
    assert "pair" in msg and "lam" in msg and "hero" in msg
    page.wait_for_function(
        "() => document.getElementById('ro-svm-lam').textContent.startsWith('10^-2.0')", timeout=60_000
    )
    assert "2 vs 3" in page.inner_text("#ctl-svm-pair")
    assert page.get_attribute("#ctl-hero-lambda [role=slider]", "aria-valuenow") == "40"
    page.wait_for_function(
        "() => location.search.includes('pair=2-3') && !location.search.includes('abc')", timeout=30_000
    )
    assert page.problems == []
