"""``python -m serving --check``: print artifact problems; exit 1 if there are any (2 for a bad setting)."""

from __future__ import annotations

import sys

import settings


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["--check"]:
        print("usage: python -m serving --check", file=sys.stderr)
        return 2
    from serving.health import check_artifacts
    from settings import logs

    settings.exit_on_error(logs.configure)
    problems = check_artifacts()
    for p in problems[:20]:
        print(f"artifact problem: {p}", file=sys.stderr)
    print("artifacts ok" if not problems else f"{len(problems)} artifact problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
