"""Serving concerns on the Flask server under Dash: /health, headers, limits, error pages.

Owned by the hosting work (issue 5).  Minimal for now.
"""

from __future__ import annotations

from flask import jsonify


def install(app) -> None:
    """Attach the health endpoint and serving policies to a Dash app's Flask server."""
    server = app.server

    @server.route("/health")
    def health():
        return jsonify({"status": "ok"})
