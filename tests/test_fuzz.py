"""Fuzz the page's real server callbacks with ≥ 2 000 random and malformed _dash-update-component requests.

The callbacks are discovered from /_dash-dependencies (so new sections are fuzzed as they land);
valid payloads come from benchmarks.load, then values and structure are mutated.  Nothing may answer
with a traceback, every answer is one of the expected statuses, and the server stays healthy.
"""

from __future__ import annotations

import json
import math
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from benchmarks.load import initial_values, make_payload, server_callbacks
from tests.conftest import free_port, start_app

N_REQUESTS = 2000
TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "/', "werkzeug.debug", "Werkzeug Debugger")


def weird_values(rng: random.Random):
    """A zoo of wrong types, huge and non-finite numbers, odd strings and oversized drawings."""
    size = rng.choice([0, 1, 27, 29, 200])
    return rng.choice(
        [
            None,
            True,
            False,
            0,
            -1,
            1,
            7,
            10**30,
            -(10**30),
            1e308,
            -1e-320,
            math.nan,
            math.inf,
            -math.inf,
            0.5,
            "",
            " ",
            "7-9",
            "9-7",
            "1-1",
            "a-b",
            "nan",
            "inf",
            "-1e999",
            "1e-3",
            "hinge",
            "logistic",
            "squared",
            "../../etc/passwd",
            "<script>alert(1)</script>",
            "λ" * 500,
            "x" * 20_000,
            "0" * 400,
            [],
            [1, 2],
            [None],
            [[0] * size for _ in range(size)],
            [[math.nan] * 28] * 28,
            [[300] * 28 for _ in range(28)],
            [["a"] * 28] * 28,
            {},
            {"key": "0" * 24},
            {"key": None, "state": 5},
            {"a": {"b": {"c": [1, {"d": None}]}}},
            [{"x": 1}] * 50,
            rng.random() * 10 ** rng.randint(-8, 8),
            rng.randint(-(2**63), 2**63),
        ]
    )


def mutate(rng: random.Random, base: dict, outputs: list[str]) -> tuple[str, bytes | str | None, str]:
    """One mutated request: (kind, body, content type)."""
    body = json.loads(json.dumps(base))
    kind = rng.choices(["value", "values", "structure", "raw"], weights=[45, 20, 25, 10])[0]
    refs = body["inputs"] + body.get("state", [])
    if kind == "value" and refs:
        rng.choice(refs)["value"] = weird_values(rng)
    elif kind == "values":
        for ref in refs:
            if rng.random() < 0.7:
                ref["value"] = weird_values(rng)
        body["changedPropIds"] = rng.sample(
            [f"{r['id']}.{r['property']}" for r in refs] + ["x.y"], k=rng.randint(0, min(3, len(refs) + 1))
        )
    elif kind == "structure":
        choice = rng.randrange(10)
        if choice == 0:
            body.pop(rng.choice(list(body)))
        elif choice == 1:
            body["output"] = rng.choice(["", "nope.children", "..a.b...c..", 5, None, outputs[0] + "x"])
        elif choice == 2:
            body["inputs"] = body["inputs"][:-1] if body["inputs"] else [{"id": "x", "property": "y"}]
        elif choice == 3:
            body["inputs"] = weird_values(rng)
        elif choice == 4:
            body["state"] = weird_values(rng)
        elif choice == 5:
            body["outputs"] = weird_values(rng)
        elif choice == 6:
            body["changedPropIds"] = weird_values(rng)
        elif choice == 7 and refs:
            ref = rng.choice(refs)
            ref.pop(rng.choice(["id", "property"]))
        elif choice == 8 and refs:
            rng.choice(refs)["id"] = weird_values(rng)
        else:
            body = weird_values(rng)
    else:
        raw = rng.choice(
            [
                b"",
                b"{",
                b"null",
                b"[]",
                b"\xff\xfe\x00",
                b"{" * 5000,
                b'{"output": 1e999999}',
                json.dumps(body).encode()[: rng.randint(0, 200)],
            ]
        )
        return kind, raw, rng.choice(["application/json", "text/plain", ""])
    return kind, json.dumps(body, allow_nan=True), "application/json"


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    """The app with a small job queue: fuzzed job callbacks may start real jobs; keep them few and short."""
    tmp = tmp_path_factory.mktemp("fuzz")
    port = free_port()
    proc = start_app(
        port,
        {
            "L2_CACHE_DIR": str(tmp / "cache"),
            "L2_JOB_WORKERS": "1",
            "L2_QUEUE_MAX": "2",
            "L2_JOB_TIMEOUT": "20",
            "L2_JOB_RETRIES": "0",
            "L2_AUTO_RECOMPUTE": "0",
        },
        tmp / "app.log",
    )
    yield f"http://127.0.0.1:{port}"
    errors = [
        ln
        for ln in (tmp / "app.log").read_text(errors="replace").splitlines()
        if ln and not ln.startswith(" ") and ("Error" in ln or "Exception" in ln)
    ]
    for line, n in Counter(errors).most_common(8):
        print(f"  server log x{n}: {line[:200]}")
    proc.terminate()
    proc.wait(timeout=30)


@pytest.mark.slow
def test_fuzz_dash_callbacks(fuzz_server):
    live_server = fuzz_server
    # the first layout builds every figure's frames into a cold cache: over a minute on a busy 2-core machine
    deps = httpx.get(f"{live_server}/_dash-dependencies", timeout=300).json()
    layout = httpx.get(f"{live_server}/_dash-layout", timeout=300).json()
    callbacks = server_callbacks(deps)
    assert callbacks, "the page exposes no server callbacks to fuzz"
    values = initial_values(deps, layout)
    bases = [make_payload(d, values, [f"{i['id']}.{i['property']}" for i in d["inputs"][:1]]) for d in callbacks]
    outputs = [d["output"] for d in callbacks]
    rng = random.Random(20181806)
    requests = [(b["output"], *mutate(rng, b, outputs)) for b in (rng.choice(bases) for _ in range(N_REQUESTS))]

    local = threading.local()

    def send(item):
        output, kind, body, ctype = item
        headers = {"content-type": ctype} if ctype else {}
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=live_server, timeout=60)
        try:
            r = local.client.post("/_dash-update-component", content=body, headers=headers)
        except httpx.TimeoutException:  # a callback stuck on bad input: reported below with its payload
            return output, kind, 0, str(body)[:300]
        return output, kind, r.status_code, r.text[:4000]

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(send, requests))

    statuses = Counter(s for _, _, s, _ in results)
    server_errors = Counter(o for o, _, s, _ in results if s >= 500)
    print(f"\nfuzz: {len(results)} requests over {len(callbacks)} callbacks; statuses {dict(statuses)}")
    for output, n in server_errors.most_common():
        print(f"  500 x{n}: {output[:100]}")
    stuck = [(o, t) for o, _, s, t in results if s == 0]
    assert not stuck, f"{len(stuck)} callback requests took over 60 s, e.g. {stuck[:2]}"
    leaked = [(o, s, t[:300]) for o, _, s, t in results if any(m in t for m in TRACEBACK_MARKERS)]
    assert not leaked, f"tracebacks reached the client: {leaked[:3]}"
    assert set(statuses) <= {200, 204, 400, 413, 500}, statuses
    errors_500 = [(o, t[:200]) for o, _, s, t in results if s == 500]
    assert all(json.loads(t)["error"].startswith("the server could not") for _, t in errors_500)
    # structurally malformed requests are refused before any callback runs
    assert statuses[400] > 0.2 * len(results)

    # oversized bodies are refused early
    big = json.dumps({"output": outputs[0], "inputs": [{"id": "x", "property": "y", "value": "0" * (3 << 20)}]})
    r = httpx.post(
        f"{live_server}/_dash-update-component", content=big, headers={"content-type": "application/json"}, timeout=60
    )
    assert r.status_code == 413 and "too large" in r.json()["error"]

    # still healthy, and a real request still works
    health = httpx.get(f"{live_server}/health", timeout=60)
    assert health.status_code == 200 and health.json()["status"] in ("ok", "degraded")
    real = httpx.post(f"{live_server}/_dash-update-component", json=bases[0], timeout=120)
    assert real.status_code in (200, 204)
