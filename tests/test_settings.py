"""The settings fail fast: every kind of bad value is one line naming the variable and what it accepts, and each
entry point (python app.py, gunicorn, python -m worker, python -m serving) stops with it (exit status 2)."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import settings
from settings import logs

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"PORT": "abc"}, ["PORT", "1 to 65535", "'abc'"]),  # not a number
        ({"PORT": "70000"}, ["PORT", "1 to 65535"]),  # out of range
        ({"L2_QUEUE_MAX": "abc"}, ["L2_QUEUE_MAX", "whole number"]),
        ({"L2_QUEUE_MAX": "1.5"}, ["L2_QUEUE_MAX", "whole number"]),  # a float where a whole number goes
        ({"L2_JOB_WORKERS": "0"}, ["L2_JOB_WORKERS", "1 to 256"]),  # never clamped
        ({"L2_WEB_WORKERS": "-3"}, ["L2_WEB_WORKERS", "1 to 64"]),
        ({"L2_JOB_TIMEOUT": "nan"}, ["L2_JOB_TIMEOUT", "number"]),  # not finite
        ({"L2_JOB_STALE_S": "soon"}, ["L2_JOB_STALE_S", "number"]),
        ({"L2_CSP": "maybe"}, ["L2_CSP", "1/0, true/false, yes/no, on/off"]),  # the one boolean parser
        ({"L2_DEBUG": "2"}, ["L2_DEBUG", "true/false"]),
        ({"L2_LOG_LEVEL": "loud"}, ["L2_LOG_LEVEL", "debug, info, warning"]),  # a choice
        ({"L2_LOG_FORMAT": "xml"}, ["L2_LOG_FORMAT", "text, json"]),
        ({"L2_WARM_ANSWERS": "7-7"}, ["L2_WARM_ANSWERS", "two different digits"]),  # a list of pairs
        ({"L2_BROKER_URL": "localhost:6379"}, ["L2_BROKER_URL", "URL"]),  # a URL
        ({"L2_REDIS_URL": "http://cache"}, ["L2_REDIS_URL", "redis://"]),
        ({"HOST": "my laptop"}, ["HOST", "IP address", "host name"]),  # an address
        ({"HOST": "300.1.1.1"}, ["HOST", "IP address"]),
        ({"FORWARDED_ALLOW_IPS": "10.0.0.1, proxy"}, ["FORWARDED_ALLOW_IPS", "addresses/networks"]),
        ({"L2_ACCESS_LOG": "/no/such/folder/access.log"}, ["L2_ACCESS_LOG", "existing folder"]),  # a file
    ],
)
def test_each_kind_of_bad_value_is_one_clear_line(env, words):
    with pytest.raises(settings.SettingsError) as err:
        settings.from_env(env)
    message = str(err.value)
    assert "\n" not in message
    for word in words:
        assert word in message, message


def test_defaults_and_good_values():
    s = settings.from_env({})
    assert s.port == 8050 and s.host is None and s.queue_max == 16 and s.csp and not s.debug
    assert s.warm_answers and s.warm_pairs == () and s.shared_outputs == {"store-svm-frames"}
    assert s.precomputed == settings.ROOT / "precomputed" and s.mnist_dir == s.precomputed / "mnist"
    s = settings.from_env(
        {"L2_CSP": "Off", "L2_DEBUG": "yes", "L2_WARM_ANSWERS": "7-9, 2-3 7-9", "L2_ACCESS_LOG": "", "PORT": " 9000 "}
    )
    assert not s.csp and s.debug and s.warm_pairs == ((7, 9), (2, 3)) and s.access_log is None and s.port == 9000
    assert not settings.from_env({"L2_WARM_ANSWERS": "0"}).warm_answers
    broker = settings.from_env({"L2_BROKER_URL": "redis://h:6379/0"})
    assert broker.redis_url == "redis://h:6379/0"  # the broker's Redis also holds the job state and cache
    assert settings.from_env({"L2_BROKER_URL": "amqp://h//"}).redis_url == ""
    good = settings.from_env(
        {"HOST": "::", "FORWARDED_ALLOW_IPS": "10.0.0.0/8,127.0.0.1", "L2_ACCESS_LOG": "/tmp/a.log"}
    )
    assert good.host == "::" and good.forwarded_allow_ips == "10.0.0.0/8,127.0.0.1" and good.access_log == "/tmp/a.log"
    assert settings.from_env({"HOST": "web-1.example.org"}).host == "web-1.example.org"


def test_every_variable_is_in_the_readme_table():
    import re

    read = set(
        re.findall(r'"((?:L2_[A-Z_]+)|PORT|HOST|FORWARDED_ALLOW_IPS)"', (ROOT / "settings" / "__init__.py").read_text())
    )
    table = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", (ROOT / "README.md").read_text(), flags=re.M))
    assert len(read) > 30 and read <= table, read - table


def test_get_parses_once_and_reload_reads_again(monkeypatch):
    first = settings.get()
    assert settings.get() is first
    monkeypatch.setenv("L2_QUEUE_MAX", "3")
    assert settings.get().queue_max == first.queue_max and settings.reload().queue_max == 3


def test_json_log_lines_and_the_level_for_every_logger(capsys):
    logs.configure(settings.from_env({"L2_LOG_FORMAT": "json", "L2_LOG_LEVEL": "warning"}))
    try:
        logging.getLogger("l2angle.anything").info("hidden")
        logging.getLogger("some.library").warning("shown %d", 7)
        line = capsys.readouterr().err.strip()
        record = json.loads(line)
        assert record["level"] == "WARNING" and record["logger"] == "some.library" and record["message"] == "shown 7"
        assert record["time"].endswith("Z") and "hidden" not in line
        logs.configure(settings.from_env({}))
        logging.getLogger("l2angle.anything").info("now shown")
        text = capsys.readouterr().err.strip()
        assert text.endswith("INFO l2angle.anything: now shown") and text[:4].isdigit()  # time level logger: message
    finally:
        logging.captureWarnings(False)


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, **env}
    )


@pytest.mark.parametrize(
    "args",
    [
        ["-m", "worker", "fit", "--pair", "2", "3", "--loss", "hinge", "--lam", "1e-2"],
        ["-m", "serving", "--check"],
        ["app.py"],
        ["-m", "gunicorn", "-c", "gunicorn.conf.py", "--check-config", "app:server"],
    ],
)
def test_entry_points_stop_with_one_line(args):
    r = _run(args, L2_JOB_WORKERS="0")
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert lines == ["error: L2_JOB_WORKERS must be a whole number from 1 to 256, got '0'"], r.stderr


TINY_APP = """
import logging, warnings
logging.getLogger("l2angle.tiny").info("app imported")
warnings.warn("an old thing")
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
"""
TEXT_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+: \S")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_gunicorn_its_workers_and_warnings_log_in_the_one_format(tmp_path, fmt):
    """Under gunicorn (gunicorn.conf.py), its own lines, the app's loggers and Python warnings share one format and
    L2_LOG_LEVEL; the access log too (a tiny WSGI app stands in for the article, which takes long to import)."""
    from tests.conftest import free_port, wait_http

    (tmp_path / "tiny_wsgi.py").write_text(TINY_APP)
    port = free_port()
    level = "info" if fmt == "text" else "warning"
    env = {
        **os.environ,
        **dict(PORT=str(port), HOST="127.0.0.1", L2_WEB_WORKERS="1", L2_WARM_ANSWERS="0"),
        **dict(L2_LOG_FORMAT=fmt, L2_LOG_LEVEL=level, PYTHONPATH=str(tmp_path)),
    }
    cmd = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "tiny_wsgi:app"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/", timeout=60)
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith(" ")]  # (a warning quotes its source)
    if fmt == "text":
        assert lines and all(TEXT_LINE.match(ln) for ln in lines), err
        assert any(" INFO gunicorn.error: Booting worker" in ln for ln in lines), err
        assert any(ln.endswith("INFO l2angle.tiny: app imported") for ln in lines), err
        assert any(" WARNING py.warnings: " in ln and "an old thing" in ln for ln in lines), err
        assert " INFO gunicorn.access: " in out and '"GET / HTTP/1.1" 200' in out, out
    else:
        records = [json.loads(ln) for ln in lines]
        assert {r["logger"] for r in records} == {"py.warnings"}, records  # every INFO line is below the level
        assert "an old thing" in records[0]["message"] and records[0]["level"] == "WARNING"
