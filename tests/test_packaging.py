"""The project as a package: declared dependencies, the lock, licences, portable imports, the installers' choices,
and (slow) a wheel installed into a fresh venv that serves the article and runs the CLI outside the checkout."""

from __future__ import annotations

import ast
import functools
import importlib.metadata as md
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import httpx
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import settings
from tests.conftest import free_port, wait_http

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
RUNTIME_PACKAGES = ["settings", "store", "jobs", "cli", "serving", "views", "components", "models"]
RUNTIME_FILES = ["app.py", "worker.py", "gunicorn.conf.py"] + [
    str(p.relative_to(ROOT)) for d in RUNTIME_PACKAGES for p in sorted((ROOT / d).rglob("*.py"))
]
OWN = {"app", "worker", "tests", "benchmarks", "scripts", *RUNTIME_PACKAGES}
# Imported only inside a function by runtime code, for a feature that needs an optional install: where it comes from.
OPTIONAL = {"celery": "scale", "redis": "scale", "sklearn": "test", "torchattacks": "nodeps", "foolbox": "attacks"}


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        name, sep, version = line.partition("==")
        assert sep and re.fullmatch(r"[0-9][0-9A-Za-z.]*", version), f"not an exact public pin: {line!r}"
        pins[canonicalize_name(name)] = version
    return pins


def _requirements(extra: str | None = None) -> list[Requirement]:
    raw = PROJECT["dependencies"] if extra is None else PROJECT["optional-dependencies"][extra]
    return [Requirement(r) for r in raw]


MAKE_EXTRAS = ("test", "scale")  # what `make` installs (the lock pins exactly that); other extras: ranges only


def _all_requirements() -> list[Requirement]:
    own = canonicalize_name(PROJECT["name"])
    reqs = _requirements() + [r for e in PROJECT["optional-dependencies"] for r in _requirements(e)]
    return [r for r in reqs if canonicalize_name(r.name) != own]


def test_pyproject_has_ranges_and_the_lock_pins_each_exactly():
    lock = _lock()
    exact_ok = {"ruff"}  # its formatting changes between releases: `make lint` needs the one in the lock
    installed_by_make = {canonicalize_name(r.name) for e in MAKE_EXTRAS for r in _requirements(e)}
    installed_by_make |= {canonicalize_name(r.name) for r in _requirements()}
    for req in _all_requirements():
        name = canonicalize_name(req.name)
        ops = {s.operator for s in req.specifier}
        assert ops and ("==" not in ops or name in exact_ok), f"{req}: give a range, not a pin"
        if name not in installed_by_make:
            continue
        assert name in lock, f"{req.name} is not pinned in requirements.lock"
        assert req.specifier.contains(Version(lock[name]), prereleases=True), f"lock {lock[name]} outside {req}"
    assert lock["torch"] == "2.13.0", "plain torch==X: the CPU build comes from the installer, not the pin"


def _closure(reqs: list[Requirement], extras_of_root: set[str]) -> dict[str, str]:
    """Every distribution these requirements pull in here (markers evaluated), with its installed version."""
    seen: dict[str, str] = {}
    todo = [(r, extras_of_root) for r in reqs]
    while todo:
        req, extras = todo.pop()
        if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in (extras or {""})):
            continue
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        seen[name] = md.version(req.name)
        for sub in md.requires(req.name) or []:
            todo.append((Requirement(sub), set(req.extras)))
    return seen


def test_the_lock_holds_everything_installed_and_nothing_else_pinned_differently():
    own = canonicalize_name(PROJECT["name"])
    reqs = [r for e in (None, *MAKE_EXTRAS) for r in _requirements(e) if r.name != PROJECT["name"]]
    installed = _closure(reqs, set())
    installed.pop(own, None)
    lock = _lock()
    missing = sorted(n for n in installed if n not in lock)
    assert not missing, f"installed but not pinned in requirements.lock: {missing}"
    wrong = {n: (lock[n], v) for n, v in installed.items() if Version(v).public != lock[n]}
    assert not wrong, f"lock vs installed: {wrong}"
    unused = sorted(set(lock) - set(installed))
    assert not unused, f"pinned but not needed by pyproject.toml: {unused}"


def _guarded(tree: ast.AST) -> set[str]:
    """Names imported inside ``try: … except ImportError`` (the code handles their absence)."""
    out = set()
    for node in ast.walk(tree):
        catches = [ast.unparse(h.type) for h in getattr(node, "handlers", []) if h.type is not None]
        if isinstance(node, ast.Try) and any("ImportError" in c or "ModuleNotFoundError" in c for c in catches):
            for sub in (n for stmt in node.body for n in ast.walk(stmt)):
                if isinstance(sub, ast.Import):
                    out |= {a.name.split(".")[0] for a in sub.names}
                elif isinstance(sub, ast.ImportFrom) and sub.level == 0 and sub.module:
                    out.add(sub.module.split(".")[0])
    return out


def _imports(path: Path) -> tuple[set[str], set[str], set[str]]:
    """(names imported at module level, names imported inside a function, names guarded by except ImportError)."""
    tree = ast.parse(path.read_text(), str(path))
    top, lazy = set(), set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for n in names:
            (top if node.col_offset == 0 else lazy).add(n.split(".")[0])
    return top, lazy - top, _guarded(tree)


@functools.cache
def _dist_of(module: str) -> str:
    dists = md.packages_distributions().get(module) or [module]
    return canonicalize_name(dists[0])


def test_dependencies_are_declared_where_they_are_used():
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    runtime = {canonicalize_name(r.name) for r in _requirements()}
    extras = {e: {canonicalize_name(r.name) for r in _requirements(e)} for e in PROJECT["optional-dependencies"]}
    lines = [ln.split("#")[0].strip() for ln in (ROOT / "requirements-nodeps.txt").read_text().splitlines()]
    nodeps = {canonicalize_name(ln.split("==")[0]) for ln in lines if ln}
    used: set[str] = set()
    for rel in RUNTIME_FILES:  # (a guarded import in the app still needs a home: an extra says how to get it)
        top, lazy, _ = _imports(ROOT / rel)
        for module in (top | lazy) - stdlib - OWN:
            dist = _dist_of(module)
            used.add(dist)
            if module in OPTIONAL and module in lazy:
                home = OPTIONAL[module]
                held = nodeps if home == "nodeps" else extras.get(home, set())
                assert dist in held, f"{rel} imports {module} for an optional feature: declare it in {home}"
            else:
                assert dist in runtime, f"{rel} imports {module} ({dist}), which is not in [project] dependencies"
    for rel in [p for d in ("tests", "benchmarks") for p in (ROOT / d).rglob("*.py")]:
        top, lazy, guarded = _imports(rel)  # (benchmarks compare against libraries they only use when installed)
        for module in (top | lazy) - stdlib - OWN - guarded:
            dist = _dist_of(module)
            assert dist in runtime | extras["test"] | extras["scale"] | nodeps, f"{rel.name} imports {module}"
    idle = sorted(runtime - used)
    assert not idle, f"declared runtime dependencies that no runtime module imports: {idle}"


def test_licences():
    assert PROJECT["license"] == "MIT AND CC-BY-SA-3.0" and "classifiers" in PROJECT
    for pattern in PROJECT["license-files"]:
        assert list(ROOT.glob(pattern)), pattern
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    mnist = (ROOT / "precomputed" / "mnist" / "LICENSE.md").read_text()
    for words in ["CC BY-SA 3.0", "creativecommons.org/licenses/by-sa/3.0", "Yann LeCun", "Corinna Cortes", "Burges"]:
        assert words in mnist, words


POSIX_ONLY = ["fcntl", "termios", "resource", "grp", "pwd"]


def test_no_posix_only_module_is_imported_at_import_time():
    """What Windows lacks is imported where it is used: every module of the app and the CLI imports without it."""
    code = f"""
import importlib, pkgutil, sys, warnings
warnings.simplefilter("ignore")
for m in {POSIX_ONLY!r}:
    sys.modules[m] = None
import app, worker
worker.build_parser()
for top in {RUNTIME_PACKAGES!r}:
    pkg = importlib.import_module(top)
    for info in pkgutil.walk_packages(pkg.__path__, top + "."):
        if not info.name.endswith(("__main__", "gunicorn_conf")):  # (gunicorn itself is POSIX-only)
            importlib.import_module(info.name)
print("imported")
"""
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip() == "imported", r.stderr[-2000:]


def test_scale_out_settings_need_the_scale_extra(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    for missing, env, name in [
        ("celery", {"L2_BROKER_URL": "redis://h:6379/0"}, "L2_BROKER_URL"),
        ("redis", {"L2_BROKER_URL": "redis://h:6379/0"}, "L2_BROKER_URL"),
        ("redis", {"L2_REDIS_URL": "redis://h:6379/1"}, "L2_REDIS_URL"),
    ]:
        monkeypatch.setattr(importlib.util, "find_spec", lambda m, *a, _x=missing: None if m == _x else real(m, *a))
        with pytest.raises(settings.SettingsError) as err:
            settings.from_env(env)
        assert str(err.value).startswith(name) and "pip install 'l2-angle[scale]'" in str(err.value), err.value
    monkeypatch.setattr(importlib.util, "find_spec", real)
    assert settings.from_env({"L2_BROKER_URL": "redis://h:6379/0"}).redis_url == "redis://h:6379/0"


def test_an_installed_package_caches_in_the_users_cache_folder(monkeypatch, tmp_path):
    assert settings.IN_CHECKOUT and settings.from_env({}).cache_dir == ROOT / ".cache"
    monkeypatch.setattr(settings, "IN_CHECKOUT", False)
    home = str(tmp_path)
    assert settings.from_env({"HOME": home}).cache_dir == tmp_path / ".cache" / "l2angle"
    assert settings.from_env({"HOME": home, "XDG_CACHE_HOME": "/x"}).cache_dir == Path("/x/l2angle")
    assert settings.from_env({"HOME": home, "L2_CACHE_DIR": "/y"}).cache_dir == Path("/y")
    assert settings.user_cache_dir({"HOME": home}, "darwin") == tmp_path / "Library" / "Caches" / "l2angle"
    assert settings.user_cache_dir({"LOCALAPPDATA": "C:/L"}, "win32") == Path("C:/L/l2angle/Cache")
    assert settings.from_env({"HOME": home}).precomputed == settings.ROOT / "precomputed"  # shipped in the wheel


def test_the_image_holds_every_package_of_the_wheel_and_the_scale_extra():
    dockerfile = (ROOT / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY (?:--chown=\S+ )?(\S+) /app/\1$", dockerfile, flags=re.M))
    wanted = set(RUNTIME_PACKAGES) | {"assets", "precomputed"}
    assert wanted <= copied, f"the Dockerfile does not copy {sorted(wanted - copied)}"
    assert "['optional-dependencies']['scale']" in dockerfile  # the compose scale-out runs this image


# ---- the wheel ------------------------------------------------------------------------------------------------


def _manifest_files() -> set[str]:
    files = {"precomputed/mnist/MANIFEST.json"}
    files |= {
        f"precomputed/mnist/{n}" for n in json.loads((ROOT / "precomputed/mnist/MANIFEST.json").read_text())["files"]
    }
    for m in (ROOT / "precomputed").rglob("manifest.json"):
        folder = m.parent.relative_to(ROOT).as_posix()
        files |= {f"{folder}/manifest.json"} | {f"{folder}/{n}" for n in json.loads(m.read_text())["files"]}
    return files


BUILD_LEFTOVERS = [".git", ".venv", "build", "*.egg-info", ".cache", "__pycache__", "node_modules", ".*_cache", "tmp"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel built from this checkout, installed --no-deps into a fresh venv that borrows this venv's
    dependencies (a .pth line: offline and fast), and a working folder outside the checkout."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"  # a copy without build/ leftovers (setuptools never removes a file from build/lib)
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*BUILD_LEFTOVERS))
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(tmp)]
    r = subprocess.run([*build, str(src)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    (wheel,) = tmp.glob("l2_angle-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True
        ).strip()
    )
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site / "_l2angle_test_deps.pth").write_text("\n".join(deps) + "\n")
    pip = [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", "-q", str(wheel)]
    r = subprocess.run(pip, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    home = tmp / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("L2_", "PYTHONPATH"))}
    env.update(HOME=str(home), PYTHONUNBUFFERED="1", L2_WARM_ANSWERS="0", PATH=f"{venv / 'bin'}:{env['PATH']}")
    return {"wheel": wheel, "venv": venv, "site": site, "home": home, "env": env}


@pytest.mark.slow
def test_the_wheel_holds_every_module_asset_and_artifact(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    expected = set(RUNTIME_FILES) - {"gunicorn.conf.py"}
    expected |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "assets").rglob("*") if p.is_file()}
    expected |= _manifest_files() | {"precomputed/mnist/LICENSE.md"}
    assert not expected - names, sorted(expected - names)[:20]
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", "scripts/")) or "__pycache__" in n]
    meta = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    scripts = zipfile.ZipFile(installed["wheel"]).read(meta).decode()
    assert {"l2angle = app:main", "l2angle-serve = serving.server:main", "l2angle-worker = cli:main"} <= set(
        scripts.splitlines()
    )
    # Nothing big beside what it must hold: the artifacts (compressed already, ~70 MB with 13 LeNets) and the code.
    must = sum((ROOT / n).stat().st_size for n in expected)
    assert installed["wheel"].stat().st_size < must + 4 * 2**20, (installed["wheel"].stat().st_size, must)


@pytest.mark.slow
def test_the_installed_cli_and_app_work_outside_the_checkout(installed):
    env, cwd, bindir = installed["env"], installed["home"], installed["venv"] / "bin"
    where = subprocess.run(
        [
            str(bindir / "python"),
            "-c",
            "import settings, app; print(settings.ROOT, settings.IN_CHECKOUT, app.__file__)",
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert where.returncode == 0, where.stderr[-2000:]
    root, in_checkout, app_file = where.stdout.split()
    assert root == str(installed["site"]) and in_checkout == "False" and app_file.startswith(root)
    check = subprocess.run(
        [str(bindir / "l2angle-worker"), "precompute", "--check"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "all artifacts verified" in check.stdout + check.stderr and str(installed["site"]) in check.stdout
    module = subprocess.run(
        [str(bindir / "python"), "-m", "worker", "--help"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert module.returncode == 0 and "precompute" in module.stdout, module.stderr  # python -m worker still works
    port = free_port()
    app = subprocess.Popen(
        [str(bindir / "l2angle")],
        cwd=cwd,
        env={**env, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/health", timeout=180)
        page = httpx.get(url, timeout=60)
        assert page.status_code == 200 and "/assets/page.js" in page.text
        assert httpx.get(f"{url}/assets/page.js", timeout=30).status_code == 200
        answer = httpx.get(f"{url}/svm-data/7-9/hinge", timeout=120)  # sweeps + MNIST from the package
        assert answer.status_code == 200 and json.loads(answer.content)["frames"], answer.text[:300]
        assert list((installed["home"] / ".cache" / "l2angle").rglob("7-9-hinge.json.gz"))  # the user's cache
    finally:
        app.terminate()
        app.wait(timeout=20)
