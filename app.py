"""The Dash app: assembles the article from components/ and exposes ``server`` for gunicorn.

``python app.py`` (what ``make run`` does) serves it on http://127.0.0.1:$PORT (default 8050) with
the embedded defaults: no extra services, on-demand jobs in a local process pool.
"""

from __future__ import annotations

import os

import dash

import serving
from components import page

app = dash.Dash(
    __name__,
    title="A New Angle on L2 Regularization — interactive",
    compress=True,
    suppress_callback_exceptions=True,
    update_title=None,
    serve_locally=True,
)
app.layout = page.layout  # a function: each page load gets a fresh tree
server = app.server
serving.install(app)
page.register(app)


if __name__ == "__main__":
    from jobs.web_cli import start_warming

    start_warming()  # the MNIST views' 90 (pair, loss) answers, built in the background (L2_WARM_ANSWERS=0: not)
    app.run(
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8050")),
        debug=os.environ.get("L2_DEBUG", "") == "1",
    )
