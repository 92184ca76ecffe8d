"""Load test: N simulated students for T seconds against gunicorn, measured per request type.

    python benchmarks/load.py [--students 50] [--seconds 60] [--url URL] [--workers W]

Without --url it starts ``gunicorn -c gunicorn.conf.py app:server`` on a free port with a fresh cache and waits
until it is ready as before a class: workers warmed up, and the answer warmer its master starts has built the 90
(pair, loss) answer files.  Each student does what a browser does: GET /, _dash-layout, _dash-dependencies, then
the page's initial server callbacks, then (in a loop, with think time) slider releases, pair or loss changes
(a GET of that answer file, as assets/page.js does; always from the server, as if the browser cached nothing), other
choices, plus one on-demand
job (a λ off the grid, submitted then polled until done, as the page's dcc.Interval does).  Payloads are
built from the live /_dash-dependencies and /_dash-layout, so the benchmark follows the page as it evolves.
Reference for the latency goal: p95 ≤ 250 ms for callbacks that read artifacts.  Results (p50/p95/max
per request type, errors, job executions vs job requests) go to benchmarks/results/load.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load_page import (  # noqa: E402
    answer_choices,
    answer_urls,
    apply_response,
    initial_payloads,
    initial_values,
    interactions,
    job_callbacks,
    make_payload,
    server_callbacks,
    split_output,
)

__all__ = ["answer_urls", "initial_values", "make_payload", "server_callbacks", "warmer_running"]

UPDATE = "/_dash-update-component"
GOAL_KINDS = ("initial callbacks", "slider change", "pair change", "other change")  # all read artifacts


# --------------------------------------------------------------------------- the students


class Recorder:
    """Latencies (ms) and errors per request type."""

    def __init__(self) -> None:
        self.ms: dict[str, list[float]] = {}
        self.errors: dict[str, list[str]] = {}

    def add(self, kind: str, ms: float, error: str | None = None) -> None:
        self.ms.setdefault(kind, []).append(ms)
        if error:
            self.errors.setdefault(kind, []).append(error)


async def timed(client, rec: Recorder, kind: str, method: str, url: str, parse: bool = True, **kw) -> Any:
    """One request, timed until its whole body has arrived; its JSON (when ``parse``), {} or None on an error."""
    t0 = time.perf_counter()
    try:
        resp = await client.request(method, url, **kw)
    except Exception as exc:
        rec.add(kind, (time.perf_counter() - t0) * 1000, f"{type(exc).__name__}: {exc}")
        return None
    ms = (time.perf_counter() - t0) * 1000
    ok = resp.status_code in (200, 204)
    rec.add(kind, ms, None if ok else f"HTTP {resp.status_code}: {resp.text[:120]}")
    if parse and resp.status_code == 200 and "json" in resp.headers.get("content-type", ""):
        return resp.json()
    return {} if ok else None


def job_params(dep: dict, values: dict) -> str:
    """The parameter set a job request carries: its typed value (λ) and the pair and loss it applies to."""
    refs = [r for r in dep["inputs"] if r["property"] not in ("n_clicks", "n_intervals")] + [
        s for s in dep.get("state", []) if "pair" in s["id"] or "loss" in s["id"]
    ]
    return repr(sorted((f"{r['id']}.{r['property']}", repr(values.get((r["id"], r["property"])))) for r in refs))


async def run_job(client, rec: Recorder, dep: dict, values: dict, lam_text: str, deadline: float, asked: list) -> str:
    """Click 'compute' with an off-grid λ, then poll through the dcc.Interval until the job is done."""
    ids = {r["property"]: r["id"] for r in dep["inputs"]}
    interval = next(r for r in dep["inputs"] if r["property"] == "n_intervals")
    text = next((r for r in dep["inputs"] if r["property"] == "value"), None)
    if text:
        values[(text["id"], "value")] = lam_text
    asked.append(job_params(dep, values))
    values[(ids["n_clicks"], "n_clicks")] = 1
    body = await timed(
        client, rec, "job submit", "POST", UPDATE, json=make_payload(dep, values, [f"{ids['n_clicks']}.n_clicks"])
    )
    apply_response(values, body)
    polls = 0
    texts = [r for r in split_output(dep["output"])[0] if r["property"] == "children"]

    def shown() -> str:  # what the page shows the student about the job (its read-out text)
        return " ".join(str(values.get((r["id"], "children")) or "") for r in texts)[:120]

    while time.time() < deadline:
        if values.get((interval["id"], "disabled")) is True:
            return f"finished: {shown()}"
        await asyncio.sleep(0.4)
        polls += 1
        values[(interval["id"], "n_intervals")] = polls
        body = await timed(
            client, rec, "job poll", "POST", UPDATE, json=make_payload(dep, values, [f"{interval['id']}.n_intervals"])
        )
        apply_response(values, body)
    return f"unfinished: {shown()}"


async def student(
    n: int, base: str, rec: Recorder, seconds: float, lam_values: list[str], seed: int, outcome: list, asked: list
) -> None:
    import httpx

    rng = random.Random(seed * 1000 + n)
    await asyncio.sleep(rng.uniform(0, 5))  # students arrive over a few seconds
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await timed(client, rec, "page /", "GET", "/")
        layout = await timed(client, rec, "page layout", "GET", "/_dash-layout")
        deps = await timed(client, rec, "page dependencies", "GET", "/_dash-dependencies")
        if layout is None or deps is None:
            return
        values = initial_values(deps, layout)
        for payload in initial_payloads(deps, layout):
            apply_response(values, await timed(client, rec, "initial callbacks", "POST", UPDATE, json=payload))
        acts = interactions(deps, layout)
        answers = answer_choices(layout)
        jobs = job_callbacks(deps, layout)
        deadline = time.time() + seconds
        job_at = rng.randint(0, 3)  # one on-demand job per student, among their first actions
        actions = 0
        while time.time() < deadline:
            await asyncio.sleep(rng.uniform(1.0, 4.0))  # think time between actions
            actions += 1
            if jobs and actions == job_at + 1:
                outcome.append(
                    await run_job(client, rec, jobs[0], values, rng.choice(lam_values), deadline + 60, asked)
                )
                continue
            kind = rng.choice([k for k in ("slider", "slider", "pair", "other") if acts[k] or k == "pair"])
            if kind == "pair" and answers:
                # every change is fetched, as by a browser with its cache off (a real one keeps the answers it saw);
                # the page's controls then hold the new pair and loss (later callbacks and jobs send them)
                pair, loss, url = rng.choice(answers)
                values[("ctl-svm-pair", "value")], values[("ctl-svm-loss", "value")] = pair, loss
                await timed(client, rec, "pair change", "GET", url, parse=False)
                continue
            if not acts[kind]:
                continue
            dep, changed, vals = rng.choice(acts[kind])
            cid, prop = changed.rsplit(".", 1)
            values[(cid, prop)] = rng.choice(vals)
            body = await timed(client, rec, f"{kind} change", "POST", UPDATE, json=make_payload(dep, values, [changed]))
            apply_response(values, body)


# --------------------------------------------------------------------------- server and report


def warmer_running() -> bool:
    """Whether a ``python -m worker warm-answers`` process is running (the server's answer warmer)."""
    out = subprocess.run(["pgrep", "-f", "worker warm-answers"], capture_output=True, text=True).stdout
    return bool(out.split())


def start_gunicorn(port: int, workers: int | None, cache: Path, log: Path) -> subprocess.Popen:
    """gunicorn as `make serve` runs it, on a free port, with a fresh cache folder."""
    # L2_WARMUP=1: each worker builds the page before it takes requests, as on a server started before class
    env = dict(os.environ, PORT=str(port), HOST="127.0.0.1", L2_CACHE_DIR=str(cache), L2_ACCESS_LOG="", L2_WARMUP="1")
    if workers:
        env["L2_WEB_WORKERS"] = str(workers)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:server"],
        cwd=ROOT,
        env=env,
        stdout=open(log, "wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    import httpx

    deadline = time.time() + 600
    while time.time() < deadline:  # /health answers, every booted worker has finished its warm-up, and the
        text = log.read_text(errors="replace")  # answer warmer (started by gunicorn's master) is done
        booted, warm = text.count("Booting worker"), text.count("warm-up done") + text.count("warm-up failed")
        try:
            if (
                booted
                and warm >= booted
                and not warmer_running()
                and httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200
            ):
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {text[-2000:]}")
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError("gunicorn did not warm up and answer /health within 600 s")


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q / 100 * (len(s) - 1)))))]


def report(rec: Recorder, args, started: dict, finished: dict, outcome: list, asked: list, wall: float) -> str:
    lines = [
        "## Load (benchmarks/load.py)",
        "",
        f"{args.students} simulated students for {args.seconds:g} s against gunicorn "
        f"({started.get('workers', '?')} web workers) on {os.cpu_count()} CPU cores, "
        f"httpx async client; wall {wall:.0f} s; date {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"1-min load average {started.get('load', '?')} before, {finished.get('load', '?')} after "
        "(the clients and the job processes run on the same cores)."
        + (
            f" The server was started with a fresh cache and was ready {started['ready_s']:.0f} s later (workers "
            "warmed up, the 90 (pair, loss) answer files built by the warmer), as before a class."
            if started.get("ready_s") is not None
            else ""
        )
        + " A pair change is the GET of that pair's answer file (what the page fetches), never from a browser cache.",
        "Reference: the goal p95 ≤ 250 ms for callbacks that read artifacts (initial, slider, pair, other choices).",
        "",
        "| request type | n | p50 ms | p95 ms | max ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind in sorted(rec.ms):
        ms = rec.ms[kind]
        lines.append(
            f"| {kind} | {len(ms)} | {statistics.median(ms):.0f} | {percentile(ms, 95):.0f} | "
            f"{max(ms):.0f} | {len(rec.errors.get(kind, []))} |"
        )
    total_err = sum(len(v) for v in rec.errors.values())
    requested, distinct = len(asked), len(set(asked))
    finished_n = sum(o.startswith("finished") for o in outcome)
    if started.get("started") is None or finished.get("started") is None:
        jobs = "job processes started: unknown (/health did not answer)"
    else:
        executed = finished["started"] - started["started"]
        jobs = (
            f"{executed} job processes started, so {requested - executed} duplicate requests joined a job "
            f"already queued, running or done instead of computing again"
        )
    goal = [ms for kind in GOAL_KINDS for ms in rec.ms.get(kind, [])]
    if goal:
        p95 = percentile(goal, 95)
        lines += [
            "",
            f"Goal check: callbacks that read artifacts ({', '.join(GOAL_KINDS)}) together: n {len(goal)}, "
            f"p50 {statistics.median(goal):.0f} ms, p95 {p95:.0f} ms — goal p95 ≤ 250 ms "
            f"{'met' if p95 <= 250 else 'NOT met'}; errors {total_err} — goal 0 "
            f"{'met' if total_err == 0 else 'NOT met'}.",
        ]
    lines += [
        "",
        f"Errors: {total_err}.  On-demand jobs: {requested} requested by students "
        f"({finished_n} finished within the run + 60 s), {distinct} distinct (pair, loss, λ) sets, {jobs}.",
        "",
    ]
    for text, n in Counter(outcome).most_common(4):
        lines.append(f"* job read-out x{n}: {text}")
    for kind, errs in sorted(rec.errors.items()):
        lines.append(f"* {kind}: e.g. {errs[0][:200]}")
    return "\n".join(lines) + "\n"


def _health(base: str) -> dict:
    """/health, or {} when the server is too busy to answer it (the report then shows no job count)."""
    import httpx

    try:
        return httpx.get(base + "/health", timeout=120).json()
    except (httpx.HTTPError, ValueError):
        return {}


async def main_async(args) -> str:

    proc, ready_s = None, None
    tmp = Path(tempfile.mkdtemp(prefix="l2load-"))
    base = args.url
    if not base:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        t_start = time.time()
        proc = start_gunicorn(port, args.workers, tmp / "cache", tmp / "gunicorn.log")
        ready_s = time.time() - t_start
        base = f"http://127.0.0.1:{port}"
    workers = args.workers or "?"
    if proc:  # how many workers the started gunicorn booted (its default comes from the core count)
        workers = (tmp / "gunicorn.log").read_text(errors="replace").count("Booting worker") or workers
    try:
        load0 = f"{os.getloadavg()[0]:.1f}"
        health0 = _health(base)
        rec, outcome, asked = Recorder(), [], []
        t0 = time.time()
        await asyncio.gather(
            *(student(n, base, rec, args.seconds, args.lams, args.seed, outcome, asked) for n in range(args.students))
        )
        wall = time.time() - t0
        health1 = _health(base)
        started = {
            "started": health0.get("queue", {}).get("started"),
            "workers": workers,
            "load": load0,
            "ready_s": ready_s,
        }
        finished = {"started": health1.get("queue", {}).get("started"), "load": f"{os.getloadavg()[0]:.1f}"}
        return report(rec, args, started, finished, outcome, asked, wall)
    finally:
        if proc:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--url", default="", help="an already running server (default: start gunicorn)")
    p.add_argument("--workers", type=int, default=None, help="L2_WEB_WORKERS for the started gunicorn")
    p.add_argument(
        "--lams",
        nargs="+",
        default=["0.0037", "0.021", "0.00052"],
        help="off-grid λ values the students pick from (few values: dedup is exercised)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "load.md"))
    args = p.parse_args(argv)
    text = asyncio.run(main_async(args))
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
