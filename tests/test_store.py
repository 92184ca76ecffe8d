"""store/: build-once caches across processes, nets found by their manifests, the one artifact checker."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import settings
from store import artifacts, cache
from store import lenet as nets

ROOT = Path(__file__).resolve().parents[1]

_BUILDER = """
import sys, time
from pathlib import Path
from store import cache

start = float(sys.argv[3])
while time.time() < start:
    time.sleep(0.001)

def build():
    with open(sys.argv[2], "a") as f:
        f.write("built\\n")
    time.sleep(0.5)
    return b"the answer"

sys.stdout.write(cache.build_once(Path(sys.argv[1]), build).decode())
"""


def test_build_once_builds_once_across_processes(tmp_path):
    target, log = tmp_path / "c" / "answer.bin", tmp_path / "builds.txt"
    start = str(time.time() + 1.5)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _BUILDER, str(target), str(log), start], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=60)[0] for p in procs]
    assert outs == ["the answer"] * 3
    assert log.read_text().splitlines() == ["built"]  # the others waited on the lock, then read the file
    assert target.read_bytes() == b"the answer" and not target.with_suffix(".lock").exists()


def test_build_once_memory_file_and_unwritable_cache(tmp_path):
    calls = []

    def build() -> bytes:
        calls.append(1)
        return b"x" * 10

    path = tmp_path / "a.bin"
    assert cache.build_once(path, build) == b"x" * 10 and cache.build_once(path, build) == b"x" * 10
    cache.forget()
    assert cache.build_once(path, build) == b"x" * 10 and len(calls) == 1  # from the file
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert cache.build_once(blocker / "b.bin", build) == b"x" * 10 and len(calls) == 2  # no cache: only slower
    path.write_bytes(b"corrupt")
    cache.forget()
    assert cache.build_once(path, build, valid=lambda data: data.startswith(b"x")) == b"x" * 10 and len(calls) == 3
    assert path.read_bytes() == b"x" * 10  # the corrupt file was replaced


def test_json_cached_survives_a_corrupt_file(tmp_path, monkeypatch):
    monkeypatch.setenv("L2_CACHE_DIR", str(tmp_path))
    settings.reload()
    cache.forget()
    calls = []

    def build() -> dict:
        calls.append(1)
        return {"values": [1, 2]}

    assert cache.json_cached("t", "k", build) == {"values": [1, 2]}
    (path,) = list((tmp_path / "frames").iterdir())
    path.write_text("{ not json")
    cache.forget()
    assert cache.json_cached("t", "k", build) == {"values": [1, 2]} and len(calls) == 2
    cache.forget()
    assert cache.json_cached("t", "k", build) == {"values": [1, 2]} and len(calls) == 2  # read from the file
    assert json.loads(path.read_text()) == {"values": [1, 2]}
    cache.forget()


def test_source_digest_follows_the_files(tmp_path):
    a = tmp_path / "a.py"
    a.write_text("x = 1\n")
    first = cache.source_digest(a)
    a.write_text("x = 2\n")
    assert len(first) == 16 and cache.source_digest(a) != first


def test_nets_are_found_by_their_manifests(tmp_path):
    root = tmp_path / "lenet"
    shipped = nets.checkpoint_dir(1e-4)
    shutil.copytree(shipped, root / "wd-1e-04-s1")  # a later net: another seed, in a folder of its own
    shutil.copytree(nets.analysis_dir(), root / "analysis")  # not a net (family lenet-analysis)
    (root / "empty").mkdir()
    found = nets.nets(root)
    assert [n.name for n in found] == ["wd-1e-04-s1"]
    assert found[0].weight_decay == 1e-4 and found[0].complete and found[0].adv_eps == 0.0
    model, manifest = nets.load_net("wd-1e-04-s1", root)
    assert manifest["family"] == "lenet" and sum(p.numel() for p in model.parameters()) == 431_080
    assert nets.ladder(root, (1e-4, 1e-1)) == []  # the ladder's plain nets live in wd-<decay>
    shipped_names = {n.name for n in nets.nets()}
    assert {"wd-1e-04", "wd-1e-01"} <= shipped_names and "analysis" not in shipped_names


def test_analysis_is_read_only_through_its_manifest(tmp_path):
    summary, arrays = nets.analysis()
    assert set(arrays) == set(summary["nets"]) and "wd-1e-04" in arrays
    root = tmp_path / "lenet"
    shutil.copytree(nets.analysis_dir(), root / "analysis")
    (root / "analysis" / "wd-1e-01.npz").write_bytes(b"garbage")
    with pytest.raises(artifacts.ArtifactError, match="lenet-analyze"):
        nets.analysis(root)


def test_the_one_checker_names_what_is_wrong(tmp_path):
    root = tmp_path / "precomputed"
    root.mkdir()
    (root / "mnist").symlink_to(settings.get().precomputed / "mnist")
    done, problems = artifacts.check(root)
    assert done == [f"ok  {root / 'mnist'} (4 IDX files)"]
    assert problems == [f"{root / 'sweeps' / 'manifest.json'}: missing (run: python -m worker precompute --all)"]
    assert artifacts.check_all(root) == problems
    assert artifacts.check_all() == []  # the shipped artifacts verify


def test_posix_only_modules_are_not_imported_by_the_backend():
    """Locks go through filelock (portable); no module of the backend imports fcntl itself."""
    src = "\n".join(
        p.read_text() for d in ("cli", "jobs", "store", "settings", "serving") for p in (ROOT / d).glob("*.py")
    )
    assert "import fcntl" not in src and "from fcntl" not in src
