"""A structural check of ``_dash-update-component`` requests, before Dash sees them.

A body that cannot be a real call of one of this app's callbacks gets a 400 with one clear line instead of
a crash deep inside Dash (a 500).
"""

from __future__ import annotations

from typing import Any

from flask import g, request
from werkzeug.exceptions import RequestEntityTooLarge

from serving.responses import error

DASH_UPDATE = "_dash-update-component"


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


def install_request_checks(app, shared) -> None:
    """Before any view: the size limit (413 before the body is read), the payload check (400), and the shared
    answer of a pure callback when ``shared`` (a ``serving.shared.SharedAnswers``) holds one."""
    server = app.server

    @server.before_request
    def _limits():
        limit = server.config["MAX_CONTENT_LENGTH"]
        if request.content_length is not None and request.content_length > limit:
            return error(413, f"request too large (limit {limit} bytes)")
        if request.method == "POST" and request.path.endswith(DASH_UPDATE):
            try:
                body = request.get_json(silent=True)
            except RequestEntityTooLarge:
                return error(413, f"request too large (limit {limit} bytes)")
            why = check_update_payload(body, app.callback_map)
            if why:
                return error(400, f"bad callback request: {why}")
            key = shared.key(body)
            if key:
                hit = shared.lookup(key)
                if hit is not None:
                    return hit
                g.shared_answer_key = key  # answered by Dash below, stored on the way out
        return None
