"""A sweep test double (a models.sweeps.Sweep) built from real MNIST data.

The models are ridge-regression fits w(λ) = argmin (1/n)‖Xw + b − y‖² + λ‖w‖² on the pair's training
set: real regularized linear models whose tilt shrinks as λ grows, so frame code can be tested
against models.geometry without the shipped sweep artifacts.  Every metric is computed from (w, b).
"""

from __future__ import annotations

import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

from models import conventions, geometry
from models.sweeps import Sweep
from store.mnist import pair_data
from tests.conftest import ROOT, free_port, wait_http

EDGES = np.linspace(-8.0, 8.0, 81)


@lru_cache(maxsize=4)
def fake_sweep(a: int = 2, b: int = 3, loss: str = "hinge") -> Sweep:
    """Ridge path over the 81 λ of the grid for the pair, with metrics computed like the real sweep's."""
    pd = pair_data(a, b)
    X, y = pd.X_train, pd.y_train
    mu = X.mean(axis=0)
    Xc = X - mu
    yc = y - y.mean()
    n = len(y)
    evals, evecs = np.linalg.eigh(Xc.T @ Xc / n)
    proj = evecs.T @ (Xc.T @ yc / n)
    lam = conventions.LAMBDAS
    W = np.stack([evecs @ (proj / (evals + lm)) for lm in lam])
    bias = y.mean() - W @ mu
    i, j = geometry.class_centroids(X, y)
    fields = {k: [] for k in ("err_train", "err_test", "d_adv", "d_err", "theta", "hist_I", "hist_J")}
    for w, bb in zip(W, bias, strict=True):
        yd = y * geometry.signed_distance(X, w, bb)
        fields["err_train"].append(100 * np.mean(yd <= 0))
        fields["err_test"].append(100 * np.mean(pd.y_test * geometry.signed_distance(pd.X_test, w, bb) <= 0))
        fields["d_adv"].append(np.mean(yd))
        fields["d_err"].append(geometry.error_distance(X, y, w, bb))
        fields["theta"].append(geometry.tilting_angle(w, i, j))
        fields["hist_I"].append(np.histogram(yd[y < 0], bins=EDGES)[0])
        fields["hist_J"].append(np.histogram(yd[y > 0], bins=EDGES)[0])
    arr = {k: np.asarray(v) for k, v in fields.items()}
    return Sweep(
        a,
        b,
        loss,
        lam,
        W.astype(np.float32).astype(np.float64),
        bias,
        w_norm=np.linalg.norm(W, axis=1),
        hist_edges=EDGES,
        centroid_i=i,
        centroid_j=j,
        train_index=pd.train_index,
        objective=np.full(len(lam), np.nan),  # a ridge path: the hinge/softplus objective does not apply
        iterations=np.zeros(len(lam), dtype=int),
        best_test_index=int(np.argmin(arr["err_test"])),
        **arr,
    )


def serve() -> None:
    """Run the app with this test double as the sweep loader (for browser tests when no sweep is shipped)."""
    import runpy

    import store.sweeps

    store.sweeps.load_sweep = lambda a, b, loss, folder=None: fake_sweep(a, b, loss)
    runpy.run_path(str(Path(__file__).resolve().parents[1] / "app.py"), run_name="__main__")


def sweeps_shipped() -> bool:
    """True when the real sweeps the browser tests use (2 vs 3 and 0 vs 1, both losses) load."""
    try:
        from store.sweeps import load_sweep

        for a, b in ((2, 3), (0, 1)):
            load_sweep(a, b, "hinge")
            load_sweep(a, b, "logistic")
        return True
    except Exception:  # noqa: BLE001
        return False


def mnist_app(request, tmp_path_factory):
    """Base URL of an app whose MNIST figures have data: the shared live_server when the sweeps are
    shipped, else the app served with the sweep test double (same schema, real MNIST)."""
    if sweeps_shipped():
        yield request.getfixturevalue("live_server")
        return
    port = free_port()
    log = open(tmp_path_factory.mktemp("mnist-app") / "app.log", "wb")
    env = dict(
        os.environ,
        PORT=str(port),
        HOST="127.0.0.1",
        PYTHONUNBUFFERED="1",
        L2_CACHE_DIR=str(tmp_path_factory.mktemp("mnist-cache")),
        L2_WARM_ANSWERS="0",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.test_fig_svm_support"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/health", timeout=120)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    serve()
