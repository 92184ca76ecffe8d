"""The latency benchmark on two versions of the code, side by side in one run on one machine.

    python benchmarks/latency_ab.py [--old 5da8bf6] [--new REV] [--rounds 3] [--samples 40] [--loads 5]

Starts two servers — the code at git revision ``--old`` (checked out into a temporary worktree) and this
checkout (or the code at ``--new``, checked out the same way) — each with its own fresh cache and its answer warmer, waits until both warmers are done, then measures
both with the same harness (``benchmarks/latency.py``: key presses per slider, pair changes, page loads),
alternating which goes first in each round so that drifts in the machine's load fall on both.  Reports, per
measure, the median over rounds for each version and the ratio new / old, in
``benchmarks/results/latency_ab.md``.  Run it on a quiet machine: every number scales with the machine's floor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import latency  # noqa: E402
from tests.conftest import free_port, wait_http  # noqa: E402

# The last commit before the redesign (issue 11), named by hash: a clone carries commits, not local tags.
PRE_REDESIGN = "5da8bf6"


def start(checkout: Path, cache: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """``python app.py`` of a checkout on a free port, its answer warmer on, its own cache."""
    port = free_port()
    env = dict(os.environ, PORT=str(port), HOST="127.0.0.1", PYTHONUNBUFFERED="1", L2_WARM_ANSWERS="1")
    env["L2_CACHE_DIR"] = str(cache)
    env.pop("L2_PRECOMPUTED", None)
    proc = subprocess.Popen(
        [sys.executable, "app.py"], cwd=checkout, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    wait_http(f"http://127.0.0.1:{port}/health", timeout=180)
    return proc, f"http://127.0.0.1:{port}/"


def warmers_running() -> bool:
    out = subprocess.run(["pgrep", "-f", "warm-answers"], capture_output=True, text=True).stdout.split()
    return bool([p for p in out if int(p) != os.getpid()])


def wait_quiet(limit_s: float = 900) -> None:
    """Until no answer warmer has run for 3 s (both servers build their 90 answers first)."""
    deadline, quiet = time.time() + limit_s, 0
    while time.time() < deadline and quiet < 3:
        quiet = 0 if warmers_running() else quiet + 1
        time.sleep(1)


def measures(res: dict) -> dict[str, float]:
    """The numbers compared: every slider's p50/p95, the pair changes' p50, page painted and bytes."""
    out = {}
    for sid, r in res["sliders"].items():
        if "p95" in r:
            out[f"{sid} p50 (ms)"] = r["p50"]
            out[f"{sid} p95 (ms)"] = r["p95"]
    for kind in ("cold", "warm", "pointer"):
        if kind in res["pairs"]:
            out[f"pair change {kind} p50 (ms)"] = res["pairs"][kind]["p50"]
    out["page painted (s)"] = statistics.median(x["painted_ms"] for x in res["loads"]) / 1000
    out["bytes when painted (MB)"] = statistics.median(x["bytes_painted"] for x in res["loads"]) / 1e6
    out["floor p95 (ms)"] = res["floor"]["p95"]
    return out


def report(old_rev: str, new_name: str, runs: dict[str, list[dict]], args, load: tuple[float, float]) -> str:
    keys = list(measures(runs["new"][0]))
    lines = [
        "## Latency, old vs new code in one run (benchmarks/latency_ab.py)",
        "",
        f"`{old_rev}` (old) and {new_name} (new), served side by side by `python app.py` with fresh caches; "
        f"{args.rounds} rounds, the order alternating; per round `benchmarks/latency.py`'s measures with "
        f"{args.samples} key presses per slider and {args.loads} page loads; the table gives the median over rounds. "
        f"Load average {load[0]:.1f} → {load[1]:.1f} on {os.cpu_count()} cores. "
        f"Rerun: `python benchmarks/latency_ab.py --old {old_rev}{f' --new {args.new}' if args.new else ''} --rounds {args.rounds} --samples {args.samples} "
        f"--loads {args.loads}`.",
        "",
        "| measure | old | new | new / old | rounds (old; new) |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for k in keys:
        o = [measures(r).get(k) for r in runs["old"]]
        n = [measures(r).get(k) for r in runs["new"]]
        o, n = [x for x in o if x is not None], [x for x in n if x is not None]
        if not o or not n:
            continue
        mo, mn = statistics.median(o), statistics.median(n)
        each = f"{', '.join(f'{x:.3g}' for x in o)}; {', '.join(f'{x:.3g}' for x in n)}"
        lines.append(f"| {k} | {mo:.3g} | {mn:.3g} | {mn / mo:.2f} | {each} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--old",
        default=PRE_REDESIGN,
        help=f"git revision of the old code (default: {PRE_REDESIGN}, the last commit before the redesign)",
    )
    parser.add_argument("--new", help="git revision of the new code (default: this checkout, as it is)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--samples", type=int, default=40, help="key presses per slider per round")
    parser.add_argument("--loads", type=int, default=5, help="page loads per round (median reported)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "latency_ab.md")
    args = parser.parse_args(argv)
    short = {}  # revision as given -> its short hash
    for given in filter(None, (args.old, args.new)):
        rev = subprocess.run(["git", "rev-parse", "--short", given], cwd=ROOT, capture_output=True, text=True)
        if rev.returncode:
            print(f"error: unknown revision {given!r}", file=sys.stderr)
            return 2
        short[given] = rev.stdout.strip()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    new_name = f"this checkout (`{head.stdout.strip()}`{', with uncommitted changes' if dirty else ''})"
    if args.new:
        new_name = f"`{args.new}` (`{short[args.new]}`)"
    with tempfile.TemporaryDirectory(prefix="l2ab-") as tmp:
        tmp = Path(tmp)
        old_tree = tmp / "old"
        trees = {"old": old_tree, "new": tmp / "new" if args.new else ROOT}
        for name, given in (("old", args.old), ("new", args.new)):
            if given:
                subprocess.run(["git", "worktree", "add", "--detach", str(trees[name]), given], cwd=ROOT, check=True)
        procs = []
        try:
            urls = {}
            for name, tree in trees.items():
                proc, urls[name] = start(tree, tmp / f"cache-{name}", tmp / f"{name}.log")
                procs.append(proc)
            time.sleep(2)
            wait_quiet()
            load0 = os.getloadavg()[0]
            runs: dict[str, list[dict]] = {"old": [], "new": []}
            for r in range(args.rounds):
                for name in ("old", "new") if r % 2 == 0 else ("new", "old"):
                    print(f"round {r + 1}: {name}", flush=True)
                    runs[name].append(latency.run(urls[name], args.samples, args.loads))
            text = report(args.old, new_name, runs, args, (load0, os.getloadavg()[0]))
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=30)
            for tree in trees.values():
                if tree != ROOT:
                    subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    latency.write_report(args.out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
