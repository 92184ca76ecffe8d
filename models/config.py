"""shim: removed at integration — the old home of the paths and conventions, kept while components/ import it.

The conventions live in ``models.conventions``; paths and environment variables in the ``settings``
package.  This module re-exports both under their old names (values taken once, at import).
"""

from __future__ import annotations

import settings as _settings
from models.conventions import (  # noqa: F401
    DEFAULT_PAIR,
    LAMBDA_EXPONENTS,
    LAMBDAS,
    LOSSES,
    N_LAMBDA,
    PAIRS,
    TRAIN_PER_DIGIT,
    check_lambda,
    check_pair,
    parse_pair,
)

ROOT = _settings.ROOT
PRECOMPUTED = _settings.get().precomputed
MNIST_DIR = PRECOMPUTED / "mnist"
CACHE_DIR = _settings.get().cache_dir
