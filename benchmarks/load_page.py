"""The page as the load benchmark and the fuzz test see it: its components, server callbacks and payloads.

Built from the live /_dash-dependencies and /_dash-layout, so both follow the page as it evolves.
"""

from __future__ import annotations

from typing import Any

SLIDERS = ("Slider", "RangeSlider")
CHOICES = ("Dropdown", "RadioItems", "Checklist", "Tabs")


def walk_layout(node: Any, found: dict[str, dict] | None = None) -> dict[str, dict]:
    """Map every component id in a /_dash-layout tree to {"type": ..., "props": {...}}."""
    found = {} if found is None else found
    if isinstance(node, list):
        for child in node:
            walk_layout(child, found)
    elif isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and "type" in node:
            cid = props.get("id")
            if isinstance(cid, str):
                found[cid] = {"type": node["type"], "props": props}
            for value in props.values():
                if isinstance(value, list | dict):
                    walk_layout(value, found)
    return found


def split_output(output: str) -> tuple[list[dict], bool]:
    """'..a.x...b.y..' → ([{id: a, property: x}, …], multi=True); 'a.x' → ([…], False)."""
    multi = output.startswith("..") and output.endswith("..")
    parts = output[2:-2].split("...") if multi else [output]
    refs = []
    for part in parts:
        cid, prop = part.rsplit(".", 1)
        refs.append({"id": cid, "property": prop})
    return refs, multi


def prop_value(components: dict[str, dict], cid: str, prop: str) -> Any:
    """The initial value of a component property as the browser would send it."""
    if cid in components:
        comp = components[cid]
        if comp["type"] == "Location":
            return {"pathname": "/", "search": "", "hash": "", "href": "/"}.get(prop, comp["props"].get(prop))
        return comp["props"].get(prop)
    return None


def server_callbacks(deps: list[dict]) -> list[dict]:
    """The callbacks that run on the server (clientside ones never reach it); pattern-matching ids skipped."""
    out = []
    for dep in deps:
        if dep.get("clientside_function"):
            continue
        refs, _ = split_output(dep["output"])
        ids = [r["id"] for r in refs] + [i["id"] for i in dep.get("inputs", []) + dep.get("state", [])]
        if any(isinstance(i, dict) or str(i).startswith("{") for i in ids):
            continue
        out.append(dep)
    return out


def make_payload(dep: dict, values: dict[tuple[str, str], Any], changed: list[str]) -> dict:
    """A _dash-update-component body for one callback, with input/state values from `values`."""
    refs, multi = split_output(dep["output"])
    outputs: Any = [dict(r) for r in refs] if multi else dict(refs[0])

    def with_value(ref: dict) -> dict:
        return {"id": ref["id"], "property": ref["property"], "value": values.get((ref["id"], ref["property"]))}

    return {
        "output": dep["output"],
        "outputs": outputs,
        "inputs": [with_value(i) for i in dep["inputs"]],
        "changedPropIds": changed,
        "state": [with_value(s) for s in dep.get("state", [])],
    }


def initial_values(deps: list[dict], layout: Any) -> dict[tuple[str, str], Any]:
    """Values of every input/state property on a fresh page."""
    comps = walk_layout(layout)
    values = {}
    for dep in deps:
        for ref in dep.get("inputs", []) + dep.get("state", []):
            if isinstance(ref["id"], str):
                values[(ref["id"], ref["property"])] = prop_value(comps, ref["id"], ref["property"])
    return values


def initial_payloads(deps: list[dict], layout: Any) -> list[dict]:
    """The server callbacks a fresh page fires on load (those without prevent_initial_call)."""
    values = initial_values(deps, layout)
    return [
        make_payload(d, values, [f"{i['id']}.{i['property']}" for i in d["inputs"]])
        for d in server_callbacks(deps)
        if not d.get("prevent_initial_call")
    ]


def choices_of(comp: dict) -> list[Any]:
    """Values a user can pick on a slider or a choice control (marks, options, or a min..max range)."""
    props = comp["props"]
    if comp["type"] in SLIDERS:
        marks = props.get("marks")
        if isinstance(marks, dict) and marks:
            vals = []
            for k in marks:
                try:
                    vals.append(float(k))
                except ValueError:
                    pass
            if vals:
                return vals
        lo, hi, step = props.get("min", 0), props.get("max", 1), props.get("step") or 1
        n = int(round((hi - lo) / step)) if step else 0
        return [lo + step * k for k in range(0, n + 1, max(1, n // 20))]
    opts = props.get("options") or []
    vals = [o.get("value") if isinstance(o, dict) else o for o in opts]
    return [v for v in vals if v is not None]


def interactions(deps: list[dict], layout: Any) -> dict[str, list[tuple[dict, str, list]]]:
    """Per request type ('slider', 'pair', 'other'): (callback, changed input, values to try)."""
    comps = walk_layout(layout)
    kinds: dict[str, list] = {"slider": [], "pair": [], "other": []}
    for dep in server_callbacks(deps):
        for ref in dep["inputs"]:
            comp = comps.get(ref["id"])
            if not comp or ref["property"] != "value":
                continue
            vals = choices_of(comp) if comp["type"] in SLIDERS + CHOICES else []
            if not vals:
                continue
            kind = "pair" if "pair" in ref["id"] else "slider" if comp["type"] in SLIDERS else "other"
            kinds[kind].append((dep, f"{ref['id']}.{ref['property']}", vals))
    return kinds


def job_callbacks(deps: list[dict], layout: Any) -> list[dict]:
    """Callbacks that start and poll an on-demand job: a button click, a text input and a dcc.Interval."""
    comps = walk_layout(layout)
    found = []
    for dep in server_callbacks(deps):
        types = {r["property"]: comps.get(r["id"], {}).get("type") for r in dep["inputs"]}
        has_interval = any(comps.get(r["id"], {}).get("type") == "Interval" for r in dep["inputs"])
        if "n_clicks" in types and has_interval:
            found.append(dep)
    return found


def answer_choices(layout: Any) -> list[tuple[str, str, str]]:
    """What the browser fetches on a pair or loss change (assets/page.js loadPair): (pair, loss, URL of the
    answer file) for every choice, from the layout's ``store-svm-src`` and the pair and loss controls' options."""
    comps = walk_layout(layout)
    src = (comps.get("store-svm-src") or {}).get("props", {}).get("data") or {}
    pairs = choices_of(comps["ctl-svm-pair"]) if "ctl-svm-pair" in comps else []
    losses = choices_of(comps["ctl-svm-loss"]) if "ctl-svm-loss" in comps else []
    if not src.get("url"):
        return []
    return [(p, loss, f"{src['url']}/{p}/{loss}?v={src.get('v', '')}") for p in pairs for loss in losses]


def answer_urls(layout: Any) -> list[str]:
    """The answer files' URLs (see ``answer_choices``)."""
    return [url for _, _, url in answer_choices(layout)]


def apply_response(values: dict, body: Any) -> None:
    """Fold a callback's response (the new property values) into the student's page state."""
    if isinstance(body, dict):
        for cid, props in (body.get("response") or {}).items():
            if isinstance(props, dict):
                for prop, val in props.items():
                    values[(cid, prop)] = val
