"""The page shell: header with credit, the sections in reading order, and permalinks.

Permalinks: every section module may expose ``URL_STATE = {query_key: (component id, property,
parse)}``.  On load a server callback parses the query with those functions and sets the controls
(bad values fall back to the defaults, listed in a visible notice); a clientside callback writes
the current state back with history.replaceState, so the address bar is always a shareable link.
"""

from __future__ import annotations

import importlib
import json
import logging
import threading
from urllib.parse import parse_qs

import dash
from dash import Input, Output, dcc, html

from components import SECTIONS, startup
from components.common import ORIGINAL_URL, PAPER_URL
from components.widgets.frame_player import FAST_LANES

log = logging.getLogger(__name__)

MAX_QUERY = 2000


def _section_modules():
    mods = []
    for name in SECTIONS:
        try:
            mods.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            log.info("section %s not built yet", name)
    return mods


MODULES = _section_modules()


def url_state() -> dict[str, tuple[str, str, object]]:
    """All sections' URL_STATE entries merged (a key defined twice keeps the first, in reading order)."""
    out: dict[str, tuple] = {}
    for mod in MODULES:
        for key, spec in (getattr(mod, "URL_STATE", None) or {}).items():
            if key in out:
                log.warning("URL key %r of %s is already used; ignored", key, mod.__name__)
                continue
            out[key] = spec
    return out


URL_STATE = url_state()
URL_KEYS = list(URL_STATE)


def header() -> html.Header:
    """Title, subtitle and the credit to the original article."""
    return html.Header(
        [
            html.H1("A New Angle on L2 Regularization"),
            html.P(
                "Why weight decay makes linear classifiers, and some neural networks, harder to fool — "
                "an interactive explainer you can drag, share and reproduce.",
                className="subtitle",
            ),
            html.P(
                [
                    "An interactive rebuild of ",
                    html.A("“A New Angle on L2 Regularization”", href=ORIGINAL_URL, id="credit-original"),
                    " by Thomas Tanay and Lewis D. Griffin (2018; ",
                    html.A("paper, arXiv:1806.11186", href=PAPER_URL, id="credit-paper"),
                    "), recomputed from scratch and extended. Their ideas; our code, figures and words.",
                ],
                className="credit",
                id="credit",
            ),
        ],
        className="page-header",
    )


# The first layout builds (or loads from the cache) every section's frames: seconds of work.  It is done
# once at start-up (``register`` starts it in a thread); a request that arrives meanwhile waits for it
# instead of building the same frames a second time.
_BUILD_LOCK = threading.Lock()


def layout() -> html.Div:
    """The whole article (called on each page load)."""
    with _BUILD_LOCK:
        return _layout()


def warm_up() -> None:
    """Build the page once, so that the first visitor does not wait for the frames."""
    try:
        layout()
    except Exception:  # noqa: BLE001 — the request that follows shows the problem; start-up goes on
        log.exception("page warm-up failed")


def _layout() -> html.Div:
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Store(id="page-url-keys", data=URL_KEYS),
            dcc.Store(id="page-url-sink"),
            dcc.Store(id="page-fast-lanes", data=FAST_LANES),
            html.A("Skip to the article", href="#main", id="skip-link", className="skip-link"),
            header(),
            html.Main(
                [html.Div(id="page-notice", className="page-notice", role="status", hidden=True)]
                + [m.layout() for m in MODULES],
                id="main",
                tabIndex="-1",  # the skip link's target takes the focus
            ),
        ],
        className="article",
    )


def parse_query(search: str | None) -> tuple[dict[str, object], list[str]]:
    """Parse a query string with the sections' parsers → ({key: value}, [problems]); never raises."""
    values: dict[str, object] = {}
    problems: list[str] = []
    if not search or not isinstance(search, str):
        return values, problems
    if len(search) > MAX_QUERY:
        return values, ["the link's settings are too long; showing the defaults"]
    try:
        query = parse_qs(search.lstrip("?"), keep_blank_values=True)
    except ValueError:
        return values, ["the link's settings could not be read; showing the defaults"]
    for key, raw in query.items():
        if key not in URL_STATE:
            problems.append(f"unknown setting “{key[:40]}” ignored")
            continue
        parse = URL_STATE[key][2]
        try:
            values[key] = parse(raw[-1])
        except (ValueError, TypeError) as exc:
            problems.append(f"{key}={raw[-1][:40]!r} is not valid ({exc}); using the default")
        except Exception:  # noqa: BLE001 — a section's parser bug must not break the page
            log.exception("URL parser for %r failed", key)
            problems.append(f"{key}={raw[-1][:40]!r} could not be read; using the default")
    return values, problems


def register(app) -> None:
    """Page-level callbacks: restore controls from the URL on load; write them back as they change.

    Also starts building the page in the background (``warm_up``)."""
    threading.Thread(target=warm_up, name="page-warm-up", daemon=True).start()
    # Start-up: the one callback that runs as the page opens runs every section's start-up tasks (components.startup:
    # fetch the frame players' sets, the MNIST views' default answer; assets/page.js start).  The figures come drawn
    # with the page, so nothing waits for it.
    app.clientside_callback(
        "function() { return window.dash_clientside.l2page.start("
        + json.dumps(startup.spec(), separators=(",", ":"))
        + ", Array.prototype.slice.call(arguments)); }",
        *[Output(cid, prop, allow_duplicate=True) for _, outs, _, _ in startup.TASKS for cid, prop in outs],
        *[Input(cid, prop) for _, _, ins, _ in startup.TASKS for cid, prop in ins],
        prevent_initial_call="initial_duplicate",
    )
    if not URL_KEYS:
        return
    outputs = [Output(cid, prop, allow_duplicate=True) for cid, prop, _ in URL_STATE.values()]

    @app.callback(
        *outputs,
        Output("page-notice", "children"),
        Output("page-notice", "hidden"),
        Output("page-url-keys", "data"),
        Input("url", "search"),
        prevent_initial_call="initial_duplicate",
    )
    def restore_from_url(search):
        """Set each control named in the query; invalid values keep the default and are listed (and the address
        is rewritten without them: setting the keys again makes writeUrl run)."""
        values, problems = parse_query(search)
        out = [values.get(k, dash.no_update) for k in URL_KEYS]
        if problems:
            note = "Some settings in this link were not understood: " + "; ".join(problems) + "."
            return *out, note, False, URL_KEYS
        return *out, "", True, dash.no_update

    app.clientside_callback(
        dash.ClientsideFunction(namespace="l2page", function_name="writeUrl"),
        Output("page-url-sink", "data"),
        Input("page-url-keys", "data"),
        *[Input(cid, prop) for cid, prop, _ in URL_STATE.values()],
        prevent_initial_call=True,  # the address already says what the page opens with
    )
