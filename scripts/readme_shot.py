"""The README's picture of the article (``make readme-shot``): the top of the page, small enough to commit.

    python scripts/readme_shot.py [--url URL] [--out docs/article.png] [--width 960] [--height 900]

Starts the app (or uses ``--url``), waits until every figure in view has drawn, and writes one PNG of the
viewport, using the machinery of ``tests/screenshots.py`` (the app start, Chromium's arguments).  Refuses to
write a file over ``--max-kb`` (150 KB by default): a smaller window keeps the repository light.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM_ARGS, app_url  # noqa: E402
from tests.screenshots import wait_painted  # noqa: E402


def shoot(url: str, out: Path, width: int, height: int) -> int:
    """Write the viewport's PNG at ``out``; return its size in bytes."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
        page.goto(url, timeout=120_000)
        wait_painted(page)
        time.sleep(1.5)  # the math font and the last clientside callbacks
        png = page.screenshot(full_page=False, animations="disabled", caret="hide")
        browser.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(png)
    return len(png)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", help="use a running app instead of starting one")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "article.png")
    p.add_argument("--width", type=int, default=960)
    p.add_argument("--height", type=int, default=900)
    p.add_argument("--max-kb", type=int, default=150)
    args = p.parse_args(argv)
    with app_url(args.url) as url:
        size = shoot(url, args.out, args.width, args.height)
    print(f"{args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}: {size / 1024:.0f} KB")
    if size > args.max_kb * 1024:
        args.out.unlink()
        print(f"error: over {args.max_kb} KB; try a smaller --width/--height", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
