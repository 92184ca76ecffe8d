"""Versioned artifacts on disk: atomic writes, deterministic files, manifests with checksums, the one checker.

Every family of shipped artifacts lives in its own folder under precomputed/ with a
``manifest.json`` of one common schema, so ``python -m worker precompute --check`` can verify all
of them the same way::

    {
      "schema": "l2angle.<family>/<version>",      # e.g. "l2angle.sweeps/1"
      "family": "<family>",
      "params": {...},                              # what was computed (pairs, losses, grid, ...)
      "created_by": {"command": "...", "code_version": "<git sha or 'unknown'>", "seconds": 12.3},
      "files": {"<path relative to the folder>": {"sha256": "...", "bytes": 123}, ...}
    }

``check(root)`` verifies MNIST, every manifest folder and the presence of all 90 sweeps: it is the one checker
behind ``python -m worker precompute --check``, ``python -m serving --check`` and ``/health``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import tempfile
import zipfile
from pathlib import Path

import numpy as np

import settings
from models.mnist import MnistError

MANIFEST = "manifest.json"


class ArtifactError(RuntimeError):
    """An artifact is missing, corrupt or does not match its manifest."""


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old or the new content, never a half-written one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; artifacts are read by other users (the image's app user)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """A deterministic, compressed .npz (fixed zip timestamps, sorted names): same arrays, same bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, member.getvalue())
    return buf.getvalue()


def load_npz(path: Path) -> dict[str, np.ndarray]:
    """Load every array of an .npz (no pickles); raise ArtifactError on a corrupt file."""
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, KeyError) as exc:
        raise ArtifactError(f"{path}: unreadable ({exc})") from exc


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def code_version() -> str:
    """The git commit of the code that made an artifact ('+dirty' if uncommitted changes); 'unknown' outside a
    checkout (an installed package must not report the commit of whatever repository its venv sits in)."""
    if not settings.IN_CHECKOUT:
        return "unknown"
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=settings.ROOT, capture_output=True, text=True, timeout=5)
        if sha.returncode != 0:
            return "unknown"
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=settings.ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
        return sha.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def write_manifest(
    folder: Path,
    family: str,
    version: int,
    params: dict,
    files: list[str] | dict,
    command: str,
    seconds: float,
    extra: dict | None = None,
) -> dict:
    """Checksum the listed files (relative to folder) and write folder/manifest.json atomically."""
    folder = Path(folder)
    names = sorted(files)
    manifest = {
        "schema": f"l2angle.{family}/{version}",
        "family": family,
        "params": params,
        "created_by": {"command": command, "code_version": code_version(), "seconds": round(float(seconds), 2)},
        "files": {n: {"sha256": sha256_file(folder / n), "bytes": (folder / n).stat().st_size} for n in names},
    }
    if extra:
        manifest.update(extra)
    atomic_write_bytes(folder / MANIFEST, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())
    return manifest


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    try:
        return json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise ArtifactError(f"{path}: missing") from exc
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"{path}: unreadable ({exc})") from exc


def verify_folder(folder: Path) -> dict:
    """Check every file a manifest lists (exists, size, sha256); return the manifest or raise ArtifactError."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if not str(manifest.get("schema", "")).startswith("l2angle."):
        raise ArtifactError(f"{folder / MANIFEST}: unknown schema {manifest.get('schema')!r}")
    for name, meta in sorted(manifest.get("files", {}).items()):
        path = folder / name
        if not path.is_file():
            raise ArtifactError(f"{path}: missing")
        if path.stat().st_size != meta["bytes"] or sha256_file(path) != meta["sha256"]:
            raise ArtifactError(f"{path}: checksum does not match {folder / MANIFEST}")
    return manifest


def manifest_folders(root: Path | None = None) -> list[Path]:
    """Every folder under precomputed/ that holds a manifest.json, sorted."""
    root = Path(root or settings.get().precomputed)
    return sorted(p.parent for p in root.rglob(MANIFEST))


def verified_file(folder: Path, name: str) -> Path:
    """The path of one file listed in folder's manifest whose size and checksum match; ArtifactError otherwise."""
    folder = Path(folder)
    meta = read_manifest(folder).get("files", {}).get(name)
    path = folder / name
    if meta is None or not path.is_file():
        raise ArtifactError(f"{path}: missing (run: python -m worker precompute --all)")
    if path.stat().st_size != meta["bytes"] or sha256_file(path) != meta["sha256"]:
        raise ArtifactError(f"{path}: checksum does not match {folder / MANIFEST}")
    return path


def check(root: Path | None = None) -> tuple[list[str], list[str]]:
    """Verify MNIST, every manifest folder under ``root`` (default precomputed/) and that all 90 sweeps are listed.

    Returns (what verified, one line each; every problem, one line each)."""
    from store import mnist, sweeps

    root = Path(root or settings.get().precomputed)
    done, problems = [], []
    try:
        mnist.verify_mnist(root / "mnist")
        done.append(f"ok  {root / 'mnist'} (4 IDX files)")
    except (MnistError, KeyError, OSError) as exc:
        problems.append(f"mnist: {exc}")
    sweep_dir = root / "sweeps"
    if not (sweep_dir / MANIFEST).is_file():
        problems.append(f"{sweep_dir / MANIFEST}: missing (run: python -m worker precompute --all)")
    for folder in manifest_folders(root):
        try:
            manifest = verify_folder(folder)
        except ArtifactError as exc:
            problems.append(str(exc))
            continue
        except Exception as exc:  # noqa: BLE001 — a malformed manifest is a problem to report, not a crash
            problems.append(f"{folder}: {type(exc).__name__}: {exc}")
            continue
        done.append(f"ok  {folder} ({len(manifest.get('files', {}))} files, {manifest['schema']})")
    if (sweep_dir / MANIFEST).is_file():
        try:
            listed = read_manifest(sweep_dir).get("files", {})
        except ArtifactError:
            listed = {}
        never = [n for n in sweeps.all_sweep_names() if n not in listed]
        if never:  # not computed yet (a build step), unlike a listed file that went missing
            problems.append(
                f"{sweep_dir / never[0]}: missing (run: python -m worker precompute --all)"
                + (f"; {len(never) - 1} more sweep(s) not computed yet" if len(never) > 1 else "")
            )
    return done, problems


def check_all(root: Path | None = None) -> list[str]:
    """Every problem with the artifacts under ``root``, one line each; [] when all verify (see ``check``)."""
    return check(root)[1]
