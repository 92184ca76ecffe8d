"""The worker: computes anything missing into versioned artifacts, and runs on-demand jobs.

    python -m worker precompute --all | --pairs 7-9 --loss hinge | --check
    python -m worker export-sweep --pair 7 9 --loss hinge --out F.npz
    python -m worker fit --pair 7 9 --loss hinge --lam 3.2e-3
    python -m worker train-lenet --weight-decay 0.1 [--epochs 50] [--device cpu|cuda]
    python -m worker lenet-report
    python -m worker serve-jobs            # a job worker for the scale-out engine

The commands live in the cli package (``cli.main``); this file is the entry point only.
"""

from __future__ import annotations

import sys

from cli import CliError, build_parser, main  # noqa: F401  (the entry point's names)

if __name__ == "__main__":
    sys.exit(main())
