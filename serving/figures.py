"""``/figure/<figure id>?<the page's query>``: one figure of the article on its own, for an iframe in slides or a
learning platform (design: docs/architecture/classroom.md).

The page at ``/figure/<id>`` is Dash's own index with one change: the renderer is told to fetch everything under
``/figure/<id>/`` (its ``requests_pathname_prefix``).  There this module answers ``_dash-layout`` with the figure's
layout (components/embed.py, encoded once per period like the article's, serving.static.LayoutCache) and hands
``_dash-dependencies`` and ``_dash-update-component`` to Dash's own views, so the figure runs the article's
callbacks unchanged.  Nothing of the article's own routes, layout or headers changes; embedding is governed by the
Content-Security-Policy's ``frame-ancestors`` (``L2_FRAME_ANCESTORS``, which browsers obey over X-Frame-Options).
"""

from __future__ import annotations

import html as html_text
import json
import re
import threading

from flask import Response

import settings
from serving.responses import error
from serving.static import LayoutCache

_CONFIG = re.compile(r'(<script id="_dash-config" type="application/json">)(.*?)(</script>)', re.S)
_TITLE = re.compile(r"<title>.*?</title>", re.S)
_FIG_ID = re.compile(r"fig-[a-z0-9-]{1,60}")


class Figures:
    """The figure pages of ``app``: the known figure ids, their index pages and their layouts."""

    def __init__(self, app) -> None:
        self.app = app
        self.prefix = app.config.requests_pathname_prefix
        self.routes = app.config.routes_pathname_prefix
        self._lock = threading.Lock()
        self._titles: dict[str, str] | None = None
        self._layouts: dict[str, LayoutCache] = {}

    def view(self, name: str):
        return self.app.server.view_functions[self.routes + name]

    def titles(self) -> dict[str, str]:
        """{figure id: its title}, from the article's layout (built once per process)."""
        if self._titles is None:
            from components import page
            from components.embed import figure_titles

            self._titles = figure_titles(page.layout())
        return self._titles

    def dependencies(self) -> list[dict]:
        return json.loads(self.view("_dash-dependencies")().get_data())

    def layout_response(self, fig_id: str) -> Response:
        from plotly.utils import PlotlyJSONEncoder

        from components.embed import figure_layout

        layout = figure_layout(fig_id, self.dependencies())
        if layout is None:
            return error(404, "no such figure")
        return Response(json.dumps(layout, cls=PlotlyJSONEncoder), mimetype="application/json")

    def layout(self, fig_id: str):
        with self._lock:
            cache = self._layouts.get(fig_id)
            if cache is None:
                ttl = settings.get().layout_cache_s  # 0: built for every request, as the article's
                cache = self._layouts[fig_id] = LayoutCache(lambda: self.layout_response(fig_id), ttl)
        return cache()

    def index(self, fig_id: str) -> str:
        """Dash's index page with the renderer pointed at ``/figure/<fig_id>/`` and the figure's title."""
        page = self.app.index()
        match = _CONFIG.search(page)
        config = json.loads(match.group(2))
        config["requests_pathname_prefix"] = f"{self.prefix}figure/{fig_id}/"
        encoded = json.dumps(config).replace("</", "<\\/")
        page = page[: match.start(2)] + encoded + page[match.end(2) :]
        title = f"{self.titles()[fig_id]} — A New Angle on L2 Regularization"
        page = _TITLE.sub(lambda _: f"<title>{html_text.escape(title)}</title>", page, count=1)
        return page.replace("<body>", '<body class="embed">', 1)

    def known(self, fig_id: str) -> bool:
        return bool(_FIG_ID.fullmatch(fig_id)) and fig_id in self.titles()


def install(app) -> None:
    """Add the figure routes to ``app``'s server."""
    figures = Figures(app)
    server = app.server
    base = f"{figures.routes}figure/<fig_id>"

    def known(view):
        def wrapped(fig_id: str):
            return view(fig_id) if figures.known(fig_id) else error(404, "no such figure")

        wrapped.__name__ = f"figure_{view.__name__}"
        return wrapped

    def page(fig_id):
        resp = Response(figures.index(fig_id), mimetype="text/html")
        resp.headers["Cache-Control"] = "no-cache"
        return resp

    server.add_url_rule(base, "figure_page", known(page))
    server.add_url_rule(f"{base}/", "figure_page_slash", known(page))
    server.add_url_rule(f"{base}/_dash-layout", "figure_layout", known(figures.layout))
    server.add_url_rule(
        f"{base}/_dash-dependencies", "figure_dependencies", known(lambda _: figures.view("_dash-dependencies")())
    )
    server.add_url_rule(
        f"{base}/_dash-update-component",
        "figure_update",
        known(lambda _: figures.view("_dash-update-component")()),
        methods=["POST"],
    )
