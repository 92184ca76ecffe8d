"""The worker's long commands report their progress: a bar on a terminal, one plain line per item in a pipe,
only errors and the final line with --quiet; and every option of every command says what it does."""

from __future__ import annotations

import argparse
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import cli
import settings
from cli.progress import Progress
from tests.test_worker_cli import worker as run_worker

ROOT = Path(__file__).resolve().parents[1]
LONG_COMMANDS = ("precompute", "train-lenet", "lenet-analyze", "warm-answers")
ITEM = re.compile(r"^\[(\d+)/(\d+)\] (\d)-(\d) (hinge|logistic): (built|already there) \(\d+\.\d s\)$")


def commands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_every_option_of_every_command_has_help():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    described = {a.dest: a.help for a in sub._choices_actions}
    missing = [f"{name} (the command)" for name in sub.choices if not described.get(name)]
    for name, p in sub.choices.items():
        for action in p._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert not missing, f"options without help text: {missing}"


@pytest.mark.parametrize("name", LONG_COMMANDS)
def test_long_commands_have_quiet(name):
    options = {s for a in commands()[name]._actions for s in a.option_strings}
    assert "--quiet" in options


def test_warm_answers_in_a_pipe_prints_one_plain_line_per_item(tmp_path):
    env = {"L2_CACHE_DIR": str(tmp_path)}
    r = run_worker("warm-answers", "--pairs", "2-3", "7-9", "--losses", "hinge", env=env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "\x1b" not in r.stdout + r.stderr and "\r" not in r.stdout + r.stderr  # no bar, no colour
    items = [ITEM.match(line) for line in lines[:-1]]
    assert all(items) and len(items) == 2, lines
    assert [m.group(1, 2, 3, 4, 6) for m in items] == [("1", "2", "2", "3", "built"), ("2", "2", "7", "9", "built")]
    assert "2 built, 0 already there, 0 failed" in lines[-1]
    # quiet: nothing but failures (there are none); the next run finds both files there
    quiet = run_worker("warm-answers", "--pairs", "2-3", "7-9", "--losses", "hinge", "--quiet", env=env)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == "", quiet
    again = run_worker("warm-answers", "--pairs", "2-3", "--losses", "hinge", env=env)
    assert ITEM.match(again.stdout.splitlines()[0]).group(6) == "already there"


def _run_in_terminal(args: list[str], env: dict, timeout: float = 120) -> str:
    """Run the worker with stdout and stderr on a pseudo-terminal; everything it drew."""
    main, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "worker", *args],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=child,
        env={**os.environ, "TERM": "xterm", "COLUMNS": "120", **env},
    )
    os.close(child)
    out, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    os.close(main)
    assert proc.wait(timeout=10) == 0, out.decode(errors="replace")
    return out.decode(errors="replace")


def test_warm_answers_on_a_terminal_draws_a_bar(tmp_path):
    drawn = _run_in_terminal(
        ["warm-answers", "--pairs", "2-3", "--losses", "hinge", "logistic"], {"L2_CACHE_DIR": str(tmp_path)}
    )
    assert "━" in drawn and "2/2" in drawn, drawn  # rich's bar, complete
    assert "answers" in drawn and "2 built, 0 already there, 0 failed" in drawn


def test_progress_modes(capsys):
    with Progress(bar=False) as p:
        p.stage("sweeps", 2)
        p.item("[1/2] first")
        p.steps("epochs", 1, 5)  # a position only: no line
        p.note("a note")
    assert capsys.readouterr().out == "[1/2] first\na note\n"
    with Progress(quiet=True) as p:
        p.stage("sweeps", 2)
        p.item("[1/2] first")
        p.note("a note")
    assert capsys.readouterr() == ("", "")


def test_bar_starts_a_resumed_stage_where_it_stands():
    with Progress(bar=True) as p:
        p.steps("wd-1e-01 epochs", 0, 50)
        p.steps("wd-1e-01 epochs", 31, 50)  # resumed after epoch 30: the first move of this run
        p.steps("wd-1e-01 epochs", 32, 50)
        p.stage("answers", 3)
        p.advance()
        tasks = {t.description: t for t in p._bar.tasks}
    assert (tasks["wd-1e-01 epochs"].completed, tasks["wd-1e-01 epochs"].total) == (32, 50)
    assert tasks["answers"].completed == 1


@pytest.mark.slow
def test_precompute_in_a_pipe_prints_one_line_per_sweep(tmp_path):
    r = run_worker("precompute", "--pairs", "2-3", "--loss", "hinge", "--dir", str(tmp_path), "--jobs", "1")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 2 and "\x1b" not in r.stdout, lines
    assert re.match(r"^\[1/1\] 2-3 hinge: \d+\.\d s, min test error \d+\.\d\d % at λ=", lines[0]), lines[0]
    assert lines[1].startswith("sweeps: 1 files in ") and lines[1].endswith(f"-> {tmp_path}")
    assert (tmp_path / "sweep-23-hinge.npz").exists()


def _lenet_copy(tmp_path: Path) -> Path:
    root = tmp_path / "precomputed"
    root.mkdir()
    (root / "mnist").symlink_to(settings.get().precomputed / "mnist")
    shutil.copytree(settings.get().precomputed / "lenet", root / "lenet")
    return root


def test_lenet_analyze_counts_the_nets_and_quiet_prints_only_the_json(tmp_path):
    pytest.importorskip("torch")
    from jobs import lenet_analysis
    from store import lenet as nets

    root = _lenet_copy(tmp_path)
    shipped = nets.nets(root / "lenet")  # every shipped net: the ladder, the seeds, the adversarial nets
    seen = []
    lenet_analysis.analyze_all(root=root / "lenet", steps=lambda *a: seen.append(a))
    n = len(shipped)
    assert seen == [("LeNet analyses", k, n) for k in range(n + 1)]
    r = run_worker("lenet-analyze", "--quiet", env={"L2_PRECOMPUTED": str(root)})
    assert r.returncode == 0, r.stderr
    (line,) = r.stdout.splitlines()
    assert len(json.loads(line)["nets"]) == n


def test_training_reports_each_epoch_and_where_a_resumed_run_stands(tmp_path):
    pytest.importorskip("torch")
    from jobs import lenet_training
    from models import lenet_train

    recipe = lenet_train.Recipe(weight_decay=1e-3, epochs=2, n_train=300, seed=1)
    seen = []
    lenet_training.train(recipe, tmp_path / "a", threads=1, log=lambda s: None, steps=lambda *a: seen.append(a))
    assert seen == [("a epochs", 0, 2), ("a epochs", 1, 2), ("a epochs", 2, 2)]

    def stop_after_first_epoch(stage, done, total):
        if done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        lenet_training.train(recipe, tmp_path / "b", threads=1, log=lambda s: None, steps=stop_after_first_epoch)
    seen.clear()
    lenet_training.train(recipe, tmp_path / "b", threads=1, log=lambda s: None, steps=lambda *a: seen.append(a))
    assert seen == [("b epochs", 0, 2), ("b epochs", 2, 2)]
