"""The installers behind `make`: which torch build scripts/install_torch.py takes on each system, that the Makefile
passes the choice on, and how scripts/install_sysdeps.py gets the test's system packages on each system."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load_script(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_torch_installer_takes_the_cpu_build_by_default():
    t = _load_script("install_torch")
    assert t.pinned_version() == "2.13.0"
    cpu_index = ["install", "--no-deps", "--index-url", t.CPU_INDEX, "torch==2.13.0"]
    local = ["install", "--no-deps", "--no-index", "torch==2.13.0"]
    assert t.plan("2.13.0", "cpu", "linux") == [local, cpu_index]  # a wheel on disk first, then the CPU index
    assert t.plan("2.13.0", "cpu", "darwin") == [local, ["install", "--no-deps", "torch==2.13.0"]]  # PyPI: CPU there
    assert t.plan("2.13.0", "gpu", "linux") == [["install", "--no-deps", "torch==2.13.0"]]  # PyPI's CUDA build
    cu = t.plan("2.13.0", "gpu", "linux", "https://download.pytorch.org/whl/cu128")
    assert cu == [["install", "--no-deps", "--index-url", "https://download.pytorch.org/whl/cu128", "torch==2.13.0"]]
    assert t.plan("2.13.0", "cpu", "linux", have="cpu") == [] and t.plan("2.13.0", "gpu", "darwin", have="cpu") == []
    swap = t.plan("2.13.0", "cpu", "linux", have="gpu")
    assert swap[-1] == ["install", "--no-deps", "--force-reinstall", "--index-url", t.CPU_INDEX, "torch==2.13.0"]
    assert t.installed_kind("2.13.0") == "cpu" and t.installed_kind("9.9.9") is None  # this venv: the CPU wheel


def test_make_passes_the_torch_choice_and_finds_a_python():
    def dry(*args: str) -> str:
        r = subprocess.run(
            ["make", "-n", "-W", "pyproject.toml", "venv", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert r.returncode == 0, r.stderr
        return r.stdout

    out = dry("TORCH=cpu")
    assert "scripts/install_torch.py --torch cpu \n" in out or "scripts/install_torch.py --torch cpu\n" in out
    assert "-m pip install -q -c requirements.lock -e '.[test]'" in out and "echo cpu > .venv/.torch" in out
    out = dry("TORCH=gpu", "TORCH_INDEX=https://download.pytorch.org/whl/cu128")
    assert "install_torch.py --torch gpu --index-url https://download.pytorch.org/whl/cu128" in out
    assert 'test -n "python3' in dry("TORCH=cpu") and 'test -n ""' in dry("PYTHON=")


def test_system_package_installer_per_platform():
    s = _load_script("install_sysdeps")
    wanted = ["chromium", "redis-server", "fonts-dejavu-core"]
    cmds, left = s.plan(wanted, "linux", True, False, apt_ok=lambda n: True)  # Debian
    assert cmds[-1][-3:] == wanted and not left and not any("playwright" in c for c in cmds)
    cmds, left = s.plan(wanted, "linux", True, False, apt_ok=lambda n: n != "chromium")  # Ubuntu: a snap
    assert cmds[-1][-3:] == ["install", "--with-deps", "chromium"] and cmds[-2][-2:] == wanted[1:] and not left
    cmds, left = s.plan([*wanted, "nodejs"], "darwin", False, True)
    assert cmds == [["brew", "install", "redis", "node"], s.PLAYWRIGHT_CHROMIUM] and not left
    cmds, left = s.plan(wanted, "linux", False, False)  # no apt: the browser still comes, the rest is named
    assert cmds == [s.PLAYWRIGHT_CHROMIUM] and left == wanted[1:]
