"""A (pair, loss) answer of the MNIST views as a file: built once (by any process), served to every browser.

The answer is the sweep's frame set and the typical images' mirror layer (views.svm_sets) as gzipped JSON
``{"frames": set, "mirror": layer, "note": text}``, built once (store.cache) into L2_CACHE_DIR/svm/<key>/; ``key``
(``answer_key``) is the digest of the code that builds it and of the sweeps manifest, so a recomputed sweep or new
code gets a new URL.  serving maps ``Answer.kind`` to the status (ok 200, bad-choice 400, unavailable 503) and the
cache headers; ``warm`` builds every missing file ahead (``python -m worker warm-answers``, the servers' warmer).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import settings
from store import cache
from store.cache import source_digest
from views import svm_mirror, svm_sets
from views.mnist_params import LOSSES, PAIRS, parse_choice
from views.sweep_grid import describe_error, sweep_grid

log = logging.getLogger(__name__)

_VIEWS = Path(__file__).parent
# What an answer is made from (hashed at import: a file edited while serving cannot change the key).
_CODE_KEY = source_digest(
    *(_VIEWS / f"{name}.py" for name in ("answers", "svm_sets", "svm_loss", "svm_plane", "svm_mirror", "plane",
                                         "pictures", "formats", "frames", "style", "pair_models", "sweep_grid")),
    _VIEWS.parent / "models" / "geometry.py",
)  # fmt: skip
_manifest_seen: tuple = (None, "")


@dataclass(frozen=True)
class Answer:
    """What the server sends for a (pair, loss): ``kind`` ok | bad-choice | unavailable, and the gzipped JSON."""

    kind: str
    gz: bytes


def answer_key() -> str:
    """The version of every answer: the code's digest and the sweeps manifest's."""
    global _manifest_seen
    manifest = settings.get().precomputed / "sweeps" / "manifest.json"
    try:
        st = manifest.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        return _CODE_KEY + "-nomanifest"
    if _manifest_seen[0] != stamp:
        _manifest_seen = (stamp, hashlib.sha256(manifest.read_bytes()).hexdigest()[:12])
    return f"{_CODE_KEY}-{_manifest_seen[1]}"


def answer_path(a: int, b: int, loss: str, key: str | None = None) -> Path:
    """Where the answer file of (a, b, loss) is cached."""
    return settings.get().cache_dir / "svm" / (key or answer_key()) / f"{a}-{b}-{loss}.json.gz"


@lru_cache(maxsize=6)
def sweep_frames(a: int, b: int, loss: str) -> dict:
    """The sweep's frame set of the three views, built once per process."""
    return svm_sets.sweep_set(sweep_grid(a, b, loss))


@lru_cache(maxsize=6)
def typical_mirrors(a: int, b: int, loss: str) -> dict:
    """The mirror layer of the typical training images (no choice made), built once per (pair, loss)."""
    grid = sweep_grid(a, b, loss)
    x, _, _ = svm_mirror.pick_image(grid.pair, -1.0, "train", None)
    y, _, _ = svm_mirror.pick_image(grid.pair, 1.0, "train", None)
    return svm_sets.mirror_layer(grid.rows, grid.plane, x, y, over=svm_sets.sweep_key(a, b, loss))


def pair_answer(a: int, b: int, loss: str) -> dict:
    """What the browser needs after a pair/loss change: every frame, and the typical images' mirror layer."""
    return {"frames": sweep_frames(a, b, loss), "mirror": typical_mirrors(a, b, loss), "note": ""}


def _encode(obj: dict) -> bytes:
    return gzip.compress(json.dumps(obj, separators=(",", ":")).encode(), compresslevel=6, mtime=0)


def cached_answer_gz(a: int, b: int, loss: str) -> bytes:
    """The gzipped answer of a shipped (pair, loss): memory, else the cache file, else built and written, once
    across processes (store.cache.build_once; an answer costs ~0.2–0.5 s of CPU).  Raises when the sweep is
    unavailable (nothing is cached then)."""
    return cache.build_once(answer_path(a, b, loss), lambda: _encode(pair_answer(a, b, loss)))


def message_answer(text: str) -> dict:
    """An answer whose frames make the three views say ``text``."""
    return {"frames": svm_sets.message(text), "mirror": None, "note": ""}


def answer(pair: str, loss: str) -> Answer:
    """The answer for the URL's pair and loss; never raises.  A bad choice or a missing sweep answers with frames
    that make the three views say what went wrong (and is not cached)."""
    try:
        a, b, loss = parse_choice(pair, loss)
    except (ValueError, TypeError) as exc:
        return Answer("bad-choice", _encode(message_answer(f"Invalid choice: {exc}")))
    try:
        return Answer("ok", cached_answer_gz(a, b, loss))
    except Exception as exc:  # noqa: BLE001 — any artifact problem becomes a message, not a traceback
        log.warning("sweep %s-%s %s unavailable: %s", a, b, loss, exc)
        return Answer("unavailable", _encode(message_answer(describe_error(exc, a, b, loss))))


def layers_for(pair, loss, xset=None, xi=None, yset=None, yi=None) -> tuple[dict, dict | None, str]:
    """(sweep set, mirror layer of the chosen images, note) for the controls' values; never raises (a bad choice or
    a missing sweep gives a message set).  The server callbacks of the section use it."""
    try:
        a, b, loss = parse_choice(pair, loss)
    except (ValueError, TypeError) as exc:
        return svm_sets.message(f"Invalid choice: {exc}"), None, ""
    try:
        frames = sweep_frames(a, b, loss)
    except Exception as exc:  # noqa: BLE001 — any artifact problem becomes a message, not a traceback
        log.warning("sweep %s-%s %s unavailable: %s", a, b, loss, exc)
        return svm_sets.message(describe_error(exc, a, b, loss)), None, ""
    try:
        if xi in (None, "") and yi in (None, "") and xset in (None, "train") and yset in (None, "train"):
            return frames, typical_mirrors(a, b, loss), ""
        grid = sweep_grid(a, b, loss)
        x, y, note = svm_sets.chosen_images(grid, xset, xi, yset, yi)
        return frames, svm_sets.mirror_layer(grid.rows, grid.plane, x, y, over=frames["key"]), note
    except Exception as exc:  # noqa: BLE001
        log.warning("mirror frames failed: %s", exc)
        return frames, None, "Mirror images are unavailable for this choice."


def warm(pairs: Iterable[tuple[int, int]] | None = None, report=None, losses: Iterable[str] = LOSSES) -> dict:
    """Build every missing answer file; returns counts {built, present, failed}.  Only this process's memory is
    used; the files are what matter."""
    counts = {"built": 0, "present": 0, "failed": 0}
    key = answer_key()
    for a, b in pairs or PAIRS:
        for loss in losses:
            if answer_path(a, b, loss, key).exists():
                counts["present"] += 1
                continue
            try:
                cached_answer_gz(a, b, loss)
                counts["built"] += 1
            except Exception as exc:  # noqa: BLE001 — a missing sweep is reported, the others still get built
                counts["failed"] += 1
                if report:
                    report(f"{a}-{b} {loss}: {exc}")
            # One (pair, loss) at a time: drop the per-process sweeps so memory stays flat over 90 answers.
            forget_sweeps()
    return counts


def forget_sweeps() -> None:
    """Forget the sweeps and frame sets this process holds (the answers' bytes stay in store.cache's memory)."""
    for fn in (sweep_frames, typical_mirrors, sweep_grid):
        fn.cache_clear()


def clear_memory() -> None:
    """Forget every answer and sweep this process holds in memory (the files stay; for tests)."""
    forget_sweeps()
    cache.forget()
