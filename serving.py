"""Serving concerns on the Flask server under Dash: /health, headers, limits, error pages, the cache.

``install(app)`` is called once by app.py.  It adds

* ``/health`` — JSON ``{status, version, artifacts: {ok, problems, checked_at}, queue: {backend, depth}}``;
* a request size limit (``L2_MAX_REQUEST_BYTES``, 413 before the body is read) and a structural check of
  ``_dash-update-component`` payloads (400 with one clear line instead of a crash deep inside Dash);
* error handlers: a 500 answers a short JSON/HTML message, the traceback goes to the server log only;
* security headers, including a Content-Security-Policy that lets Dash's own inline scripts run
  (by hash, see ``Dash.csp_hashes``), Plotly (WebGL traces compile shaders with ``Function``) and MathJax;
* a slimmer page: the index leaves out Babel's whole polyfill (core-js for old browsers; Dash's bundles only need its
  ``regeneratorRuntime``, which assets/vendor supplies) and the DataTable bundle, which the article never uses;
* ``cache`` — a flask-caching Cache shared by every web process: FileSystemCache under ``L2_CACHE_DIR``,
  or Redis when ``L2_REDIS_URL`` / a ``redis://`` ``L2_BROKER_URL`` is set.

``python -m serving --check`` verifies the shipped artifacts (the container build runs it).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from flask import Response, g, jsonify, request
from flask_caching import Cache
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from models import config
from models.config import env_int

log = logging.getLogger("l2angle.serving")
cache = Cache()
_DASH_UPDATE = "_dash-update-component"


# --------------------------------------------------------------------------- configuration


def cache_config() -> dict[str, Any]:
    """flask-caching settings: Redis when configured, else a FileSystemCache every local worker shares."""
    broker = os.environ.get("L2_BROKER_URL", "").strip()
    redis_url = os.environ.get("L2_REDIS_URL", "").strip() or (broker if broker.startswith("redis") else "")
    timeout = env_int("L2_CACHE_TIMEOUT", 24 * 3600, 0, 10**8)
    if redis_url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": "l2angle:",
            "CACHE_DEFAULT_TIMEOUT": timeout,
        }
    return {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(config.CACHE_DIR / "flask"),
        "CACHE_THRESHOLD": env_int("L2_CACHE_ITEMS", 5000, 10, 10**7),
        "CACHE_DEFAULT_TIMEOUT": timeout,
    }


@functools.lru_cache(maxsize=1)
def version() -> str:
    """The package version plus the git commit when known (the image has no .git: then 'unknown')."""
    try:
        from importlib.metadata import version as _v

        pkg = _v("l2-angle")
    except Exception:
        pkg = "0+local"
    from jobs.artifacts import code_version

    stamp = config.ROOT / "VERSION"  # written into the image by the Dockerfile (CODE_VERSION build arg)
    try:
        shipped = stamp.read_text(encoding="utf-8").strip()[:64] if stamp.is_file() else ""
    except OSError:
        shipped = ""
    return f"{pkg} ({os.environ.get('L2_CODE_VERSION') or shipped or code_version()})"


# --------------------------------------------------------------------------- artifacts


def check_artifacts(root: Path | None = None) -> list[str]:
    """Every problem with the shipped artifacts (MNIST + each manifest folder), as one line each; [] if fine."""
    from jobs.artifacts import ArtifactError, manifest_folders, verify_folder
    from models import mnist

    problems = []
    try:
        mnist.verify_mnist(Path(root) / "mnist" if root else None)
    except Exception as exc:
        problems.append(f"mnist: {exc}")
    for folder in manifest_folders(root):
        try:
            verify_folder(folder)
        except ArtifactError as exc:
            problems.append(str(exc))
        except Exception as exc:
            problems.append(f"{folder}: {type(exc).__name__}: {exc}")
    sweep_dir = Path(root or config.PRECOMPUTED) / "sweeps"
    never = [name for name in _expected_sweeps() if not (sweep_dir / name).is_file() and name not in _listed(sweep_dir)]
    if never:  # not shipped yet (a build step, `make precompute`), unlike a listed file that went missing
        problems.append(
            f"{sweep_dir}: {len(never)} sweep(s) not computed yet, e.g. {never[0]} "
            "(run `python -m worker precompute --all`)"
        )
    return problems


def _listed(folder: Path) -> set[str]:
    from jobs.artifacts import ArtifactError, read_manifest

    try:
        return set(read_manifest(folder).get("files", {}))
    except ArtifactError:
        return set()


def _expected_sweeps() -> dict[str, tuple[int, int, str]]:
    """Every sweep file the article reads, by name (empty while models.sweeps does not exist)."""
    try:
        from models import sweeps
    except ImportError:
        return {}
    return {sweeps.sweep_name(a, b, loss): (a, b, loss) for a, b in config.PAIRS for loss in config.LOSSES}


def broken_sweeps(problems: list[str]) -> list[tuple[int, int, str]]:
    """The (a, b, loss) sweeps named in artifact problem lines (missing or failing their checksum)."""
    expected = _expected_sweeps()
    found = set()
    for line in problems:
        head, _, why = line.partition(": ")
        name = Path(head).name
        if name in expected and Path(head).parent.name == "sweeps" and (why == "missing" or "checksum" in why):
            found.add(expected[name])
    return sorted(found)


def request_recompute(problems: list[str]) -> str:
    """Ask the worker to rebuild broken artifacts (one job across all web processes); say what was done.

    Sweeps are recomputed by the job kind ``recompute-sweeps`` (jobs/queue_cli.py, which calls the linear
    engine's jobs.linear_cli.precompute_sweeps).  RECOMPUTE HOOK for other families (MNIST, LeNet):
    none yet — they are only reported, with the command to run by hand.  ``L2_AUTO_RECOMPUTE=0`` turns
    the automatic recompute off.
    """
    sweeps = broken_sweeps(problems)
    manual = "run `python -m worker precompute --all`"
    if not sweeps:
        return f"not recomputed automatically: {manual}"
    if os.environ.get("L2_AUTO_RECOMPUTE", "1").strip() == "0":
        return f"{len(sweeps)} sweep(s) broken; automatic recompute is off (L2_AUTO_RECOMPUTE=0): {manual}"
    import jobs.queue_cli  # noqa: F401  (registers the job kind recompute-sweeps)
    from jobs import queue

    folder = str(Path(config.PRECOMPUTED) / "sweeps")
    status = queue.submit("recompute-sweeps", {"folder": folder, "sweeps": [list(s) for s in sweeps]})
    return f"recomputing {len(sweeps)} sweep(s) in job {status['key']}: {status['state']} ({status['message']})"


class _ArtifactState:
    """Per-process result of the artifact check, refreshed in the background (never inside a request)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.report: dict[str, Any] = {"ok": None, "problems": [], "checked_at": None, "action": ""}
        self.thread: threading.Thread | None = None
        self.next_check = 0.0

    def refresh(self) -> None:
        problems = check_artifacts()
        action = request_recompute(problems) if problems else ""
        for p in problems[:5]:
            log.error("artifact problem: %s", p)
        if len(problems) > 5:
            log.error("... and %d more artifact problems (see /health)", len(problems) - 5)
        with self.lock:
            self.report = {"ok": not problems, "problems": problems[:20], "checked_at": time.time(), "action": action}

    def get(self) -> dict[str, Any]:
        now = time.time()
        with self.lock:
            if now >= self.next_check and (self.thread is None or not self.thread.is_alive()):
                self.next_check = now + env_int("L2_HEALTH_RECHECK_S", 300, 5, 10**6)
                self.thread = threading.Thread(target=self._safe_refresh, name="artifact-check", daemon=True)
                self.thread.start()
            return dict(self.report)

    def _safe_refresh(self) -> None:
        try:
            self.refresh()
        except Exception as exc:  # the check itself must never take the server down
            log.exception("artifact check failed")
            with self.lock:
                self.report = {
                    "ok": False,
                    "problems": [f"artifact check failed: {exc}"],
                    "checked_at": time.time(),
                    "action": "",
                }


ARTIFACTS = _ArtifactState()


# --------------------------------------------------------------------------- payload checks


def _is_prop_ref(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("id"), str | dict) and isinstance(item.get("property"), str)


def _refs_ok(items: Any, expected: int) -> bool:
    if not isinstance(items, list) or len(items) != expected:
        return False
    return all(_is_prop_ref(i) or (isinstance(i, list) and all(_is_prop_ref(j) for j in i)) for i in items)


def _outputs_mismatch(outputs: Any, cb: dict) -> str:
    """Why the request's ``outputs`` cannot be this callback's; '' if they can.  Dash itself would raise
    ('Wrong length output_spec', 'Output does not match callback definition', …) → 500."""
    spec = cb.get("output")
    if cb.get("no_output") or spec is None:
        return ""
    if not isinstance(spec, list | tuple):  # a single output: the renderer sends one reference, not a list
        if not _is_prop_ref(outputs):
            return "outputs do not match the callback"
        spec, outputs = [spec], [outputs]
    if not isinstance(outputs, list) or len(outputs) != len(spec):
        return "outputs do not match the callback"
    for want, got in zip(spec, outputs, strict=True):
        if isinstance(got, list):  # pattern-matching output: left to Dash
            continue
        prop = str(got.get("property", "")).split("@")[0]
        want_prop = str(getattr(want, "component_property", prop)).split("@")[0]
        if got.get("id") != getattr(want, "component_id", got.get("id")) or prop != want_prop:
            return "outputs do not match the callback"
    return ""


def check_update_payload(body: Any, callback_map: dict) -> str:
    """Why a ``_dash-update-component`` body cannot be a real call of one of this app's callbacks ('' if it can)."""
    if not isinstance(body, dict):
        return "the request body must be a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "unknown callback output"
    cb = callback_map[output]
    if not _refs_ok(body.get("inputs"), len(cb.get("inputs", []))):
        return "inputs do not match the callback"
    if not _refs_ok(body.get("state", []), len(cb.get("state", []))):
        return "state does not match the callback"
    outputs = body.get("outputs")
    if outputs is not None and not (
        _is_prop_ref(outputs)
        or (
            isinstance(outputs, list)
            and all(_is_prop_ref(o) or (isinstance(o, list) and all(_is_prop_ref(p) for p in o)) for o in outputs)
        )
    ):
        return "outputs are malformed"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds must be a list of strings"
    return _outputs_mismatch(outputs, cb)


# --------------------------------------------------------------------------- headers


def content_security_policy(script_hashes: list[str]) -> str:
    """The CSP of every response: same-origin everything, Dash's inline scripts by hash."""
    ancestors = os.environ.get("L2_FRAME_ANCESTORS", "'self'").strip() or "'self'"
    scripts = " ".join(["'self'", "'unsafe-eval'", *script_hashes])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


def _wants_json() -> bool:
    return request.path.startswith("/_dash") or request.path == "/health" or request.is_json


def _error(status: int, message: str) -> Response:
    if _wants_json():
        resp = jsonify({"error": message, "status": status})
    else:
        resp = Response(f"<!doctype html><title>{status}</title><p>{message}</p>", mimetype="text/html")
    resp.status_code = status
    return resp


# --------------------------------------------------------------------------- layout response


def _accepts_gzip() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def _encoded_response(gzipped: bytes, plain: bytes | None, mimetype: str) -> Response:
    """A response from bytes compressed once in advance: the gzip bytes, or ``plain`` for a client that
    does not accept gzip (flask-compress leaves responses with a Content-Encoding alone)."""
    resp = Response(gzipped if plain is None else plain, mimetype=mimetype)
    if plain is None:
        resp.headers["Content-Encoding"] = "gzip"
    resp.headers["Vary"] = "Accept-Encoding"
    return resp


def _gzip_json(gz: bytes, cache_control: str, status: int = 200) -> Response:
    """A JSON file kept gzipped (sent as is, or unpacked for a client that does not accept gzip)."""
    resp = _encoded_response(gz, None if _accepts_gzip() else gzip.decompress(gz), "application/json")
    resp.status_code = status
    resp.headers["Cache-Control"] = cache_control
    return resp


# --------------------------------------------------------------------------- static scripts, compressed once

_STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
_STATIC_TYPES = {"application/javascript", "text/javascript", "text/css", "application/json"}


class StaticGzip:
    """The page's scripts and style sheets gzipped once per process and kept in memory.

    flask-compress would compress them again on every request, with a streaming encoder for the files Flask sends
    from disk: on 2 cores the ~15 scripts of a first visit then arrived 130–270 ms after they were asked for, all
    of it on the page's critical path (nothing runs before its scripts), and 50 students opening the page repeat
    that work 50 times.  Kept per (path, query, validator): a new file version is a new key (Dash fingerprints its
    bundles, assets carry ``?m=<mtime>``).  At most ``limit`` files; anything unusual (another status, a range,
    a client without gzip) is left to flask-compress."""

    def __init__(self, limit: int = 64, level: int = 9):
        self.limit, self.level = limit, level
        self._files: dict[tuple, bytes] = {}
        self._lock = threading.Lock()

    def applies(self, resp: Response) -> bool:
        return (
            request.method == "GET"
            and request.path.startswith(_STATIC_PREFIXES)
            and resp.status_code == 200
            and resp.mimetype in _STATIC_TYPES
            and "Content-Encoding" not in resp.headers
            and "Range" not in request.headers
            and _accepts_gzip()
        )

    def __call__(self, resp: Response) -> Response:
        if not self.applies(resp):
            return resp
        etag, _weak = resp.get_etag()
        key = (request.path, request.query_string, etag, resp.headers.get("Last-Modified"), resp.content_length)
        gz = self._files.get(key)
        resp.direct_passthrough = False  # a file response: read it (get_data) and replace it (set_data)
        if gz is None:
            gz = gzip.compress(resp.get_data(), self.level, mtime=0)
            with self._lock:
                if len(self._files) >= self.limit:
                    self._files.pop(next(iter(self._files)))
                self._files[key] = gz
        resp.set_data(gz)
        resp.headers["Content-Encoding"] = "gzip"
        resp.headers["Vary"] = "Accept-Encoding"
        if etag:
            resp.set_etag(f"{etag}:gzip")
        return resp.make_conditional(request)


class LayoutCache:
    """The encoded ``/_dash-layout`` answer, kept per process for ``L2_LAYOUT_CACHE_S`` seconds (0 = off).

    The article's layout is the same for every visitor (a function only so that it can be rebuilt), but
    encoding its ~3 MB of JSON and compressing it costs about half a CPU-second: 50 students opening the
    page at once would queue every callback behind 25 s of that work.  One rebuild per process and period
    (so a recomputed artifact shows up within it), gzip done once, an ETag so that a reload revalidates.
    """

    def __init__(self, view, ttl: float) -> None:
        self.view, self.ttl = view, ttl
        self.lock = threading.Lock()
        self.entry: dict[str, Any] | None = None

    def _fresh(self) -> dict[str, Any] | None:
        entry = self.entry
        return entry if entry and time.monotonic() - entry["at"] < self.ttl else None

    def _build(self) -> dict[str, Any] | Response:
        with self.lock:  # concurrent first visitors wait for one build instead of each doing it
            entry = self._fresh()
            if entry:
                return entry
            resp = self.view()
            if not isinstance(resp, Response) or resp.status_code != 200:
                return resp  # an error is never cached
            data = resp.get_data()
            entry = {
                "at": time.monotonic(),
                "data": data,
                "gzip": gzip.compress(data, 6, mtime=0),
                "etag": hashlib.sha256(data).hexdigest()[:32],
                "mimetype": resp.mimetype,
            }
            self.entry = entry
            return entry

    def __call__(self):
        entry = self._fresh() or self._build()
        if isinstance(entry, Response):
            return entry
        gz = _accepts_gzip()
        resp = _encoded_response(entry["gzip"], entry["data"] if not gz else None, entry["mimetype"])
        resp.headers["Cache-Control"] = "no-cache"  # the browser may keep it but asks (If-None-Match) first
        resp.set_etag(entry["etag"] + (":gzip" if gz else ""))
        return resp.make_conditional(request)


def cache_layout(app) -> None:
    """Serve Dash's ``/_dash-layout`` through a :class:`LayoutCache` (unless ``L2_LAYOUT_CACHE_S=0``)."""
    ttl = env_int("L2_LAYOUT_CACHE_S", 60, 0, 10**6)
    endpoint = app.config.routes_pathname_prefix + "_dash-layout"
    view = app.server.view_functions.get(endpoint)
    if ttl > 0 and view is not None:
        app.server.view_functions[endpoint] = LayoutCache(view, ttl)


# --------------------------------------------------------------------------- shared callback answers


def shared_outputs() -> set[str]:
    """Component ids whose callbacks are pure (answer = f(request), read-only artifacts): L2_SHARED_OUTPUTS."""
    raw = os.environ.get("L2_SHARED_OUTPUTS", "store-svm-frames")
    return {part.strip() for part in raw.split(",") if part.strip()}


def _output_ids(output: Any) -> set[str]:
    """'..a.x...b.y..' or 'a.x' → {'a', 'b'} (ids only; pattern-matching ids never match a plain id)."""
    if not isinstance(output, str):
        return set()
    parts = output[2:-2].split("...") if output.startswith("..") and output.endswith("..") else [output]
    return {part.rsplit(".", 1)[0] for part in parts if "." in part}


class SharedAnswers:
    """Answers of pure callbacks, kept gzipped in the cache every worker shares (files, or Redis).

    A pair change rebuilds every frame of a sweep (over a CPU-second) and each gunicorn worker would
    do it again for each pair; with this, the first student to pick a (pair, loss) pays and the others
    (in any worker) get the stored bytes.  The key is the whole request (inputs, state, trigger) plus
    the code version; entries live ``L2_SHARED_TTL_S`` seconds, so a recomputed artifact shows up then.
    """

    def __init__(self, outputs: set[str], ttl: int) -> None:
        self.outputs, self.ttl = (outputs if ttl > 0 else set()), ttl  # L2_SHARED_TTL_S=0: off

    def key(self, body: Any) -> str | None:
        if not self.outputs or not isinstance(body, dict) or not (_output_ids(body.get("output")) & self.outputs):
            return None
        try:
            blob = json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=True)
        except (TypeError, ValueError):
            return None
        return "answer:" + hashlib.sha256(f"{version()}|{blob}".encode()).hexdigest()

    def lookup(self, key: str) -> Response | None:
        try:
            stored = cache.get(key)
        except Exception:  # a broken cache only costs speed
            return None
        if not isinstance(stored, bytes):
            return None
        return _encoded_response(stored, None if _accepts_gzip() else gzip.decompress(stored), "application/json")

    def store(self, key: str, resp: Response) -> None:
        if resp.status_code != 200 or resp.mimetype != "application/json" or "Content-Encoding" in resp.headers:
            return
        try:
            cache.set(key, gzip.compress(resp.get_data(), 6, mtime=0), timeout=self.ttl)
        except Exception as exc:  # noqa: BLE001 — a full or read-only cache only costs speed
            log.warning("cannot store a shared answer: %s", exc)


# --------------------------------------------------------------------------- install


def _not_for_health(fn):
    @functools.wraps(fn)
    def wrapper():
        return None if request.path == "/health" else fn()

    return wrapper


# Scripts of Dash's index that the article does not need.  Babel's polyfill (core-js for old browsers; ~90 ms of a
# first load's main thread on 2 cores) only serves browsers that Dash 4 does not support anyway (Dash's bundles
# need just its ``regeneratorRuntime``, which assets/vendor supplies); the article has no DataTable.  (dcc's
# components come as chunks loaded when first rendered, so the unused ones — Markdown, the date pickers, Upload,
# MathJax — are never fetched.)
_UNNEEDED_SCRIPTS = ("/deps/polyfill@", "/dash_table/")


def slim_scripts(scripts: str) -> str:
    """Dash's ``<script>`` tags (one per line) without those of ``_UNNEEDED_SCRIPTS``."""
    return "\n".join(
        line for line in scripts.split("\n") if not ("<script" in line and any(s in line for s in _UNNEEDED_SCRIPTS))
    )


def slim_index(app) -> None:
    """Make ``app`` serve its index without the unneeded scripts (see ``slim_scripts``)."""
    interpolate = app.interpolate_index

    @functools.wraps(interpolate)
    def interpolate_index(**kwargs):
        kwargs["scripts"] = slim_scripts(kwargs.get("scripts", ""))
        return interpolate(**kwargs)

    app.interpolate_index = interpolate_index


def install(app) -> None:
    """Attach /health, the request limits, error handlers, security headers and the shared cache."""
    server = app.server
    slim_index(app)
    server.config["MAX_CONTENT_LENGTH"] = env_int("L2_MAX_REQUEST_BYTES", 2 * 1024 * 1024, 1024, 2**31)
    server.config["PROPAGATE_EXCEPTIONS"] = False
    server.config["TRAP_HTTP_EXCEPTIONS"] = False
    server.debug = False
    cache.init_app(server, config=cache_config())
    # /health must answer even while (or when) Dash's first-request setup builds a slow or broken layout.
    server.before_request_funcs[None] = [_not_for_health(f) for f in server.before_request_funcs.get(None, [])]
    csp_enabled = os.environ.get("L2_CSP", "1").strip() != "0"
    csp: dict[str, str] = {}
    shared = SharedAnswers(shared_outputs(), env_int("L2_SHARED_TTL_S", 300, 0, 10**7))

    @server.before_request
    def _limits():
        limit = server.config["MAX_CONTENT_LENGTH"]
        if request.content_length is not None and request.content_length > limit:
            return _error(413, f"request too large (limit {limit} bytes)")
        if request.method == "POST" and request.path.endswith(_DASH_UPDATE):
            try:
                body = request.get_json(silent=True)
            except RequestEntityTooLarge:
                return _error(413, f"request too large (limit {limit} bytes)")
            why = check_update_payload(body, app.callback_map)
            if why:
                return _error(400, f"bad callback request: {why}")
            key = shared.key(body)
            if key:
                hit = shared.lookup(key)
                if hit is not None:
                    return hit
                g.shared_answer_key = key  # answered by Dash below, stored on the way out
        return None

    # Registered after Dash's flask-compress hook, so it runs before it (Flask runs after_request hooks last-first):
    # flask-compress then finds these responses encoded and leaves them alone.
    server.after_request(StaticGzip())

    @server.after_request
    def _keep_shared(resp: Response) -> Response:
        key = g.pop("shared_answer_key", None)
        if key:
            shared.store(key, resp)
        return resp

    @server.after_request
    def _headers(resp: Response) -> Response:
        h = resp.headers
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        h.setdefault("X-Frame-Options", "SAMEORIGIN")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if csp_enabled:
            if "value" not in csp:  # after every section registered its clientside callbacks
                csp["value"] = content_security_policy(list(app.csp_hashes()))
            h.setdefault("Content-Security-Policy", csp["value"])
        return resp

    @server.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return _error(exc.code or 500, exc.description or exc.name)

    @server.errorhandler(Exception)
    def _server_error(exc: Exception):
        from dash.exceptions import DependencyException, InvalidResourceError

        if isinstance(exc, DependencyException | InvalidResourceError):  # an unknown static file
            return _error(404, "not found")
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _error(500, "the server could not answer this request; the error was logged")

    @server.route("/health")
    def health():
        from jobs import queue

        report = ARTIFACTS.get()
        body: dict[str, Any] = {"version": version(), "artifacts": report}
        try:
            body["queue"] = {
                "backend": "celery" if queue.settings()["broker_url"] else "local",
                "depth": queue.queue_depth(),
                "started": queue.jobs_started(),
            }
        except Exception as exc:
            body["queue"] = {"error": f"{type(exc).__name__}: {exc}"}
            body["status"] = "error"
            return jsonify(body), 503
        body["status"] = "ok" if report.get("ok") is not False else "degraded"
        return jsonify(body)

    @server.route("/svm-data/<pair>/<loss>")
    def svm_data(pair: str, loss: str):
        """A (pair, loss) answer file of the MNIST views (components.svm.answer_gz), gzipped once in advance.

        Its URL carries the answer's version (``?v=``): a matching one may be kept by the browser for a day;
        anything else (an old page after a recompute) gets the current answer, not to be stored."""
        from components import svm

        status, gz = svm.answer_gz(pair, loss)
        current = status == 200 and request.args.get("v") == svm.answer_key()
        return _gzip_json(gz, "public, max-age=86400, immutable" if current else "no-store", status)

    @server.route("/frames-data/<name>")
    def frames_data(name: str):
        """A figure's frames (components.frames.frames_store): content-addressed, so cacheable for good."""
        from components import frames, page

        gz = frames.frames_file(name)
        if gz is None:  # this process has not built the page yet: build it once (it registers every file)
            page.layout()
            gz = frames.frames_file(name)
        if gz is None:
            return _error(404, "no such frames file (the page was rebuilt since; reload it)")
        return _gzip_json(gz, "public, max-age=31536000, immutable")

    cache_layout(app)
    ARTIFACTS.get()  # start the first check now, in the background


def main(argv: list[str] | None = None) -> int:
    """``python -m serving --check``: print artifact problems; exit 1 if there are any."""
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["--check"]:
        print("usage: python -m serving --check", file=sys.stderr)
        return 2
    problems = check_artifacts()
    for p in problems[:20]:
        print(f"artifact problem: {p}", file=sys.stderr)
    print("artifacts ok" if not problems else f"{len(problems)} artifact problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
