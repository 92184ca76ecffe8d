#!/usr/bin/env bash
# Build the classroom image with podman (no Docker engine needed) and smoke-test it with buildah:
# gunicorn starts as the non-root user, /health and the page answer, one callback works.
#
#   scripts/container_test.sh            (make container-test)
#
# Environment: BASE_IMAGE (default localhost/l2angle-base:bookworm, debootstrapped here when missing),
# TORCH_WHEEL (default /opt/wheels/torch-2.13.0+cpu-…whl; empty = PyTorch CPU index), IMAGE (l2angle:test),
# ON_BAD_ARTIFACTS (fail|compute|warn, default fail), DEBIAN_MIRROR (default: the first deb.debian.org-style URI apt already uses), PORT (18050).
# Writes timings and the image size to benchmarks/results/container.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
IMAGE=${IMAGE:-l2angle:test}
DEPS_IMAGE=${DEPS_IMAGE:-l2angle-deps:cache}
BASE_IMAGE=${BASE_IMAGE:-localhost/l2angle-base:bookworm}
TORCH_WHEEL=${TORCH_WHEEL-/opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl}
PORT=${PORT:-18050}
STORE=(--storage-driver vfs)
WORK=${WORK:-/var/tmp/l2angle-container}
mkdir -p "$WORK"
log() { echo "[container-test $(date -u +%H:%M:%S)] $*"; }

for tool in podman buildah curl; do
  command -v $tool >/dev/null || { echo "container-test needs $tool (make container-test installs it)"; exit 2; }
done

# 1. The base image: Debian bookworm minbase from the mirror apt already uses.
if ! podman "${STORE[@]}" image exists "$BASE_IMAGE"; then
  command -v debootstrap >/dev/null || { echo "container-test needs debootstrap (make container-test installs it)"; exit 2; }
  # (grep exits 2 when one of the files is missing, e.g. no /etc/apt/sources.list: not an error here)
  mirror=${DEBIAN_MIRROR:-$( { grep -hoE '(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list \
             /etc/apt/sources.list.d/* 2>/dev/null || true; } | awk '{print $2}' | head -1)}
  mirror=${mirror:-http://deb.debian.org/debian}
  log "debootstrap bookworm from $mirror"
  rm -rf "$WORK/rootfs"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "$mirror" > "$WORK/debootstrap.log" 2>&1
  tar -C "$WORK/rootfs" -c . | podman "${STORE[@]}" import - "$BASE_IMAGE"
fi

# 2. The build: CPU-only torch from a local wheel folder inside the context (the CPU index is not reachable here).
build_args=(--build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "CODE_VERSION=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" --build-arg "ON_BAD_ARTIFACTS=${ON_BAD_ARTIFACTS:-fail}")
if [ -n "$TORCH_WHEEL" ] && [ ! -f "$TORCH_WHEEL" ]; then
  log "no torch wheel at $TORCH_WHEEL: torch comes from the PyTorch CPU index"
  TORCH_WHEEL=""
fi
if [ -n "$TORCH_WHEEL" ]; then
  mkdir -p .whl
  ln -f "$TORCH_WHEEL" .whl/ 2>/dev/null || cp -u "$TORCH_WHEEL" .whl/
  build_args+=(--build-arg "TORCH_WHEEL_DIR=.whl")
fi
# pip inside the build trusts what the host's pip trusts (a TLS-inspecting proxy's CA, if any)
host_ca=${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}
if [ -f "$host_ca" ]; then
  mkdir -p .whl && cp "$host_ca" .whl/ca-bundle.crt
  build_args+=(--build-arg "PIP_CA_BUNDLE=.whl/ca-bundle.crt")
fi
# --force-rm: no working containers left behind by a failed build (with vfs each one is a full copy of
# its file tree).  The dependency stage is tagged too, so pruning old images keeps its layer cache.
build=(podman "${STORE[@]}" build --format docker --isolation chroot --layers --force-rm "${build_args[@]}" -f Dockerfile)
log "building $IMAGE (log: $WORK/build.log)"
t0=$(date +%s)
{ "${build[@]}" --target build -t "$DEPS_IMAGE" . && "${build[@]}" -t "$IMAGE" .; } > "$WORK/build.log" 2>&1 \
  || { tail -40 "$WORK/build.log"; echo "build failed (log: $WORK/build.log)"; exit 1; }
t1=$(date +%s)
steps=$(grep -cE '^\[[0-9]+/[0-9]+\] STEP|^STEP ' "$WORK/build.log" || true)
cached=$(grep -c 'Using cache' "$WORK/build.log" || true)
size=$(podman "${STORE[@]}" image inspect "$IMAGE" --format '{{.Size}}')
log "built in $((t1 - t0)) s ($cached of $steps steps from the layer cache), image size $((size / 1000000)) MB"

# 3. Smoke test: run the image's own command as its own user, on the host network.
ctr=$(buildah "${STORE[@]}" from "$IMAGE")
cleanup() {
  if [ -n "${pid:-}" ]; then kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; fi
  sleep 1
  buildah "${STORE[@]}" rm "$ctr" >/dev/null 2>&1 || true
}
trap cleanup EXIT
user=$(podman "${STORE[@]}" image inspect "$IMAGE" --format '{{.Config.User}}')
[ "$user" = "app" ] || { echo "the image must run as the non-root user 'app', not '$user'"; exit 1; }
hc=$(podman "${STORE[@]}" image inspect "$IMAGE" --format '{{.Config.Healthcheck}}')
case "$hc" in *health*) ;; *) echo "the image has no HEALTHCHECK ($hc)"; exit 1 ;; esac
# code owned by root, artifacts (which the worker may recompute) and the cache by 'app'
owners=$(buildah "${STORE[@]}" run --isolation chroot "$ctr" -- stat -c '%U' /app/app.py /app/precomputed /var/cache/l2angle | tr '\n' ' ')
[ "$owners" = "root app app " ] || { echo "unexpected owners of /app/app.py /app/precomputed /var/cache/l2angle: $owners"; exit 1; }
# (asked before gunicorn starts: a second \`buildah run\` of a container that is running can fail)
who=$(buildah "${STORE[@]}" run --isolation chroot --user app "$ctr" -- id -un)
[ "$who" = "app" ] || { echo "not running as app: '$who'"; exit 1; }
ts=$(date +%s)
setsid buildah "${STORE[@]}" run --isolation chroot --user app --env PORT=$PORT --env L2_WEB_WORKERS=2 "$ctr" -- \
  gunicorn -c gunicorn.conf.py app:server > "$WORK/run.log" 2>&1 &
pid=$!
ok=""
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT/health" -o "$WORK/health.json" 2>/dev/null; then ok=1; break; fi
  kill -0 $pid 2>/dev/null || break
  sleep 1
done
[ -n "$ok" ] || { tail -30 "$WORK/run.log"; echo "gunicorn did not answer /health"; exit 1; }
t2=$(date +%s)
# every gunicorn process (master and workers, descendants of the buildah run) runs as uid 10001 ('app')
uids=$(ps -eo pid=,ppid=,uid=,args= | awk -v root="$pid" '
  { ppid[$1] = $2; uid[$1] = $3; cmd[$1] = $0 }
  END { for (p in ppid) { q = p; while (q in ppid && q != root && q > 1) q = ppid[q];
        if (q == root && cmd[p] ~ /gunicorn/ && cmd[p] !~ /buildah/) print uid[p] } }' | sort -u | tr '\n' ' ')
[ "$uids" = "10001 " ] || { echo "gunicorn processes run as uid(s) '$uids', expected 10001 only"; exit 1; }
log "health: $(cat "$WORK/health.json")"
grep -q '"status":"ok"' "$WORK/health.json" || [ "${ON_BAD_ARTIFACTS:-fail}" = warn ] || { echo "/health is not ok"; exit 1; }
smoke=$("$ROOT/.venv/bin/python" - "$PORT" "$WORK/run.log" <<'PY'
import sys, time, httpx
base = f"http://127.0.0.1:{sys.argv[1]}"
t0 = time.monotonic()
page = httpx.get(base + "/", timeout=180)  # the first page of a worker waits for its layout to be built
first_page = time.monotonic() - t0
assert page.status_code == 200 and "_dash-config" in page.text, page.status_code
assert "Content-Security-Policy" in page.headers, "security headers missing"
deps = httpx.get(base + "/_dash-dependencies", timeout=30).json()
layout = httpx.get(base + "/_dash-layout", timeout=30)
assert layout.status_code == 200
sys.path.insert(0, ".")
from benchmarks.load import answer_urls, initial_payloads, initial_values, interactions, make_payload  # noqa: E402
# a pair change: the browser fetches the pair's answer file, built into the image
urls = answer_urls(layout.json())
assert len(urls) == 90, len(urls)
ans = httpx.get(base + urls[-1], timeout=60)
assert ans.status_code == 200 and len(ans.json()["frames"]["frames"]) == 81, ans.status_code
assert "immutable" in ans.headers.get("cache-control", ""), ans.headers
# the page's initial server callbacks (if any) and one change of each kind (a pair change reads a sweep)
payloads = initial_payloads(deps, layout.json())
values = initial_values(deps, layout.json())
for kind, acts in sorted(interactions(deps, layout.json()).items()):
    if acts:
        dep, changed, vals = acts[0]
        values[tuple(changed.rsplit(".", 1))] = vals[-1]
        payloads.append(make_payload(dep, values, [changed]))
assert payloads, "the page has no server callbacks to try"
answered = 0
for payload in payloads[:8]:
    r = httpx.post(base + "/_dash-update-component", json=payload, timeout=60)
    assert r.status_code in (200, 204), (payload["output"], r.status_code, r.text[:300])
    answered += 1
log = open(sys.argv[2]).read()
assert "Booting worker" in log, "gunicorn did not start its workers"
print(f"first page in {first_page:.1f} s, {len(page.text)} bytes, {len(deps)} callbacks, {answered} callback(s) answered, answer file "
      f"{urls[-1].split('?')[0]} {len(ans.content)} bytes")
PY
)
log "$smoke"
answered=$(echo "$smoke" | sed -n 's/.* \([0-9]*\) callback(s) answered.*/\1/p')
t3=$(date +%s)
log "smoke test passed in $((t3 - t1)) s (gunicorn as '$who', start → /health ok $((t2 - ts)) s)"
# keep a short history: the previous run's summary joins the list of earlier runs
md=benchmarks/results/container.md
earlier=""
if [ -f "$md" ]; then
  field() { grep -m1 "^| $1" "$md" | awk -F'|' '{print $3}' | sed 's/^ *//; s/ *$//'; }
  earlier=$( (echo "* $(field 'date') — build $(field 'build time'), smoke test $(field 'smoke test' | cut -d: -f1), image $(field 'image size')"
              grep '^\* ' "$md" || true) | head -6)
fi
torch_src="PyTorch CPU index"
[ -z "$TORCH_WHEEL" ] || torch_src="local wheel $(basename "$TORCH_WHEEL") (the CPU index is not reachable here)"
mkdir -p benchmarks/results
cat > "$md" <<MD
## Container image (make container-test)

| what | value |
| --- | --- |
| date (UTC) | $(date -u +%Y-%m-%dT%H:%MZ) |
| base image | $BASE_IMAGE (Debian bookworm minbase, debootstrap) |
| torch | $torch_src |
| build time (podman, vfs, chroot isolation) | $((t1 - t0)) s ($cached of $steps steps from the layer cache) |
| image size | $((size / 1000000)) MB |
| gunicorn start → /health ok | $((t2 - ts)) s |
| /health ok → first page answered | $(echo "$smoke" | sed -n 's/.*first page in \([0-9.]* s\).*/\1/p') |
| smoke test (buildah from + run) | $((t3 - t1)) s: gunicorn master + workers as uid 10001 'app', HEALTHCHECK set, /health ok, page + $answered callback(s) answered |

Steps are counted over the script's two build passes: the dependency stage (\`--target build\`, tagged so that
pruning keeps it), then the image, which finds that stage in the layer cache. Rerun: \`make container-test\`.
${earlier:+
Earlier runs:

$earlier}
MD
log "wrote benchmarks/results/container.md"
# old builds of the image (untagged now) are full copies under vfs: drop them
podman "${STORE[@]}" image prune -f >/dev/null && log "pruned dangling images"
log "podman storage now: $(du -sh "$(podman "${STORE[@]}" info --format '{{.Store.GraphRoot}}')" 2>/dev/null | cut -f1)"
