"""Shared fixtures: a live app server and a Playwright page in Debian's Chromium.

Browser tests are marked ``browser``; they start the app once per session (``live_server``) and
give each test a fresh page that records console errors and failed requests (``page``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0) -> None:
    import httpx

    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout}s ({last})")


def start_app(port: int, extra_env: dict | None = None, log_path: Path | None = None) -> subprocess.Popen:
    """Start ``python app.py`` on a port (embedded defaults) and wait for /health."""
    # The answer warmer (90 MNIST answers in the background) is off unless asked for: tests share 2 cores.
    env = dict(os.environ, PORT=str(port), HOST="127.0.0.1", PYTHONUNBUFFERED="1", L2_WARM_ANSWERS="0")
    env.update(extra_env or {})
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/health", timeout=90)
    except Exception:
        proc.kill()
        raise
    return proc


def stop_processes(procs: list[subprocess.Popen]) -> None:
    """Stop what a test started, last first: a process that leads its own group (``start_new_session``) with its
    whole group, any other alone; wait for each, killing one that does not end in 15 s."""
    for p in reversed(procs):
        try:
            if os.getpgid(p.pid) == p.pid:
                os.killpg(p.pid, 15)
            else:
                p.terminate()
        except ProcessLookupError:
            pass
    for p in procs:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()


@contextmanager
def app_url(url: str | None = None) -> Iterator[str]:
    """The page's URL: ``url`` when given (a running app), else one started here and stopped on exit."""
    if url:
        yield url
        return
    port = free_port()
    proc = start_app(port)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


@pytest.fixture(autouse=True)
def _fresh_settings():
    """Each test starts and ends with the settings of the environment it sees (a test that changes the
    environment with monkeypatch calls ``settings.reload()`` itself; monkeypatch's undo runs before this)."""
    import settings

    settings.reload()
    yield
    settings.reload()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Base URL of the app served by ``python app.py`` for the whole test session."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "app.log"
    cache = tmp_path_factory.mktemp("cache")
    proc = start_app(port, {"L2_CACHE_DIR": str(cache)}, log)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    chromium = shutil.which("chromium")  # Debian's; elsewhere Playwright's own (make sysdeps installs either)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        if not chromium and not Path(pw.chromium.executable_path).exists():
            pytest.fail("no Chromium: make test installs it (apt-get, or python -m playwright install chromium)")
        b = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageProblems(list):
    """Console errors, page errors and failed requests seen by a page."""


@pytest.fixture
def page(browser):
    """A fresh page (1280×900) recording problems in ``page.problems``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    problems = PageProblems()
    pg.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    pg.on("requestfailed", lambda r: problems.append(f"requestfailed: {r.url} {r.failure}"))
    pg.on("response", lambda r: problems.append(f"http {r.status}: {r.url}") if r.status >= 400 else None)
    pg.problems = problems
    yield pg
    context.close()
