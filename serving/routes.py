"""The data routes of the page: ``/svm-data/<pair>/<loss>`` (a (pair, loss) answer of the MNIST views) and
``/frames-data/<name>`` (a figure's frames, content-addressed).  Both send files gzipped once in advance."""

from __future__ import annotations

from flask import request

from serving.responses import error, gzip_json
from views import answers, frames

STATUS = {"ok": 200, "bad-choice": 400, "unavailable": 503}


def install_routes(server) -> None:
    @server.route("/svm-data/<pair>/<loss>")
    def svm_data(pair: str, loss: str):
        """A (pair, loss) answer file of the MNIST views, gzipped once in advance.

        Its URL carries the answer's version (``?v=``): a matching one may be kept by the browser for a day;
        anything else (an old page after a recompute) gets the current answer, not to be stored."""
        ans = answers.answer(pair, loss)
        current = ans.kind == "ok" and request.args.get("v") == answers.answer_key()
        return gzip_json(ans.gz, "public, max-age=86400, immutable" if current else "no-store", STATUS[ans.kind])

    @server.route("/frames-data/<name>")
    def frames_data(name: str):
        """A figure's frames: content-addressed, so cacheable for good."""
        gz = frames.frames_file(name)
        if gz is None:  # this process has not built the page yet: build it once (it publishes every file)
            from components import page

            page.layout()
            gz = frames.frames_file(name)
        if gz is None:
            return error(404, "no such frames file (the page was rebuilt since; reload it)")
        return gzip_json(gz, "public, max-age=31536000, immutable")
