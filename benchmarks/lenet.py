"""LeNet training throughput: our loop (models.lenet_train.train_epoch) vs a minimal reference PyTorch loop.

Both train the same LeNet on the same 300-image batches; rounds alternate (reference, ours, …) so a busy
machine slows both alike, and we report median images/s and the ratio ours / reference.  Also lists the
full training time of every shipped checkpoint from its manifest.  Writes benchmarks/results/lenet.md.

    python benchmarks/lenet.py [--steps 20] [--rounds 3] [--threads 2] [--device cpu|cuda]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from models import lenet, lenet_train  # noqa: E402
from store import artifacts, mnist  # noqa: E402
from store import lenet as nets  # noqa: E402


def reference_loop(model, x, y, order, batch) -> None:
    """The textbook loop: SGD(momentum, weight_decay) over the same batches, nothing else."""
    opt = torch.optim.SGD(model.parameters(), lr=0.0005, momentum=0.9, weight_decay=1e-4)
    for i in range(0, len(order), batch):
        idx = order[i : i + batch]
        opt.zero_grad()
        F.cross_entropy(model(x[idx]), y[idx]).backward()
        opt.step()


def our_loop(model, x, y, order, batch) -> None:
    opt = lenet_train.make_optimizer(model, lenet_train.Recipe(weight_decay=1e-4))
    model = model.to(memory_format=torch.channels_last)
    lenet_train.train_epoch(model, opt, x, y, order, batch, torch.channels_last)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    xtr, ytr, _, _ = mnist.arrays()
    batch = 300
    n = args.steps * batch
    x = torch.tensor(xtr[:n], dtype=torch.float32).reshape(-1, 1, 28, 28).to(args.device)
    y = torch.tensor(ytr[:n]).to(args.device)
    order = torch.randperm(n, generator=torch.Generator().manual_seed(0)).to(args.device)
    rates: dict[str, list[float]] = {"reference": [], "ours": []}
    for _ in range(args.rounds):
        for name, loop in (("reference", reference_loop), ("ours", our_loop)):
            model = lenet.build(0, lenet_train.mean_image(xtr[:n])).to(args.device)
            t0 = time.perf_counter()
            loop(model, x, y, order, batch)
            if args.device == "cuda":
                torch.cuda.synchronize()
            rates[name].append(n / (time.perf_counter() - t0))
    ref, ours = statistics.median(rates["reference"]), statistics.median(rates["ours"])
    rows = []
    for wd in lenet_train.LADDER:
        try:
            m = artifacts.read_manifest(nets.checkpoint_dir(wd))
        except artifacts.ArtifactError:
            rows.append(f"| {wd:g} | not trained | | | |")
            continue
        p = m["params"]
        done = p.get("epochs_done", len(p["history"]))
        sec = m["created_by"]["seconds"]
        rows.append(
            f"| {wd:g} | {done}/{p['epochs']} | {sec / 60:.1f} | {sec / max(done, 1):.1f} | {p.get('device', 'cpu')} |"
        )
    text = (
        f"""## LeNet training (`benchmarks/lenet.py`)

Throughput of one training pass, {args.rounds} alternating rounds of {args.steps} batches of {batch} images,
{args.device}, torch {torch.__version__}, {args.threads} threads, {platform.machine()}
(median images/s; the machine may be shared, which slows both loops alike):

| loop | images/s | ratio to reference |
| --- | ---: | ---: |
| reference (plain `torch.optim.SGD` loop, contiguous tensors) | {ref:.0f} | 1.00 |
| ours (`models.lenet_train.train_epoch`, channels_last, error/loss bookkeeping) | {ours:.0f} | {ours / ref:.2f} |

Full training time of the shipped checkpoints (from their manifests; the wall-clock time includes the
per-epoch test evaluation and was measured on a CPU shared with other jobs — the ladder nets were also
paused while other benchmarks ran). At the throughput above, 50 epochs of 60 000 images take
{50 * 60000 / ours / 60:.1f} min of training alone on this machine:

| weight decay | epochs | minutes | s / epoch | device |
| ---: | ---: | ---: | ---: | --- |
"""
        + "\n".join(rows)
        + """

Rerun: `python benchmarks/lenet.py` (then `python benchmarks/collect.py`).
"""
    )
    out = ROOT / "benchmarks" / "results" / "lenet.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
