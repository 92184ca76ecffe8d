"""Training a LeNet into a checkpoint folder: resumable, written through store.lenet.

``train(recipe, out)`` continues from out/resume.pt when it is there (written atomically after every epoch),
then writes model.pt, the TorchScript export and the manifest and drops the resume state.  ``snapshot(out)``
ships the epochs trained so far as a checkpoint marked partial.  torch is imported only when these run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jobs import Steps
from store import lenet as nets
from store import mnist


def train(
    recipe,
    out: Path,
    device: str = "cpu",
    log: Callable[[str], None] = print,
    threads: int | None = 2,
    steps: Steps | None = None,
) -> dict:
    """Train one LeNet (``models.lenet_train.Recipe``) into folder ``out``; return its manifest.

    ``steps(f"{out.name} epochs", epoch, recipe.epochs)`` is called at the start (epoch 0) and after every epoch
    (with the epoch just saved, so a resumed training reports where it stands)."""
    from models import lenet_train

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stage = f"{out.name} epochs"

    def save_resume(data: bytes) -> None:
        nets.write_resume(out, data)
        if steps is not None:  # the epoch as saved (a few ms to read back, once per epoch)
            steps(stage, int(lenet_train.read_resume(data)["epoch"]), recipe.epochs)

    if steps is not None:
        steps(stage, 0, recipe.epochs)
    trained = lenet_train.train(
        recipe,
        mnist.arrays(),
        device=device,
        log=log,
        threads=threads,
        name=out.name,
        resume=nets.read_resume(out),
        save_resume=save_resume,
    )
    params = lenet_train.checkpoint_params(recipe, trained.history, trained.model, trained.final_train_error, device)
    manifest = nets.write_checkpoint(
        out, trained.model, params, lenet_train.checkpoint_command(recipe), trained.history.seconds
    )
    nets.drop_resume(out)
    return manifest


def snapshot(out: Path) -> dict:
    """Ship the epochs trained so far (from out/resume.pt) as a checkpoint marked partial; keep resume.pt.

    ``train`` with the same recipe later continues from resume.pt and replaces the partial checkpoint."""
    from models import lenet_train

    raw = nets.read_resume(out)
    if raw is None:
        raise FileNotFoundError(f"{Path(out) / nets.RESUME_FILE}: no training to snapshot")
    model, recipe, hist = lenet_train.from_resume(raw)
    params = lenet_train.checkpoint_params(recipe, hist, model, None, "cpu", partial=True)
    return nets.write_checkpoint(out, model, params, lenet_train.checkpoint_command(recipe), hist.seconds)
