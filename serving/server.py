"""``l2angle-serve``: the production server (gunicorn, settings from the environment) of the installed package.

    l2angle-serve                      # what `make serve` and the image run: gunicorn on app:server
    l2angle-serve --check-config       # any gunicorn option may follow; the bind, workers, logging... come from
                                       # the L2_* settings (README, "Configuration")

gunicorn needs a POSIX system (Linux, macOS); on Windows ``l2angle`` serves the article with Flask's server.
"""

from __future__ import annotations

import sys

CONFIG = "python:serving.gunicorn_conf"


def argv(extra: list[str]) -> list[str]:
    """gunicorn's command line: the package's config module, the caller's options, then the app."""
    return ["l2angle-serve", "-c", CONFIG, *extra, "app:server"]


def main(extra: list[str] | None = None) -> int:
    import settings

    if sys.platform == "win32":
        print("error: l2angle-serve runs gunicorn, which needs Linux or macOS; on Windows use l2angle", file=sys.stderr)
        return 2
    settings.exit_on_error(settings.get)
    try:
        from gunicorn.app.wsgiapp import run
    except ImportError:
        print("error: gunicorn is not installed (pip install gunicorn, or use l2angle)", file=sys.stderr)
        return 2
    sys.argv = argv(sys.argv[1:] if extra is None else extra)
    run()
    return 0
