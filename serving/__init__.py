"""Serving concerns on the Flask server under Dash, one module each:

    serving.health      /health, the package version, the background artifact check and recompute requests
    serving.payload     the size limit and the structural check of _dash-update-component requests (413 / 400)
    serving.responses   error answers (a short 500, the traceback in the log only), gzipped answers, security
                        headers and the Content-Security-Policy
    serving.static      scripts gzipped once, the layout encoded once per period, a slimmer index
    serving.shared      the cache every web process shares (files or Redis) and the answers of pure callbacks
    serving.routes      /svm-data/<pair>/<loss> and /frames-data/<name>
    serving.figures     /figure/<figure id>: one figure on its own, for an iframe (docs/architecture/classroom.md)
    serving.warming     the background answer warmer the servers start

``install(app)`` is called once by app.py.  ``python -m serving --check`` verifies the shipped artifacts (the
container build runs it).  Importing this package is light (gunicorn's master imports serving.warming): the
web modules are imported by ``install``.
"""

from __future__ import annotations

import functools


def _not_for_health(fn):
    from flask import request

    @functools.wraps(fn)
    def wrapper():
        return None if request.path == "/health" else fn()

    return wrapper


def install(app) -> None:
    """Attach /health, the request limits, error handlers, security headers, the shared cache and the data routes."""
    import settings
    from serving import figures, health, payload, responses, routes, shared, static

    s = settings.get()
    server = app.server
    static.slim_index(app)
    server.config["MAX_CONTENT_LENGTH"] = s.max_request_bytes
    server.config["PROPAGATE_EXCEPTIONS"] = False
    server.config["TRAP_HTTP_EXCEPTIONS"] = False
    server.debug = False
    shared.cache.init_app(server, config=shared.cache_config())
    # /health must answer even while (or when) Dash's first-request setup builds a slow or broken layout.
    server.before_request_funcs[None] = [_not_for_health(f) for f in server.before_request_funcs.get(None, [])]
    answers = shared.SharedAnswers(set(s.shared_outputs), s.shared_ttl_s)
    payload.install_request_checks(app, answers)
    # after_request hooks run last-registered first: headers, then the shared answers, then StaticGzip, then Dash's
    # flask-compress (registered before all of these), which finds the gzipped responses encoded and leaves them.
    server.after_request(static.StaticGzip())
    shared.install_keep(app, answers)
    responses.install_headers(app)
    responses.install_error_handlers(server)
    server.add_url_rule("/health", "health", health.health)
    routes.install_routes(server)
    figures.install(app)
    static.cache_layout(app)
    health.ARTIFACTS.get()  # start the first check now, in the background
