"""The page in a real browser: it loads cleanly, every figure paints, the MNIST controls work.

Uses the shipped sweeps when present, else the sweep test double (tests/test_fig_svm_support.py).
"""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest

from tests.test_fig_svm_support import mnist_app

mnist_url = pytest.fixture(scope="module")(mnist_app)

pytestmark = pytest.mark.browser

PAINTED = (
    "() => { const g = [...document.querySelectorAll('.dash-graph')];"
    " return g.length > 0 && g.every(e => e.querySelector('.main-svg')); }"
)
SVM_VIEWS = ("fig-svm-loss", "fig-svm-plane", "fig-svm-mirror")


def open_page(page, url: str) -> None:
    page.goto(url, timeout=120_000)
    page.wait_for_function(PAINTED, timeout=120_000)
    page.wait_for_function("() => document.getElementById('ro-svm-xdist').textContent !== '–'", timeout=60_000)


def trace_values(page, fig_id: str, trace: int, prop: str = "y") -> list:
    """The data of one trace as Plotly currently draws it."""
    return page.evaluate(
        "([id, i, p]) => { const gd = document.querySelector('#' + id + ' .js-plotly-plot');"
        " return JSON.parse(JSON.stringify(gd.data[i][p])); }",
        [fig_id, trace, prop],
    )


def picture(page, fig_id: str, index: int) -> str:
    """The source of a layout image (the MNIST views' 28×28 pictures) as Plotly currently draws it."""
    return page.evaluate(
        "([id, i]) => document.querySelector('#' + id + ' .js-plotly-plot').layout.images[i].source", [fig_id, index]
    )


def text(page, el_id: str) -> str:
    return page.inner_text(f"#{el_id}")


def press(page, slider_id: str, key: str, times: int) -> None:
    thumb = page.locator(f"#{slider_id} [role=slider]")
    thumb.scroll_into_view_if_needed()
    thumb.focus()
    for _ in range(times):
        page.keyboard.press(key)


def wait_text_change(page, el_id: str, old: str, timeout_s: float = 60) -> str:
    page.wait_for_function(
        "([id, old]) => { const t = document.getElementById(id).textContent; return t !== old && t !== '–'; }",
        arg=[el_id, old],
        timeout=timeout_s * 1000,
    )
    return text(page, el_id)


def test_page_loads_cleanly_and_every_figure_paints(page, mnist_url):
    open_page(page, mnist_url)
    ids = page.eval_on_selector_all(".dash-graph", "els => els.map(e => e.id)")
    assert {"fig-hero", *SVM_VIEWS} <= set(ids)
    unpainted = page.eval_on_selector_all(
        ".dash-graph", "els => els.filter(e => !e.querySelector('.main-svg')).map(e => e.id)"
    )
    assert unpainted == []
    credit = page.locator("#credit")
    assert "Tanay" in credit.inner_text() and "Griffin" in credit.inner_text()
    assert page.get_attribute("#credit-original", "href") == "https://thomas-tanay.github.io/post--L2-regularization/"
    assert page.get_attribute("#credit-paper", "href") == "https://arxiv.org/abs/1806.11186"
    assert page.locator("#page-notice").is_hidden()
    # equations: MathML typeset on the server, so no MathJax script and no raw LaTeX anywhere in the prose
    assert page.locator(".prose math").count() > 100 and page.locator("mjx-container, code.tex").count() == 0
    prose = page.evaluate("() => [...document.querySelectorAll('.prose')].map(e => e.innerText).join(' ')")
    assert "$" not in prose and "\\frac" not in prose and "\\|" not in prose
    assert not page.evaluate("() => performance.getEntriesByType('resource').some(e => /mathjax/i.test(e.name))")
    # the prose went into the page through the browser's parser (assets/prose.js): none left waiting, no Markdown
    assert page.locator(".prose").count() >= 20 and page.locator("[data-prose]").count() == 0
    assert page.locator(".prose p").count() > 40
    scripts = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
    assert not [u for u in scripts if re.search(r"async-markdown|async-highlight|polyfill@|dash_table|plotly\.v", u)]
    for rid in ("ro-hero-err", "ro-hero-dadv", "ro-hero-theta", "ro-svm-dadv", "ro-svm-err-test", "ro-svm-theta"):
        assert text(page, rid) not in ("", "–"), rid
    assert page.problems == []


def test_hero_slider_tilts_the_boundary_and_updates_readouts(page, mnist_url):
    open_page(page, mnist_url)
    before = {r: text(page, r) for r in ("ro-hero-err", "ro-hero-dadv", "ro-hero-theta")}
    boundary = trace_values(page, "fig-hero", 3, "x"), trace_values(page, "fig-hero", 3)
    points = trace_values(page, "fig-hero", 1)
    press(page, "ctl-hero-lambda", "ArrowLeft", 10)  # smaller λ
    wait_text_change(page, "ro-hero-theta", before["ro-hero-theta"])
    theta_before = float(before["ro-hero-theta"].split("°")[0])
    theta_after = float(text(page, "ro-hero-theta").split("°")[0])
    assert theta_after > theta_before  # less regularization, more tilt
    assert float(text(page, "ro-hero-dadv")) < float(before["ro-hero-dadv"])
    assert (trace_values(page, "fig-hero", 3, "x"), trace_values(page, "fig-hero", 3)) != boundary
    assert trace_values(page, "fig-hero", 1) != points
    assert page.get_attribute("#ctl-hero-lambda [role=slider]", "aria-valuenow") == "30"
    assert page.problems == []


def test_svm_slider_updates_all_three_views(page, mnist_url):
    open_page(page, mnist_url)
    before = [
        trace_values(page, "fig-svm-loss", 0),
        trace_values(page, "fig-svm-plane", 1),
        picture(page, "fig-svm-plane", 0),  # w
        picture(page, "fig-svm-mirror", 1),  # x_m
    ]
    dadv = text(page, "ro-svm-dadv")
    press(page, "ctl-svm-lambda", "ArrowRight", 8)
    wait_text_change(page, "ro-svm-dadv", dadv)
    after = [
        trace_values(page, "fig-svm-loss", 0),
        trace_values(page, "fig-svm-plane", 1),
        picture(page, "fig-svm-plane", 0),  # w
        picture(page, "fig-svm-mirror", 1),  # x_m
    ]
    assert all(a != b for a, b in zip(before, after, strict=True))
    assert float(text(page, "ro-svm-dadv")) > float(dadv)
    assert text(page, "ro-svm-lam").startswith("10^-1.2")
    assert page.problems == []


def choose_pair(page, label: str) -> None:
    page.click("#ctl-svm-pair")
    # the search box exists once the list has opened (keys typed before that would be lost on a busy page)
    search = page.locator("#ctl-svm-pair .dash-dropdown-search, .dash-dropdown-search").first
    search.wait_for(state="visible", timeout=30_000)
    search.fill(label)
    page.locator("[role=option]", has_text=label).first.click()


def test_pair_change_loss_switch_and_image_picking(page, mnist_url):
    open_page(page, mnist_url)
    err, xdist = text(page, "ro-svm-err-test"), text(page, "ro-svm-xdist")
    img = picture(page, "fig-svm-mirror", 0)  # x
    choose_pair(page, "0 vs 1")
    wait_text_change(page, "ro-svm-err-test", err)
    page.wait_for_function("() => location.search.includes('pair=0-1')", timeout=10_000)
    assert picture(page, "fig-svm-mirror", 0) != img  # a 0 now, not a 2
    assert "vs" in page.inner_text("#ctl-svm-pair") and "0 vs 1" in page.inner_text("#ctl-svm-pair")
    # loss switch: the loss drawn on the histograms becomes the scaled softplus: no kink, max(y) > 0 everywhere
    # left of the kink, and ln 2 ≈ 0.693 at z = 0 where the hinge is 1
    page.locator("#ctl-svm-loss label", has_text="softplus").click()
    page.wait_for_function("() => location.search.includes('loss=logistic')", timeout=30_000)
    page.wait_for_function(
        "() => { const gd = document.querySelector('#fig-svm-loss .js-plotly-plot');"
        " const x = gd.data[2].x, y = gd.data[2].y; const i = x.findIndex(v => Math.abs(v) < 1e-9);"
        " return i >= 0 && Math.abs(y[i] - Math.log(2)) < 2e-3; }",
        timeout=60_000,
    )
    # pick a test image as x, then a random training image as y
    xdist = text(page, "ro-svm-xdist")
    page.fill("#ctl-svm-x-index", "17")
    page.keyboard.press("Enter")
    wait_text_change(page, "ro-svm-xdist", xdist)
    page.wait_for_function("() => location.search.includes('xi=17')", timeout=10_000)
    ydist = text(page, "ro-svm-ydist")
    page.click("#ctl-svm-y-random")
    page.wait_for_function("() => location.search.includes('yi=')", timeout=30_000)
    wait_text_change(page, "ro-svm-ydist", ydist)
    # an index out of range falls back to image 0 with a note, nothing breaks
    page.fill("#ctl-svm-x-index", "99999")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('ro-svm-img-note').textContent.includes('outside')", timeout=30_000
    )
    # with chosen images a pair change goes to the server, which computes their mirrors with the new pair
    err, img = text(page, "ro-svm-err-test"), picture(page, "fig-svm-mirror", 0)
    choose_pair(page, "2 vs 3")
    wait_text_change(page, "ro-svm-err-test", err)
    page.wait_for_function(
        "([id, src]) => document.querySelector('#' + id + ' .js-plotly-plot').layout.images[0].source !== src",
        arg=["fig-svm-mirror", img],
        timeout=60_000,
    )
    assert text(page, "ro-svm-xdist") != "–" and "outside" in text(page, "ro-svm-img-note")
    assert page.problems == []


def test_off_grid_lambda_is_computed_by_the_worker(page, mnist_url):
    from jobs import tasks

    try:
        tasks.get("fit-lambda")
    except KeyError:
        pytest.skip("the fit-lambda job kind is not available yet")
    open_page(page, mnist_url)
    page.fill("#ctl-svm-lam-custom", "0.0035")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('ro-svm-job').textContent.includes('showing')", timeout=240_000
    )
    assert "0.0035" in text(page, "ro-svm-lam")
    assert "lamv=0.0035" in page.url
    # the slider takes over again
    lam = text(page, "ro-svm-lam")
    press(page, "ctl-svm-lambda", "ArrowRight", 1)
    wait_text_change(page, "ro-svm-lam", lam)
    assert page.problems == []


def test_bad_off_grid_lambda_gets_a_clear_message(page, mnist_url):
    open_page(page, mnist_url)
    page.fill("#ctl-svm-lam-custom", "1e9")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('ro-svm-job').textContent.includes('between')", timeout=30_000
    )
    assert page.problems == []


MALFORMED = [None, "", "abc", "7-7", -1, 10**12, 1e308, {"a": 1}, [1, 2], "<script>", "../../etc/passwd", True]


def test_callbacks_answer_malformed_values_without_tracebacks(mnist_url):
    """POST garbage to every server callback of the page/MNIST part: never a 500, never a traceback."""
    deps = httpx.get(f"{mnist_url}/_dash-dependencies", timeout=180).json()
    mine = [
        d
        for d in deps
        if d.get("clientside_function") is None
        and any(k in d["output"] for k in ("svm", "hero", "page-notice", "ctl-"))
    ]
    assert mine, "no server callbacks found"
    for dep in mine:
        for bad in MALFORMED:

            def item(x, bad=bad):
                return {"id": x["id"], "property": x["property"], "value": bad}

            outs = [
                {"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]}
                for o in dep["output"].strip(".").split("...")
            ]
            body = {
                "output": dep["output"],
                "outputs": outs if dep["output"].startswith("..") else outs[0],
                "inputs": [item(x) for x in dep["inputs"]],
                "state": [item(x) for x in dep["state"]],
                "changedPropIds": [f"{x['id']}.{x['property']}" for x in dep["inputs"]],
            }
            r = httpx.post(f"{mnist_url}/_dash-update-component", json=body, timeout=60)
            assert r.status_code < 500, (dep["output"], bad, r.status_code, r.text[:300])
            assert "Traceback" not in r.text and 'File "' not in r.text, (dep["output"], bad)
            if r.status_code == 200:
                json.loads(r.text)
    time.sleep(0.1)


# What a graph shows, read from its SVG: per scatter trace the vertices of its line and fill paths and its
# marker positions, and the layout images' sources.
SVG_STATE = """
(id) => {
  const gd = document.querySelector('#' + id + ' .js-plotly-plot');
  const nums = (d) => (d || '').match(/-?\\d+(\\.\\d+)?(e-?\\d+)?/g) || [];
  const out = {traces: {}, images: [...gd.querySelectorAll('.imagelayer image')].map(e => e.getAttribute('href'))};
  for (const g of gd.querySelectorAll('.scatterlayer .trace')) {
    const i = g.__data__[0].trace.index;
    out.traces[i] = {
      line: [...g.querySelectorAll('path.js-line')].map(p => p.getAttribute('d') || '').join(''),
      fill: [...g.querySelectorAll('path.js-fill')].map(p => p.getAttribute('d') || '').join(''),
      points: [...g.querySelectorAll('path.point')].map(p => nums(p.getAttribute('transform')).map(Number)),
    };
  }
  return out;
}
"""


def _vertices(d: str) -> list[tuple[float, float]]:
    """The corner points of an SVG path made of M/L/H/V commands (absolute)."""
    import re

    pts, x, y = [], 0.0, 0.0
    for cmd, args in re.findall(r"([MLHVZ])([^MLHVZ]*)", d):
        vals = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", args)]
        if cmd in "ML":
            for k in range(0, len(vals) - 1, 2):
                x, y = vals[k], vals[k + 1]
                pts.append((x, y))
        elif cmd == "H" and vals:
            x = vals[-1]
            pts.append((x, y))
        elif cmd == "V" and vals:
            y = vals[-1]
            pts.append((x, y))
    return pts


def _same_picture(ours: dict, plotly: dict) -> list[str]:
    """Differences (> 0.6 px) between our painted SVG and Plotly's own drawing of the same data."""
    diffs = []
    if ours["images"] != plotly["images"]:
        diffs.append("images")
    for i, t in plotly["traces"].items():
        o = ours["traces"][i]
        for part in ("line", "fill"):
            mine, theirs = _vertices(o[part]), _vertices(t[part])
            # Plotly drops points that lie on a straight line (line.simplify): each of its corners is one of ours
            far = [p for p in theirs if not any(abs(p[0] - q[0]) <= 0.6 and abs(p[1] - q[1]) <= 0.6 for q in mine)]
            if far or (theirs and not mine):
                diffs.append(f"trace {i} {part}: {far[:3]}")
        if len(o["points"]) != len(t["points"]) or any(
            abs(a - b) > 0.6 for p, q in zip(o["points"], t["points"], strict=False) for a, b in zip(p, q, strict=False)
        ):
            diffs.append(f"trace {i} markers")
    return diffs


@pytest.mark.parametrize(
    "slider,graphs",
    [
        ("ctl-toy-theta", ["fig-toy-lines"]),
        ("ctl-wnorm", ["fig-loss-scaling"]),
        ("ctl-noisy-lambda", ["fig-toy-noisy"]),
        ("ctl-mirror-theta", ["fig-toy-mirror"]),
        ("ctl-nn-decay", ["fig-nn-toy"]),
        ("ctl-hero-lambda", ["fig-hero"]),
        ("ctl-svm-lambda", list(SVM_VIEWS)),
    ],
)
def test_a_frame_painted_into_the_svg_is_the_picture_plotly_draws(page, mnist_url, slider, graphs):
    """A key on a slider draws the frame in the keydown's own task (assets/lanes.js → player.js → plotly_adapter.js):
    what the SVG holds at the end of that task, read by a keydown listener that runs after the lanes' own, must be a
    new frame, and the picture Plotly itself draws from scratch for the data the graph then holds."""
    open_page(page, mnist_url)
    thumb = page.locator(f"#{slider} [role=slider]")
    thumb.scroll_into_view_if_needed()
    thumb.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(1000)  # the step is drawn and Plotly has redrawn it once the slider rested
    before = {g: page.evaluate(SVG_STATE, g) for g in graphs}
    # Registered now, so after assets/lanes.js's capturing keydown listener: it runs in the same task, right after it.
    # The graphs' l2_painted events (the painter of assets/plotly_adapter.js set the frame in the SVG itself) are
    # counted as well: Plotly's own zero-length animate would also change the SVG in this task, only more slowly.
    page.evaluate(
        "([ids, read]) => { const state = eval(read); window.__inTask = null;"
        " const gds = ids.map((id) => document.querySelector('#' + id + ' .js-plotly-plot'));"
        " const painted = ids.map(() => 0);"
        " gds.forEach((gd, i) => gd.on('l2_painted', () => { painted[i] += 1; }));"
        " document.addEventListener('keydown', () => {"
        "   window.__inTask = {svg: ids.map((id) => state(id)), painted: painted.slice()}; },"
        " {capture: true, once: true}); }",
        [graphs, SVG_STATE],
    )
    page.keyboard.press("ArrowLeft")
    task = page.evaluate("() => window.__inTask")
    in_task = dict(zip(graphs, task["svg"], strict=True))
    assert any(in_task[g] != before[g] for g in graphs), "the key's own task left the SVG as it was"
    assert task["painted"] == [1] * len(graphs), "not every graph was painted by the painter in the key's own task"
    page.wait_for_timeout(1000)  # the slider's own update arrives and finds the frame drawn
    for g in graphs:  # Plotly draws the data the graph now holds from scratch
        page.evaluate(
            "(id) => { const gd = document.querySelector('#' + id + ' .js-plotly-plot');"
            " return window.Plotly.newPlot(gd, gd.data, gd.layout); }",
            g,
        )
    page.wait_for_timeout(300)
    for g in graphs:
        theirs = page.evaluate(SVG_STATE, g)
        assert set(theirs["traces"]) == set(in_task[g]["traces"]), g
        assert _same_picture(in_task[g], theirs) == [], g
    assert page.problems == []


def test_dragging_a_slider_draws_the_value_under_the_pointer(page, mnist_url):
    """While the thumb is dragged, the frame of the value under the pointer is drawn in the pointer event's own
    task (assets/lanes.js); where the drag ends, figure and readout show the slider's value."""
    open_page(page, mnist_url)
    root = page.locator("#ctl-toy-theta .dash-slider-root")
    root.scroll_into_view_if_needed()
    box = root.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.5, y)
    page.mouse.down()
    page.evaluate(
        """() => { const gd = document.querySelector('#fig-toy-lines .js-plotly-plot');
             window.__drag = {painted: 0, inPointerEvent: 0};
             gd.on('l2_painted', () => {
               window.__drag.painted += 1;
               // drawn while the pointer event itself is handled, before the slider has seen it
               if (window.event && window.event.type === 'pointermove') window.__drag.inPointerEvent += 1;
             }); }"""
    )
    for frac in (0.4, 0.3, 0.2):
        page.mouse.move(box["x"] + box["width"] * frac, y, steps=2)
    page.mouse.up()
    page.wait_for_timeout(500)
    value = float(page.get_attribute("#ctl-toy-theta [role=slider]", "aria-valuenow"))
    drag = page.evaluate("() => window.__drag")
    assert 10 < value < 35 and drag["painted"] >= 2 and drag["inPointerEvent"] >= 2, drag
    # what is drawn is the frame of the slider's value: its readout, and its boundary line
    want = page.evaluate(
        """(v) => { const st = window.dash_component_api.getLayout('fig-toy-lines-frames').props.data;
             let k = 0; st.values.forEach((x, i) => { if (Math.abs(x - v) < Math.abs(st.values[k] - v)) k = i; });
             const fr = st.frames[k], gd = document.querySelector('#fig-toy-lines .js-plotly-plot');
             const t = fr.views['fig-toy-lines'].traces[gd.data[2].uid];  // trace 2 by its uid
             return [fr.readouts[0], t && t.x ? t.x : null]; }""",
        value,
    )
    assert text(page, "ro-toy-lines-theta") == want[0]
    if want[1] is not None:
        assert trace_values(page, "fig-toy-lines", 2, "x") == want[1]
    assert page.problems == []


def test_pointing_at_a_pair_fetches_its_answer_before_the_click(page, mnist_url):
    """Hovering an option of the pair list starts that pair's download; choosing it then uses that download."""
    open_page(page, mnist_url)
    page.click("#ctl-svm-pair")
    search = page.locator(".dash-dropdown-search").first
    search.wait_for(state="visible", timeout=30_000)
    search.fill("4 vs 9")
    option = page.locator("[role=option]", has_text="4 vs 9").first
    with page.expect_request(lambda r: "/svm-data/4-9/hinge" in r.url, timeout=30_000):
        option.hover()
    # the pointer rests on the option until its answer is in the page (on a busy machine that can take a while)
    page.wait_for_function(
        "() => window.l2mnist.held().some((u) => u.includes('/svm-data/4-9/hinge'))", timeout=30_000, polling=50
    )
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if "/svm-data/" in r.url else None)
    err = text(page, "ro-svm-err-test")
    # what the three views show at the end of the click's own task (a listener after assets/mnist_pair.js's, same
    # phase): the pair whose frames each graph is drawn from (layout.meta.l2view, the frame set's key)
    page.evaluate(
        "() => { window.__shownPair = (id) => { const m = document.querySelector('#' + id + ' .js-plotly-plot')"
        ".layout.meta; return m && m.l2view ? m.l2view.pair : null; }; }"
    )
    page.evaluate(
        "() => document.addEventListener('click', () => { window.__atClick = ['fig-svm-loss', 'fig-svm-plane',"
        " 'fig-svm-mirror'].map(window.__shownPair);"
        " window.__errAtClick = document.getElementById('ro-svm-err-test').textContent; }, {capture: true, once: true})"
    )
    page.evaluate(
        "() => { window.__l2before = ['fig-svm-loss', 'fig-svm-plane', 'fig-svm-mirror'].map(window.__shownPair); }"
    )
    option.click()
    wait_text_change(page, "ro-svm-err-test", err)
    assert fetched == []  # the choice found the answer already in the page
    # ... and drew it in the click's own task, before the list closed and before Dash heard of the choice
    assert page.evaluate("() => window.__atClick.every((b, i) => b && b !== window.__l2before[i])")
    assert page.evaluate("() => window.__atClick") == ["4-9"] * 3
    assert page.evaluate("() => window.__errAtClick") == text(page, "ro-svm-err-test") != err
    assert page.problems == []


@pytest.mark.parametrize(
    "frames, slider, readout, fig, trace",
    [
        ("frames-data/fig-toy-lines-frames-", "ctl-toy-theta", "ro-toy-lines-theta", "fig-toy-lines", 2),  # generic
        ("frames-data/store-hero-", "ctl-hero-lambda", "ro-hero-theta", "fig-hero", 3),  # the hero's lane and callback
        ("svm-data/2-3/hinge", "ctl-svm-lambda", "ro-svm-theta", "fig-svm-plane", 3),  # the default (pair, loss) answer
    ],
)
def test_a_slider_moved_before_its_frames_arrive_is_drawn_when_they_do(
    page, mnist_url, frames, slider, readout, fig, trace
):
    """The frames come after the page (/frames-data/…), which opens with the default frame drawn by the server:
    a step taken before they arrive is drawn when they do."""
    held = []
    page.route(f"**/{frames}*", lambda route: held.append(route))
    page.goto(mnist_url, timeout=120_000)
    page.wait_for_function(PAINTED, timeout=120_000)
    page.wait_for_function(f"() => document.getElementById('{readout}').textContent !== ''")
    before = text(page, readout)
    assert before not in ("", "–")  # the first frame's readouts come with the page
    line = trace_values(page, fig, trace, "x")
    press(page, slider, "ArrowLeft", 3)
    page.wait_for_timeout(500)
    assert text(page, readout) == before  # nothing to draw from yet
    assert held, "the frames request was not made"
    for route in held:
        route.continue_()
    wait_text_change(page, readout, before)
    assert trace_values(page, fig, trace, "x") != line
    assert page.problems == []


def test_on_a_phone_the_wide_figures_are_laid_out_for_its_width(page, mnist_url):
    """Below 600 px: the hero's two mean-digit pictures and their titles are left out and the plane spans the figure;
    F10's two panels are stacked in a taller box and F12's long plane title is left out (also after a λ step and a
    pair change)."""
    page.set_viewport_size({"width": 375, "height": 800})
    open_page(page, mnist_url)
    page.wait_for_function(
        "() => { const gd = document.querySelector('#fig-hero .js-plotly-plot');"
        " return gd && gd._fullLayout && gd._fullLayout.xaxis.domain[1] === 1; }",
        timeout=30_000,
    )
    shown = page.evaluate(
        "() => { const gd = document.querySelector('#fig-hero .js-plotly-plot');"
        " return [gd._fullLayout.images.filter(i => i.visible).length, gd._fullLayout.annotations.length,"
        " document.querySelectorAll('#fig-hero .layer-above image').length]; }"
    )
    assert shown == [0, 0, 0]
    press(page, "ctl-hero-lambda", "ArrowLeft", 2)  # a step keeps the phone layout
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.querySelector('#fig-hero .js-plotly-plot')._fullLayout.xaxis.domain[1]") == 1
    f10 = (
        "() => { const L = document.querySelector('#fig-svm-loss .js-plotly-plot')._fullLayout;"
        " return [L.xaxis.domain, L.xaxis2.domain, L.yaxis.domain[0] > L.yaxis3.domain[1], L.height,"
        " document.getElementById('fig-svm-loss').getBoundingClientRect().height]; }"
    )
    stacked = [[0, 1], [0, 1], True, 640, 640]
    plane_title = "() => document.querySelector('#fig-svm-mirror .js-plotly-plot')._fullLayout.annotations[0].visible"
    page.wait_for_function(f"() => ({plane_title})() === false", timeout=30_000)
    page.wait_for_function(f"() => ({f10})()[2] === true", timeout=30_000)
    assert page.evaluate(f10) == stacked
    theta = text(page, "ro-svm-theta")
    press(page, "ctl-svm-lambda", "ArrowLeft", 3)
    wait_text_change(page, "ro-svm-theta", theta)
    assert page.evaluate(f10) == stacked
    err = text(page, "ro-svm-err-test")
    page.evaluate("() => window.dash_clientside.set_props('ctl-svm-pair', {value: '0-1'})")
    wait_text_change(page, "ro-svm-err-test", err)
    page.wait_for_timeout(300)
    assert page.evaluate(f10) == stacked and page.evaluate(plane_title) is False
    assert page.problems == []
