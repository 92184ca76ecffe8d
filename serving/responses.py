"""How the server answers: error responses, responses from bytes gzipped in advance, and the security headers
(including a Content-Security-Policy that lets Dash's own inline scripts run by hash, Plotly — WebGL traces
compile shaders with ``Function`` — and MathJax)."""

from __future__ import annotations

import gzip
import logging

from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException

import settings

log = logging.getLogger("l2angle.serving")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def content_security_policy(script_hashes: list[str]) -> str:
    """The CSP of every response: same-origin everything, Dash's inline scripts by hash."""
    ancestors = settings.get().frame_ancestors
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


def install_headers(app) -> None:
    """Add the security headers (and the CSP unless ``L2_CSP=0``) to every response of ``app``."""
    csp_enabled = settings.get().csp
    csp: dict[str, str] = {}

    @app.server.after_request
    def _headers(resp: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            resp.headers.setdefault(name, value)
        if csp_enabled:
            if "value" not in csp:  # after every section registered its clientside callbacks
                csp["value"] = content_security_policy(list(app.csp_hashes()))
            resp.headers.setdefault("Content-Security-Policy", csp["value"])
        return resp


def _wants_json() -> bool:
    return request.path.startswith("/_dash") or request.path == "/health" or request.is_json


def error(status: int, message: str) -> Response:
    """A short error answer: JSON {error, status} for the app's own requests, a tiny HTML page otherwise."""
    if _wants_json():
        resp = jsonify({"error": message, "status": status})
    else:
        resp = Response(f"<!doctype html><title>{status}</title><p>{message}</p>", mimetype="text/html")
    resp.status_code = status
    return resp


def accepts_gzip() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def encoded_response(gzipped: bytes, plain: bytes | None, mimetype: str) -> Response:
    """A response from bytes compressed once in advance: the gzip bytes, or ``plain`` for a client that
    does not accept gzip (flask-compress leaves responses with a Content-Encoding alone)."""
    resp = Response(gzipped if plain is None else plain, mimetype=mimetype)
    if plain is None:
        resp.headers["Content-Encoding"] = "gzip"
    resp.headers["Vary"] = "Accept-Encoding"
    return resp


def gzip_json(gz: bytes, cache_control: str, status: int = 200) -> Response:
    """A JSON file kept gzipped (sent as is, or unpacked for a client that does not accept gzip)."""
    resp = encoded_response(gz, None if accepts_gzip() else gzip.decompress(gz), "application/json")
    resp.status_code = status
    resp.headers["Cache-Control"] = cache_control
    return resp


def install_error_handlers(server) -> None:
    """A 4xx answers its own short message; any other error a short 500, with the traceback in the log only."""

    @server.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return error(exc.code or 500, exc.description or exc.name)

    @server.errorhandler(Exception)
    def _server_error(exc: Exception):
        from dash.exceptions import DependencyException, InvalidResourceError

        if isinstance(exc, DependencyException | InvalidResourceError):  # an unknown static file
            return error(404, "not found")
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error(500, "the server could not answer this request; the error was logged")
