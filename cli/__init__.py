"""The command line of the worker: ``python -m worker COMMAND …`` (worker.py only calls ``main``).

Each family of commands lives in a module of this package that exposes ``register(subparsers)``; a
command's function returns an exit code.  A user error — bad arguments, a bad setting, a missing or corrupt
artifact, work that could not be done — is printed as one line starting with ``error:`` and exits with
status 2, never with a traceback.
"""

from __future__ import annotations

import argparse
import sys

PROG = "python -m worker"
DESCRIPTION = "The worker: computes anything missing into versioned artifacts, and runs on-demand jobs."


class CliError(Exception):
    """A user error: printed as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse with one clear line (and the command's --help) instead of usage + message."""

    def error(self, message: str):
        command = self.prog[len(PROG) :].strip()
        hint = f"{PROG} {command} --help" if command else f"{PROG} --help"
        print(f"error: {message} (see {hint})", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    from cli import answers, jobs, lenet, linear

    parser = Parser(prog=PROG, description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for module in (linear, lenet, jobs, answers):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse, run one command, return its exit code (2 for a user error, 130 when interrupted)."""
    import settings
    from jobs import WorkError
    from settings import logs
    from store.artifacts import ArtifactError

    try:
        logs.configure()
        args = build_parser().parse_args(argv)
        return int(args.func(args) or 0)
    except (CliError, settings.SettingsError, ArtifactError, WorkError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def number(kind: type, lo: float, hi: float):
    """An argparse type: an int in lo..hi, or a finite float in [lo, hi]; anything else is one clear line."""
    import math

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {'an integer' if kind is int else 'a number'}: {text!r}") from None
        if kind is int and not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"must be {lo}..{hi}, got {value}")
        if kind is float and not (math.isfinite(value) and lo <= value <= hi):
            raise argparse.ArgumentTypeError(f"must be a finite number in [{lo:g}, {hi:g}], got {text!r}")
        return value

    return parse
