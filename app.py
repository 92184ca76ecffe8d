"""The Dash app: assembles the article from components/ and exposes ``server`` for gunicorn.

``python app.py`` (what ``make run`` does; the ``l2angle`` command of the installed package) serves it on
http://127.0.0.1:$PORT (default 8050) with the embedded defaults: no extra services, on-demand jobs in a local
process pool.  A bad setting (``L2_*``, ``PORT``, ``HOST``) stops it at once with one line naming the variable
(exit status 2).
"""

from __future__ import annotations

import settings

settings.exit_on_error(settings.get)  # before anything reads a setting (components/ do at import)

import dash  # noqa: E402

import serving  # noqa: E402
from components import page  # noqa: E402

app = dash.Dash(
    __name__,
    title="A New Angle on L2 Regularization — interactive",
    compress=True,
    suppress_callback_exceptions=True,
    update_title=None,
    serve_locally=True,
)
# Dash's own index page, with the article's language declared (screen readers choose their voice by it).
app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
app.layout = page.layout  # a function: each page load gets a fresh tree
server = app.server
serving.install(app)
page.register(app)


def main() -> None:
    """Serve the article with Flask's own server (``python app.py``, ``make run``, the ``l2angle`` command)."""
    from serving.warming import start_warming
    from settings import logs

    logs.configure()
    start_warming()  # the MNIST views' 90 (pair, loss) answers, built in the background (L2_WARM_ANSWERS=0: not)
    s = settings.get()
    app.run(host=s.host or "127.0.0.1", port=s.port, debug=s.debug)


if __name__ == "__main__":
    main()
