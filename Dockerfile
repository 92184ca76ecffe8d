# syntax=docker/dockerfile:1
# The classroom image: `docker run -p 8050:8050 IMAGE` serves the whole article with gunicorn.
#
# Build arguments:
#   BASE_IMAGE       Debian bookworm base (python3 = 3.11 from Debian); default debian:bookworm-slim
#   TORCH_INDEX_URL  where CPU-only torch comes from; default the PyTorch CPU index
#   TORCH_WHEEL_DIR  a folder in the build context holding torch-*.whl to install instead (offline builds,
#                    e.g. TORCH_WHEEL_DIR=.whl); empty = use TORCH_INDEX_URL
#   PIP_INDEX_URL    PyPI or a mirror for everything else
#   ON_BAD_ARTIFACTS fail | compute | warn: what to do when precomputed/ does not verify (see below)
#   CODE_VERSION     the git commit shown on /health (the image has no .git)
#   PIP_CA_BUNDLE    a CA bundle in the build context for pip (behind a TLS-inspecting proxy); not kept in the image
#
# Layer order: the dependency stage depends only on pyproject.toml, requirements.lock and the build
# arguments, so a code change rebuilds only the last two layers.  Every instruction is a layer, and with
# podman's vfs storage (make container-test) every layer is a full copy of the file tree: metadata and
# small steps come first, while the tree is small, and the big venv copy is followed only by the code.
ARG BASE_IMAGE=debian:bookworm-slim

# --- 1. build: a venv with CPU-only torch and the runtime dependencies -------------------------------
FROM ${BASE_IMAGE} AS build
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG TORCH_WHEEL_DIR=
ARG PIP_INDEX_URL=https://pypi.org/simple
ARG PIP_CA_BUNDLE=
ENV DEBIAN_FRONTEND=noninteractive PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PATH=/opt/venv/bin:$PATH
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends python3 python3-venv ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/venv
COPY pyproject.toml requirements.lock /tmp/build/
# torch first (CPU-only: from a local wheel folder when given, else from the CPU index), then the
# runtime dependencies of pyproject.toml pinned by requirements.lock (test tools stay out).
RUN --mount=type=bind,target=/ctx \
    set -e; \
    if [ -n "$PIP_CA_BUNDLE" ]; then export PIP_CERT=/ctx/$PIP_CA_BUNDLE; fi; \
    wheels=""; \
    if [ -n "$TORCH_WHEEL_DIR" ]; then wheels=$(ls /ctx/"$TORCH_WHEEL_DIR"/torch-*.whl); fi; \
    if [ -n "$wheels" ]; then pip install -q --index-url "$PIP_INDEX_URL" $wheels; \
    else pip install -q --index-url "$TORCH_INDEX_URL" --extra-index-url "$PIP_INDEX_URL" \
         "$(grep '^torch==' /tmp/build/requirements.lock)"; fi; \
    python3 -c "import tomllib; print('\n'.join(tomllib.load(open('/tmp/build/pyproject.toml', 'rb'))['project']['dependencies']))" \
      | grep -v '^torch' > /tmp/build/runtime.txt; \
    grep -v '^torch==' /tmp/build/requirements.lock > /tmp/build/constraints.txt; \
    pip install -q --index-url "$PIP_INDEX_URL" -r /tmp/build/runtime.txt -c /tmp/build/constraints.txt; \
    find /opt/venv -name __pycache__ -prune -exec rm -rf {} +; \
    python3 -c "import dash, torch; print('dash', dash.__version__, 'torch', torch.__version__)"

# --- 2. app: the code and the precomputed artifacts, gathered on the small base (cheap layers) --------
FROM ${BASE_IMAGE} AS app
WORKDIR /app
COPY app.py worker.py gunicorn.conf.py pyproject.toml /app/
COPY settings /app/settings
COPY store /app/store
COPY cli /app/cli
COPY serving /app/serving
COPY models /app/models
COPY components /app/components
COPY jobs /app/jobs
COPY views /app/views
COPY assets /app/assets
# the artifacts belong to the runtime user (uid 10001, created below): the worker may recompute them
COPY --chown=10001:10001 precomputed /app/precomputed
ARG CODE_VERSION=unknown
RUN echo "$CODE_VERSION" > /app/VERSION

# --- 3. the image --------------------------------------------------------------------------------------
FROM ${BASE_IMAGE}
# The shipped artifacts must verify against their manifests.  ON_BAD_ARTIFACTS: fail (default: no
# image without them) | compute (rebuild them here with the worker; slow) | warn (build anyway; /health
# then reports them and the web workers ask the job runner to recompute the sweeps).
ARG ON_BAD_ARTIFACTS=fail
ENV DEBIAN_FRONTEND=noninteractive PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 PORT=8050 L2_CACHE_DIR=/var/cache/l2angle MPLCONFIGDIR=/tmp
EXPOSE 8050
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import os, sys, urllib.request; sys.exit(urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"8050\")}/health', timeout=4).status != 200)"
CMD ["gunicorn", "-c", "gunicorn.conf.py", "app:server"]
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends python3 libgomp1 ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 --shell /usr/sbin/nologin app \
 && mkdir -p /var/cache/l2angle /app && chown app:app /var/cache/l2angle
WORKDIR /app
USER app
COPY --from=build /opt/venv /opt/venv
COPY --from=app /app /app
RUN python -m serving --check || case "$ON_BAD_ARTIFACTS" in \
      compute) python -m worker precompute --all && python -m serving --check ;; \
      warn) echo "WARNING: building with broken or missing artifacts" ;; \
      *) exit 1 ;; esac
# The MNIST views' 90 (pair, loss) answer files, built now so that a class never waits for one (~20 MB).
RUN python -m worker warm-answers
