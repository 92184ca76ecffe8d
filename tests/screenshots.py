"""Screenshots of every figure and of the whole page, for looking at: ``python -m tests.screenshots``.

Starts the app (or uses ``--url``), opens it in Debian's Chromium, and writes into screenshots/:
``<fig-id>.png`` for every figure on the page (element screenshots) and ``page-1440.png`` /
``page-375.png`` (full page at desktop and phone widths).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from tests.conftest import CHROMIUM_ARGS, ROOT, app_url

OUT = ROOT / "screenshots"


def wait_painted(page, timeout_s: float = 90.0) -> list[str]:
    """Wait until every dcc.Graph on the page has drawn (has a .main-svg); return their ids."""
    page.wait_for_function(
        "() => { const g = [...document.querySelectorAll('.dash-graph')];"
        " return g.length > 0 && g.every(e => e.querySelector('.main-svg')); }",
        timeout=timeout_s * 1000,
    )
    return page.eval_on_selector_all(".dash-graph[id^='fig-']", "els => els.map(e => e.id)")


def shoot(url: str, out: Path = OUT) -> list[Path]:
    """Write the element and full-page screenshots; return the files written."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        for width in (1440, 375):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(url, timeout=120_000)
            ids = wait_painted(page)
            time.sleep(1.5)  # let the math font and the last clientside callbacks settle
            if width == 1440:
                for fig_id in ids:
                    path = out / f"{fig_id}.png"
                    page.locator(f"#{fig_id}").screenshot(path=str(path))
                    written.append(path)
            path = out / f"page-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            written.append(path)
            page.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="use a running app instead of starting one")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with app_url(args.url) as url:
        for path in shoot(url, args.out):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
