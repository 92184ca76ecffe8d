"""Serving policies: gunicorn entry point, /health, limits, error pages, artifact checks, headers + CSP in Chromium."""

from __future__ import annotations

import gzip
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dash
import httpx
import pytest
from dash import Input, Output, html

import serving
import serving.health
import serving.shared
import serving.static
import settings
from store.artifacts import npz_bytes, write_manifest
from store.mnist import mnist_dir
from tests.conftest import free_port, wait_http

ROOT = Path(__file__).resolve().parents[1]
SECURITY_HEADERS = ("X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "Content-Security-Policy")


# --------------------------------------------------------------------------- in-process (Flask test client)


def _tiny_app() -> dash.Dash:
    app = dash.Dash(__name__, suppress_callback_exceptions=True)
    app.layout = html.Div([html.Button(id="tiny-btn"), html.Div(id="tiny-out")])

    @app.callback(Output("tiny-out", "children"), Input("tiny-btn", "n_clicks"))
    def explode(n):
        if n == 13:
            raise RuntimeError("secret internal detail /etc/shadow")
        return f"clicked {n}"

    serving.install(app)
    return app


def _payload(n) -> dict:
    return {
        "output": "tiny-out.children",
        "outputs": {"id": "tiny-out", "property": "children"},
        "inputs": [{"id": "tiny-btn", "property": "n_clicks", "value": n}],
        "changedPropIds": ["tiny-btn.n_clicks"],
    }


def test_callback_crash_is_a_short_500_and_logged(caplog):
    client = _tiny_app().server.test_client()
    assert client.post("/_dash-update-component", json=_payload(1)).status_code == 200
    with caplog.at_level(logging.ERROR, logger="l2angle.serving"):
        r = client.post("/_dash-update-component", json=_payload(13))
    assert r.status_code == 500
    body = r.get_data(as_text=True)
    assert "Traceback" not in body and "shadow" not in body
    assert r.json["error"].startswith("the server could not answer")
    assert any("secret internal detail" in (rec.exc_text or "") for rec in caplog.records)


@pytest.mark.parametrize(
    "body, why",
    [
        ({"output": "nope.children", "inputs": []}, "unknown callback output"),
        ({"output": "tiny-out.children", "inputs": "x"}, "inputs do not match"),
        (
            {"output": "tiny-out.children", "inputs": [{"id": "tiny-btn", "property": "n_clicks"}], "state": [1]},
            "state does not match",
        ),
        (
            {
                "output": "tiny-out.children",
                "inputs": [{"id": "tiny-btn", "property": "n_clicks"}],
                "changedPropIds": 5,
            },
            "changedPropIds",
        ),
        ([1, 2], "JSON object"),
    ],
)
def test_malformed_callback_requests_are_400(body, why):
    client = _tiny_app().server.test_client()
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code == 400 and why in r.json["error"]


def test_oversized_request_is_413_before_reading(monkeypatch):
    monkeypatch.setenv("L2_MAX_REQUEST_BYTES", "10000")
    settings.reload()
    client = _tiny_app().server.test_client()
    r = client.post("/_dash-update-component", data="x" * 20000, content_type="application/json")
    assert r.status_code == 413 and "too large" in r.json["error"]
    missing = client.get("/_dash-component-suites/no_such_package/x.js")
    assert missing.status_code in (400, 404) and "Traceback" not in missing.get_data(as_text=True)


def test_security_headers_and_csp_hashes():
    app = _tiny_app()
    app.clientside_callback("function(x) { return x; }", Output("tiny-out", "title"), Input("tiny-btn", "title"))
    r = app.server.test_client().get("/")
    for h in SECURITY_HEADERS:
        assert h in r.headers, h
    csp = r.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert all(h in csp for h in app.csp_hashes())  # every inline script is allowed by its hash, nothing else


def test_layout_is_encoded_once_per_period_and_revalidates(monkeypatch):
    calls = []

    def layout():
        calls.append(1)
        return html.Div([html.Button(id="tiny-btn"), html.Div(f"build {len(calls)}", id="tiny-out")])

    monkeypatch.setenv("L2_LAYOUT_CACHE_S", "3600")
    settings.reload()
    app = _tiny_app()
    app.layout = layout  # (Dash calls it once here to validate it)
    client = app.server.test_client()
    plain = client.get("/_dash-layout")
    built = len(calls)
    assert plain.status_code == 200 and f"build {built}" in plain.get_data(as_text=True)
    zipped = client.get("/_dash-layout", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.data) == plain.data
    assert "Accept-Encoding" in zipped.headers["Vary"] and "Content-Security-Policy" in zipped.headers
    assert len(calls) == built  # built and encoded once, both encodings served from that
    again = client.get("/_dash-layout", headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    app.server.view_functions["/_dash-layout"].entry["at"] -= 7200  # the period is over: rebuilt
    assert f"build {built + 1}" in client.get("/_dash-layout").get_data(as_text=True)

    monkeypatch.setenv("L2_LAYOUT_CACHE_S", "0")  # off: Dash's own view, a build per request
    settings.reload()
    app = _tiny_app()
    app.layout = layout
    client = app.server.test_client()
    first = client.get("/_dash-layout").get_data(as_text=True)
    assert f"build {len(calls)}" in first
    assert f"build {len(calls) + 1}" in client.get("/_dash-layout").get_data(as_text=True)


def test_pure_callback_answers_are_shared_between_workers(monkeypatch, tmp_path):
    monkeypatch.setenv("L2_CACHE_DIR", str(tmp_path))  # one file cache, as for the gunicorn workers
    monkeypatch.setenv("L2_SHARED_OUTPUTS", "tiny-out")
    settings.reload()
    calls = []

    def worker() -> dash.Dash:
        app = dash.Dash(__name__, suppress_callback_exceptions=True)
        app.layout = html.Div([html.Button(id="tiny-btn"), html.Div(id="tiny-out"), html.Div(id="tiny-other")])

        @app.callback(Output("tiny-out", "children"), Input("tiny-btn", "n_clicks"))
        def pure(n):
            calls.append(n)
            return f"clicked {n}"

        serving.install(app)
        return app

    first, second = worker().server.test_client(), worker().server.test_client()
    url = "/_dash-update-component"
    plain = first.post(url, json=_payload(3))
    assert plain.status_code == 200 and "clicked 3" in plain.get_data(as_text=True)
    zipped = second.post(url, json=_payload(3), headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.data) == plain.data
    assert "Content-Security-Policy" in zipped.headers
    assert second.post(url, json=_payload(3)).data == plain.data
    assert calls == [3]  # computed once for both "workers"
    assert "clicked 4" in second.post(url, json=_payload(4)).get_data(as_text=True) and calls == [3, 4]
    assert first.post(url, json=_payload(13)).status_code == 200 and calls == [3, 4, 13]

    monkeypatch.setenv("L2_SHARED_TTL_S", "0")  # off: every request reaches the callback
    settings.reload()
    off = worker().server.test_client()
    off.post(url, json=_payload(3))
    assert calls == [3, 4, 13, 3]


def _fake_precomputed(tmp: Path) -> Path:
    root = tmp / "precomputed"
    shutil.copytree(mnist_dir(), root / "mnist")
    folder = root / "extra"
    folder.mkdir()
    (folder / "a.npz").write_bytes(npz_bytes({"x": __import__("numpy").arange(10)}))
    write_manifest(folder, "extra", 1, {}, ["a.npz"], "test", 0.0)
    return root


def test_corrupt_or_missing_artifacts_are_reported_on_health(tmp_path, monkeypatch):
    root = _fake_precomputed(tmp_path)
    before = serving.health.check_artifacts(root)
    assert not any("extra" in p or p.startswith("mnist") for p in before), before
    (root / "extra" / "a.npz").write_bytes(b"garbage")
    (root / "mnist" / "t10k-labels-idx1-ubyte.gz").unlink()
    problems = serving.health.check_artifacts(root)
    assert any("a.npz" in p and "checksum" in p for p in problems), problems
    assert any(p.startswith("mnist:") for p in problems), problems

    monkeypatch.setenv("L2_PRECOMPUTED", str(root))
    monkeypatch.setattr(serving.health, "ARTIFACTS", serving.health.ArtifactState())
    monkeypatch.setenv("L2_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("L2_AUTO_RECOMPUTE", "0")  # (the recompute job itself is tested below)
    settings.reload()
    client = _tiny_app().server.test_client()
    deadline = time.time() + 30
    while time.time() < deadline:
        health = client.get("/health").json
        if health["artifacts"]["checked_at"]:
            break
        time.sleep(0.1)
    assert health["status"] == "degraded" and health["artifacts"]["ok"] is False
    assert any("a.npz" in p for p in health["artifacts"]["problems"])
    assert health["artifacts"]["action"]  # the recompute request (or the command to run) is stated
    assert client.get("/").status_code == 200  # the page keeps working


def test_cache_config_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("L2_BROKER_URL", raising=False)
    monkeypatch.delenv("L2_REDIS_URL", raising=False)
    settings.reload()
    assert serving.shared.cache_config()["CACHE_TYPE"] == "FileSystemCache"
    monkeypatch.setenv("L2_BROKER_URL", "redis://example:6379/1")
    settings.reload()
    cfg = serving.shared.cache_config()
    assert cfg["CACHE_TYPE"] == "RedisCache" and cfg["CACHE_REDIS_URL"] == "redis://example:6379/1"


def test_serving_check_cli():
    out = subprocess.run(
        [sys.executable, "-m", "serving", "--check"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0 and "artifacts ok" in out.stdout, out.stderr


# --------------------------------------------------------------------------- gunicorn (the production entry point)


@pytest.mark.slow
def test_gunicorn_entry_point(tmp_path):
    port = free_port()
    env = dict(
        os.environ,
        PORT=str(port),
        HOST="127.0.0.1",
        L2_WEB_WORKERS="2",
        L2_CACHE_DIR=str(tmp_path / "c"),
        L2_WARM_ANSWERS="2-3",
    )
    log = open(tmp_path / "gunicorn.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:server"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/health", timeout=180)
        health = httpx.get(f"{base}/health", timeout=30).json()
        assert set(health) >= {"status", "version", "artifacts", "queue"}
        assert health["queue"]["backend"] == "local" and health["queue"]["depth"] >= 0
        # the first request waits for the page's first build (a fresh cache: minutes on a busy 2-core machine)
        page = httpx.get(f"{base}/", timeout=300, headers={"accept-encoding": "gzip"})
        assert page.status_code == 200 and "_dash-config" in page.text
        for h in SECURITY_HEADERS:
            assert h in page.headers, h
        assert '"ui":false' in page.text and '"props_check":false' in page.text  # Dash dev tools (debug) off
        deps = httpx.get(f"{base}/_dash-dependencies", timeout=30, headers={"accept-encoding": "gzip"})
        assert deps.headers.get("content-encoding") == "gzip"  # Dash(compress=True)
        bad = httpx.post(
            f"{base}/_dash-update-component", content=b"{nope", timeout=30, headers={"content-type": "application/json"}
        )
        assert bad.status_code == 400 and "Traceback" not in bad.text
        # the master started the answer warmer (here for 2-3 only): both answers appear, served as files
        deadline = time.time() + 180
        while len(list((tmp_path / "c" / "svm").glob("*/2-3-*.json.gz"))) < 2 and time.time() < deadline:
            time.sleep(0.5)
        assert len(list((tmp_path / "c" / "svm").glob("*/2-3-*.json.gz"))) == 2
        ans = httpx.get(f"{base}/svm-data/2-3/hinge", timeout=60, headers={"accept-encoding": "gzip"})
        assert ans.status_code == 200 and ans.headers["content-encoding"] == "gzip"
        assert ans.json()["frames"]["key"]["pair"] == "2-3" and ans.headers["cache-control"] == "no-store"  # no ?v=
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        workers = [int(p) for p in children if b"warm-answers" not in Path(f"/proc/{p}/cmdline").read_bytes()]
        assert len(workers) == 2
        # torch never loads in the gunicorn master (nor, for the article alone, in its web workers)
        for pid in [proc.pid, *workers]:
            assert "libtorch" not in Path(f"/proc/{pid}/maps").read_text()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


# --------------------------------------------------------------------------- the real page in Chromium


@pytest.mark.browser
def test_page_renders_under_the_security_headers(live_server, page):
    """The real page under our CSP: no violations, plots drawn, equations (MathML) there, no server errors.

    (Other console errors are the page's own business, checked by tests/test_browser_page*; run with
    L2_CSP=0 to compare — they must not depend on these headers.)
    """
    csp_violations = []
    page.on("console", lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None)
    resp = page.goto(live_server, wait_until="load", timeout=120_000)
    assert "content-security-policy" in {k.lower() for k in resp.headers}
    page.wait_for_selector("#react-entry-point .js-plotly-plot", timeout=90_000)
    page.wait_for_function("document.querySelectorAll('.prose math').length > 0", timeout=60_000)
    page.wait_for_timeout(3000)
    assert not csp_violations, csp_violations
    blocked = [p for p in page.problems if "Refused to" in p or "unsafe-" in p or p.startswith("http 5")]
    assert not blocked, blocked
    if page.problems:
        print("page problems not related to the headers:", page.problems[:3])
    assert httpx.get(f"{live_server}/health", timeout=30).json()["status"] in ("ok", "degraded")


def test_broken_sweeps_are_sent_to_the_worker(monkeypatch, tmp_path):
    """Missing or corrupt sweep files become one recompute-sweeps job; other problems are only reported."""
    from store import sweeps

    folder = settings.get().precomputed / "sweeps"
    problems = [
        f"{folder / sweeps.sweep_name(7, 9, 'hinge')}: missing",
        f"{folder / sweeps.sweep_name(2, 3, 'logistic')}: checksum does not match {folder}/manifest.json",
        "mnist: train-images-idx3-ubyte.gz: checksum mismatch",
        f"{tmp_path}/other/x.npz: missing",
    ]
    assert serving.health.broken_sweeps(problems) == [(2, 3, "logistic"), (7, 9, "hinge")]
    submitted = []
    from jobs import queue

    monkeypatch.setattr(
        queue,
        "submit",
        lambda kind, params: (
            submitted.append((kind, params)) or {"key": "k" * 24, "state": "queued", "message": "queued"}
        ),
    )
    monkeypatch.setenv("L2_AUTO_RECOMPUTE", "1")
    settings.reload()
    action = serving.health.request_recompute(problems)
    assert submitted == [("recompute-sweeps", {"folder": str(folder), "sweeps": [[2, 3, "logistic"], [7, 9, "hinge"]]})]
    assert action.startswith("recomputing 2 sweep(s)")
    assert serving.health.request_recompute(problems[2:]).startswith("not recomputed automatically")
    monkeypatch.setenv("L2_AUTO_RECOMPUTE", "0")
    settings.reload()
    assert "automatic recompute is off" in serving.health.request_recompute(problems)


def test_recompute_job_validates_its_params():
    from jobs.linear_tasks import recompute_sweeps

    with pytest.raises(ValueError, match="not a sweeps folder"):
        recompute_sweeps({"folder": "/etc", "sweeps": []}, lambda *a: None)
    with pytest.raises(ValueError, match="digits are 0..9"):
        recompute_sweeps({"folder": "/x/sweeps", "sweeps": [[11, 3, "hinge"]]}, lambda *a: None)


def test_svm_answer_route_serves_versioned_gzip_files(tmp_path, monkeypatch):
    """/svm-data/<pair>/<loss>: the answer file as gzip (or plain), cacheable only under its current version."""
    import settings
    from views import answers

    monkeypatch.setenv("L2_CACHE_DIR", str(tmp_path))
    settings.reload()
    monkeypatch.setattr(
        answers,
        "answer",
        lambda pair, loss: (
            answers.Answer("ok", gzip.compress(b'{"frames": {"pair": [2, 3]}}'))
            if pair == "2-3"
            else answers.Answer("bad-choice", gzip.compress(b'{"frames": {"error": "Invalid choice"}}'))
        ),
    )
    client = _tiny_app().server.test_client()
    key = answers.answer_key()
    r = client.get(f"/svm-data/2-3/hinge?v={key}", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert "immutable" in r.headers["Cache-Control"] and r.headers["Content-Type"].startswith("application/json")
    assert gzip.decompress(r.data) == b'{"frames": {"pair": [2, 3]}}'
    plain = client.get(f"/svm-data/2-3/hinge?v={key}", headers={"Accept-Encoding": "identity"})
    assert plain.json == {"frames": {"pair": [2, 3]}} and "Content-Encoding" not in plain.headers
    stale = client.get("/svm-data/2-3/hinge?v=old", headers={"Accept-Encoding": "identity"})
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "no-store"
    bad = client.get(f"/svm-data/7-7/hinge?v={key}", headers={"Accept-Encoding": "identity"})
    assert bad.status_code == 400 and bad.headers["Cache-Control"] == "no-store" and "Invalid" in bad.text


def test_warm_answers_cli_builds_once_and_one_warmer_at_a_time(tmp_path):
    from tests.test_fig_svm_support import sweeps_shipped

    if not sweeps_shipped():
        pytest.skip("needs the shipped sweeps")
    env = dict(os.environ, L2_CACHE_DIR=str(tmp_path))
    cmd = [sys.executable, "-m", "worker", "warm-answers", "--pairs", "2-3", "--losses", "hinge"]
    first = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0 and "1 built, 0 already there, 0 failed" in first.stdout
    again = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "0 built, 1 already there" in again.stdout
    import fcntl

    with open(tmp_path / "svm" / "warm.lock", "a+b") as lock:  # as if another warmer were running
        fcntl.flock(lock, fcntl.LOCK_EX)
        busy = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert busy.returncode == 0 and "another warm-answers is running" in busy.stdout
    bad = subprocess.run([*cmd[:4], "--pairs", "7-7"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "error:" in bad.stderr and "Traceback" not in bad.stderr


def test_frames_files_are_served_content_addressed(monkeypatch):
    """A published frame set: the page carries the address of its frames, a gzipped JSON file named by content."""
    from views import frames

    url = frames.publish("t-frames", {"schema": 1, "values": [0.0], "views": {}, "readouts": [], "frames": []})
    name = url.rsplit("/", 1)[1]
    assert url.startswith("/frames-data/t-frames-") and name.endswith(".json")
    client = _tiny_app().server.test_client()
    r = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert (
        r.status_code == 200 and r.headers["Content-Encoding"] == "gzip" and "immutable" in r.headers["Cache-Control"]
    )
    assert gzip.decompress(r.data) == b'{"schema":1,"values":[0.0],"views":{},"readouts":[],"frames":[]}'
    # new frames for the same store replace the old file; unknown names are a 404 with a message, not a crash
    frames.publish("t-frames", {"schema": 1, "values": [1.0], "views": {}, "readouts": [], "frames": []})
    assert frames.frames_file(name) is None
    monkeypatch.setattr("components.page.layout", lambda: None)
    missing = client.get("/frames-data/t-frames-0000.json", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and "reload" in missing.get_data(as_text=True)


def test_index_leaves_out_the_scripts_the_article_does_not_need():
    """No Babel polyfill, no DataTable; the regenerator runtime Dash's bundles need comes from assets/vendor."""
    app = dash.Dash(__name__, assets_folder=str(ROOT / "assets"))
    app.layout = html.Div()
    serving.install(app)
    index = app.server.test_client().get("/").get_data(as_text=True)
    sources = [u for u in index.split('"') if u.endswith(".js") or ".js?" in u]
    assert any("dash_renderer" in u for u in sources)
    assert not any("polyfill@" in u or "dash_table" in u for u in sources)
    assert any("assets/vendor/regenerator-runtime-" in u for u in sources)
    assert any("assets/vendor/plotly-article-" in u for u in sources)
    lines = [
        '<script src="/a.js"></script>',
        '<script src="/_dash-component-suites/dash/deps/polyfill@7.js"></script>',
        '<script src="/x/dash_table/bundle.js"></script>',
        "<!-- polyfill@ comment kept -->",
    ]
    assert serving.static.slim_scripts("\n".join(lines)) == "\n".join([lines[0], lines[3]])


def test_static_scripts_are_gzipped_once_and_revalidate():
    """assets and Dash's bundles: gzip bytes kept per file version, an encoding-specific ETag, a 304 on revalidation,
    the plain file for a client without gzip."""
    app = dash.Dash(__name__, assets_folder=str(ROOT / "assets"))
    app.layout = html.Div()
    serving.install(app)
    hook = next(f for f in app.server.after_request_funcs[None] if isinstance(f, serving.static.StaticGzip))
    client = app.server.test_client()
    src = (ROOT / "assets" / "player.js").read_bytes()
    first = client.get("/assets/player.js?m=1", headers={"Accept-Encoding": "gzip, br"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(first.data) == src and first.headers["ETag"].endswith(':gzip"')
    assert int(first.headers["Content-Length"]) == len(first.data) < len(src)
    kept = dict(hook._files)
    again = client.get("/assets/player.js?m=1", headers={"Accept-Encoding": "gzip"})
    assert again.data == first.data and dict(hook._files) == kept  # not compressed a second time
    not_modified = client.get(
        "/assets/player.js?m=1", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}
    )
    assert not_modified.status_code == 304 and not not_modified.data
    plain = client.get("/assets/player.js?m=1", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers and plain.data == src
    suite = next(
        u for u in client.get("/").get_data(as_text=True).split('"') if "dash_renderer" in u and u.endswith(".js")
    )
    bundle = client.get(suite, headers={"Accept-Encoding": "gzip"})
    assert bundle.headers["Content-Encoding"] == "gzip" and len(gzip.decompress(bundle.data)) > 2 * len(bundle.data)
    assert client.get("/assets/no-such-file.js").status_code == 404
