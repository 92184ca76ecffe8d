"""What we wrote ourselves against the well-kept library that could do the job, timed side by side in one run.

    python benchmarks/audit.py [--only static,headers,idx,supervisor,load] [--out benchmarks/results/audit.md]

* static      serving.static.StaticGzip (scripts gzipped once per process) vs flask-compress's own cache
              (COMPRESS_CACHE_BACKEND/KEY), on the page's first-visit scripts and style sheets
* headers     serving.responses.install_headers vs ``secure`` (Secure.set_headers), per response
* idx         models.mnist.parse_idx vs idx2numpy.convert_from_string, on the shipped MNIST files
* supervisor  our embedded job supervisor vs a Celery prefork worker set up to do the same (fresh process per
              job, time limit, re-queue a job whose process died), submit → done of a trivial job
* load        benchmarks/load.py's client (httpx, asyncio) vs locust (FastHttpUser), client CPU per request

A library that is not installed is reported as such (they are not dependencies of the project): install it
into the venv (``pip install secure==2.0.1 idx2numpy==1.2.3``), or for locust into a venv of its own named
by ``LOCUST=/path/to/bin/locust``.  Every row says what was compared, and checks the two give the same answer.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import audit_workers  # noqa: E402

BROWSER_ENCODINGS = "gzip, deflate, br, zstd"  # what Chromium sends


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


# --------------------------------------------------------------------------------------- static gzip + ETags


def _decode(body: bytes, encoding: str | None) -> bytes:
    from flask_compress.flask_compress import _uncompress_data

    return _uncompress_data(body, encoding) if encoding else body


def bench_static() -> list[str]:
    import flask_compress

    from app import app
    from serving.static import StaticGzip

    server = app.server
    hooks = server.after_request_funcs[None]
    ours = next(h for h in hooks if isinstance(h, StaticGzip))
    compress = next(h.__self__ for h in hooks if isinstance(getattr(h, "__self__", None), flask_compress.Compress))
    client = server.test_client()
    html = client.get("/").get_data(as_text=True)
    urls = re.findall(r'<script src="([^"]+)"', html) + re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    urls = [u for u in urls if u.startswith(("/assets/", "/_dash-component-suites/"))]
    plain = {u: client.get(u, headers={"Accept-Encoding": "identity"}).get_data() for u in urls}

    def one_pass() -> tuple[float, int, int, list[str]]:
        t0, sent, same, etags = time.perf_counter(), 0, 0, []
        for u in urls:
            r = client.get(u, headers={"Accept-Encoding": BROWSER_ENCODINGS})
            body = r.get_data()
            sent += len(body)
            same += _decode(body, r.headers.get("Content-Encoding")) == plain[u]
            etags.append(r.headers.get("ETag"))
        return time.perf_counter() - t0, sent, same, etags

    def revalidated(etags: list[str]) -> int:
        return sum(
            client.get(u, headers={"Accept-Encoding": BROWSER_ENCODINGS, "If-None-Match": e}).status_code == 304
            for u, e in zip(urls, etags, strict=True)
            if e
        )

    def measure(label: str) -> str:
        cold, sent, same, etags = one_pass()
        warm = statistics.median(one_pass()[0] for _ in range(5))
        return (
            f"| {label} | {_ms(cold)} | {_ms(warm)} | {sent / 1e6:.2f} MB | {same}/{len(urls)} | "
            f"{revalidated(etags)}/{len(urls)} |"
        )

    rows = [measure("ours: StaticGzip (gzip -9 once per process, then flask-compress for the rest)")]
    # the library: our class out, flask-compress's cache on (keyed by path + query: Dash fingerprints its
    # bundles, assets carry ?m=<mtime>)
    index = hooks.index(ours)
    hooks.remove(ours)
    saved = compress.cache, compress.cache_key, compress.streaming_endpoint_with_conditional
    compress.cache = flask_compress.flask_compress.DictCache()
    compress.cache_key = lambda request: request.full_path
    # and the conditional answers for Dash's assets endpoint (COMPRESS_STREAMING_ENDPOINT_CONDITIONAL)
    compress.streaming_endpoint_with_conditional = {"static", "_dash_assets.static"}
    try:
        rows.append(measure("flask-compress 1.25 with its cache and conditional answers for assets"))
    finally:
        compress.cache, compress.cache_key, compress.streaming_endpoint_with_conditional = saved
        hooks.insert(index, ours)
    streamed = sum(u.startswith("/assets/") for u in urls)
    return [
        f"First-visit scripts and style sheets of the page: {len(urls)} files ({streamed} from assets/, sent by "
        f"Flask as streamed files; the rest Dash's component suites, {sum(map(len, plain.values())) / 1e6:.2f} MB "
        f"uncompressed in all), through the app's Flask test client, Accept-Encoding `{BROWSER_ENCODINGS}`.  "
        "Cold = the first request of each file in this process; warm = median of 5 further passes.  (Dash's "
        "fingerprinted component suites carry no ETag: they are cached for a year.)",
        "",
        "| variant | cold pass | warm pass | bytes sent | body decodes to the file | If-None-Match → 304 |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
    ]


# --------------------------------------------------------------------------------------- security headers


def bench_headers() -> list[str]:
    import types

    import flask

    from serving import responses

    try:
        import secure
        from secure import headers as h
    except ImportError:
        return ["`secure` is not installed: `pip install secure==2.0.1` to compare."]
    hashes = ["'sha256-AAAA'", "'sha256-BBBB'"]
    flask_app = flask.Flask("audit")
    responses.install_headers(types.SimpleNamespace(server=flask_app, csp_hashes=lambda: hashes))
    ours = flask_app.after_request_funcs[None][-1]
    csp = responses.content_security_policy(hashes)
    policy = h.ContentSecurityPolicy()
    for directive in csp.split("; "):
        name, *sources = directive.split(" ")
        policy.custom_directive(name, *sources)
    lib = secure.Secure(
        csp=policy,
        xcto=h.XContentTypeOptions(),
        referrer=h.ReferrerPolicy().strict_origin_when_cross_origin(),
        xfo=h.XFrameOptions().sameorigin(),
        coop=h.CrossOriginOpenerPolicy().same_origin(),
        permissions=h.PermissionsPolicy().camera().microphone().geolocation(),
    )

    def theirs(resp):
        lib.set_headers(resp)
        return resp

    def per_response(hook, n: int = 20000) -> tuple[float, dict]:
        best = float("inf")
        for _ in range(3):
            resps = [flask.Response("x") for _ in range(n)]
            t0 = time.perf_counter()
            for r in resps:
                hook(r)
            best = min(best, (time.perf_counter() - t0) / n)
        r = hook(flask.Response("x"))
        return best, {k: v for k, v in r.headers.items() if k not in ("Content-Type", "Content-Length")}

    t_ours, ours_h = per_response(ours)
    t_lib, lib_h = per_response(theirs)
    kept = flask.Response("x", headers={"X-Frame-Options": "DENY"})
    differ = sorted(k for k in ours_h.keys() | lib_h.keys() if ours_h.get(k) != lib_h.get(k))
    return [
        "The same six headers (CSP with two script hashes) added to 20 000 Flask responses, best of 3.",
        "",
        "| variant | per response | same headers | a header the route set itself |",
        "| --- | --- | --- | --- |",
        f"| ours: `install_headers` (setdefault) | {t_ours * 1e6:.1f} µs | {'yes' if not differ else differ} | "
        f"kept ({ours(kept).headers['X-Frame-Options']}) |",
        f"| secure {secure.__version__ if hasattr(secure, '__version__') else '2.0.1'}: `Secure.set_headers` | "
        f"{t_lib * 1e6:.1f} µs | {'yes' if not differ else 'differs: ' + ', '.join(differ)} | "
        f"replaced ({theirs(flask.Response('x', headers={'X-Frame-Options': 'DENY'})).headers['X-Frame-Options']}) |",
    ]


# --------------------------------------------------------------------------------------- the IDX reader


def bench_idx() -> list[str]:
    import numpy as np

    from models import mnist

    try:
        import idx2numpy
    except ImportError:
        return ["`idx2numpy` is not installed: `pip install idx2numpy==1.2.3` to compare."]
    import settings

    raws = {n: gzip.decompress((settings.get().mnist_dir / f).read_bytes()) for n, f in mnist.FILES.items()}

    def timed(parse) -> tuple[float, dict]:
        runs, out = [], {}
        for _ in range(7):
            t0 = time.perf_counter()
            out = {n: parse(raw) for n, raw in raws.items()}
            runs.append(time.perf_counter() - t0)
        return statistics.median(runs), out

    t_ours, ours = timed(mnist.parse_idx)
    t_lib, lib = timed(idx2numpy.convert_from_string)
    same = all(np.array_equal(ours[n], lib[n]) for n in raws)
    short = raws["train_labels"][:-5]
    verdicts = []
    for parse in (mnist.parse_idx, idx2numpy.convert_from_string):
        try:
            parse(short)
            verdicts.append("accepted")
        except Exception as exc:  # noqa: BLE001 - what each says is the point
            verdicts.append(f"{type(exc).__name__}")
    mb = sum(map(len, raws.values())) / 1e6
    return [
        f"The four shipped MNIST files, decompressed ({mb:.1f} MB), parsed 7 times; median.",
        "",
        "| variant | parse all four | same arrays | a file 5 bytes short |",
        "| --- | --- | --- | --- |",
        f"| ours: `models.mnist.parse_idx` (numpy.frombuffer, no copy) | {t_ours * 1e6:.0f} µs | {same} | {verdicts[0]} |",
        f"| idx2numpy 1.2.3: `convert_from_string` | {t_lib * 1e6:.0f} µs | {same} | {verdicts[1]} |",
    ]


BENCHES = {
    "static": ("Static gzip and ETags (serving/static.py)", bench_static),
    "headers": ("Security headers (serving/responses.py)", bench_headers),
    "idx": ("The IDX reader (models/mnist.py)", bench_idx),
    "supervisor": ("The job supervisor (jobs/supervisor.py)", audit_workers.bench_supervisor),
    "load": ("The load generator (benchmarks/load.py)", audit_workers.bench_load),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated: " + ", ".join(BENCHES))
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "audit.md"), help="the report")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    parts = [
        "## Hand-written infrastructure vs libraries (benchmarks/audit.py)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores, load average "
        f"{load:.1f} at the start (shared machine: compare rows of one table, not across runs).  Decisions and "
        "reasons: docs/architecture/audit.md.",
    ]
    for name in args.only.split(","):
        title, bench = BENCHES[name]
        print(f"{name} …", file=sys.stderr, flush=True)
        parts += ["", f"### {title}", "", *bench()]
    text = "\n".join(parts) + "\n"
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
