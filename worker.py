"""The worker: computes anything missing into versioned artifacts, and runs on-demand jobs.

    python -m worker precompute --all | --pairs 7-9 --loss hinge | --check
    python -m worker export-sweep --pair 7 9 --loss hinge --out F.npz
    python -m worker fit --pair 7 9 --loss hinge --lam 3.2e-3
    python -m worker train-lenet --weight-decay 0.1 [--epochs 50] [--device cpu|cuda]
    python -m worker lenet-report
    python -m worker serve-jobs            # a job worker for the scale-out engine

Each family of commands lives in a module of jobs/ that exposes ``register(subparsers)``; a
command's function returns an exit code.  Bad arguments exit non-zero with one clear line.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = ("jobs.linear_cli", "jobs.lenet_cli", "jobs.queue_cli", "jobs.web_cli")

if __name__ == "__main__":
    # Under `python -m worker` this module is __main__; command modules that `import worker` must get
    # this same module (one CliError class), not a second copy.
    sys.modules.setdefault("worker", sys.modules[__name__])


class CliError(Exception):
    """A user error: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line instead of usage + message
        print(f"error: {message} (see python -m worker {self.prog.split()[-1]} --help)", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m worker", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
