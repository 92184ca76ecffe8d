"""Install the torch release that requirements.lock pins, CPU-only unless asked otherwise (``make venv``).

    python scripts/install_torch.py [--torch cpu|gpu] [--index-url URL] [--dry-run] [--platform P]

PyPI's torch wheels for Linux are CUDA builds that pull several GB of NVIDIA libraries; the CPU build of the
same release lives on PyTorch's own index.  So, for the pinned ``torch==X`` (the first step that works wins):

1. torch X of the wanted kind is already installed: nothing to do.
2. ``--torch cpu``: a wheel of torch X that pip finds without any index (pip's ``find-links``, e.g. a wheelhouse
   named in pip.conf or PIP_FIND_LINKS): that one, offline.
3. ``--torch cpu``: on Linux, PyTorch's CPU index (https://download.pytorch.org/whl/cpu); on macOS and Windows,
   PyPI, whose wheels there are CPU builds (macOS: with Apple's MPS).
   ``--torch gpu``: PyPI's default build (CUDA on Linux x86_64), or the index given with ``--index-url``
   (e.g. https://download.pytorch.org/whl/cu128 for another CUDA version).

torch is installed alone (``--no-deps``); its dependencies come with the project's own install step, which keeps
this torch because it satisfies ``torch==X`` (a local version such as ``+cpu`` matches a plain pin).  The script
uses only the standard library: it runs with the venv's Python before anything else is installed.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

CPU_INDEX = "https://download.pytorch.org/whl/cpu"
ROOT = Path(__file__).resolve().parents[1]


def pinned_version(lock: Path = ROOT / "requirements.lock") -> str:
    """The X of the lock's ``torch==X`` line."""
    for line in lock.read_text().splitlines():
        m = re.fullmatch(r"torch==([0-9][^\s;#+]*)\s*", line)
        if m:
            return m.group(1)
    raise SystemExit(f"error: {lock.name} pins no torch==X")


def installed_kind(version: str) -> str | None:
    """'cpu' or 'gpu' when torch ``version`` (public part) is installed here, else None."""
    try:
        have = metadata.version("torch")
        requires = metadata.requires("torch") or []
    except metadata.PackageNotFoundError:
        return None
    public, _, local = have.partition("+")
    if public != version:
        return None
    cuda = local.startswith(("cu", "rocm")) or any(r.lower().startswith(("nvidia-", "cuda-")) for r in requires)
    return "gpu" if cuda else "cpu"


def plan(version: str, kind: str, platform: str, index_url: str = "", have: str | None = None) -> list[list[str]]:
    """The pip argument lists to try in order (the first that succeeds wins); [] when nothing is needed."""
    if have == kind or (have == "cpu" and kind == "gpu" and platform != "linux"):
        return []  # (off Linux, PyPI's build is the only one: the CPU/MPS build)
    spec = f"torch=={version}"
    base = ["install", "--no-deps"] + (["--force-reinstall"] if have else [])
    attempts = []
    if kind == "cpu" and not index_url:
        attempts.append([*base, "--no-index", spec])  # a local wheel (find-links), offline
        if platform == "linux":
            index_url = CPU_INDEX
    return attempts + [[*base, *(["--index-url", index_url] if index_url else []), spec]]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--torch", choices=["cpu", "gpu"], default="cpu", help="which build (default: cpu)")
    p.add_argument("--index-url", default="", help="take torch from this index (overrides the choice above)")
    p.add_argument("--platform", default=sys.platform, help="linux, darwin or win32 (default: this machine's)")
    p.add_argument("--dry-run", action="store_true", help="print the pip commands, run nothing")
    args = p.parse_args(argv)
    version = pinned_version()
    have = None if args.dry_run else installed_kind(version)
    attempts = plan(version, args.torch, args.platform, args.index_url, have)
    if not attempts:
        print(f"torch {version} ({args.torch}) is installed")
        return 0
    for k, pip_args in enumerate(attempts):
        cmd = [sys.executable, "-m", "pip", *pip_args, "-q"]
        if args.dry_run:
            print("pip", " ".join(pip_args))
            continue
        last = k == len(attempts) - 1
        print("installing torch:", " ".join(pip_args), flush=True)
        r = subprocess.run(
            cmd, stdout=None if last else subprocess.DEVNULL, stderr=None if last else subprocess.DEVNULL
        )
        if r.returncode == 0:
            return 0
        if not last:
            print("  (no local wheel of torch; trying the index)", flush=True)
    if args.dry_run:
        return 0
    print(f"error: could not install torch=={version}; see README, 'Install' (TORCH=, TORCH_INDEX=)", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
