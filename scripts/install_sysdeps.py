"""Install the system packages the tests need, named as on Debian (``make sysdeps`` passes the missing ones).

    python scripts/install_sysdeps.py [--dry-run] [--os linux|darwin] chromium redis-server fonts-dejavu-core ...

* Debian and Ubuntu (apt-get): every package apt knows, with sudo unless root.  A Chromium that apt cannot
  install as a package (Ubuntu ships it as a snap) is Playwright's own, ``python -m playwright install chromium``.
* macOS (Homebrew): redis and node from brew, Chromium from Playwright; the DejaVu fonts (they only steady the
  screenshots' text) are left out.
* Anything else: Chromium from Playwright, and one line naming what to install by hand (exit status 1).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys

BREW = {"redis-server": "redis", "nodejs": "node"}  # Debian name -> Homebrew formula
OPTIONAL_ON_MAC = {"fonts-dejavu-core"}
PLAYWRIGHT_CHROMIUM = [sys.executable, "-m", "playwright", "install", "chromium"]


def apt_has(name: str) -> bool:
    """Whether apt can install ``name`` as a real package (not only a snap transition)."""
    r = subprocess.run(["apt-cache", "policy", name], capture_output=True, text=True)
    candidate = next((ln.split(":", 1)[1].strip() for ln in r.stdout.splitlines() if "Candidate:" in ln), "(none)")
    return r.returncode == 0 and candidate != "(none)" and "snap" not in candidate


def plan(missing: list[str], system: str, has_apt: bool, has_brew: bool, apt_ok=apt_has) -> tuple[list, list]:
    """(commands to run in order, packages left for the user to install)."""
    cmds: list[list[str]] = []
    left: list[str] = []
    chromium = "chromium" in missing
    rest = [m for m in missing if m != "chromium"]
    if system == "linux" and has_apt:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        cmds.append([*sudo, "apt-get", "update", "-qq"])
        if chromium and apt_ok("chromium"):
            rest.insert(0, "chromium")
            chromium = False
        apt = [m for m in rest if apt_ok(m)]
        left = [m for m in rest if m not in apt]
        if apt:
            cmds.append([*sudo, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", *apt])
        if chromium:
            cmds.append([*PLAYWRIGHT_CHROMIUM[:-1], "--with-deps", "chromium"])
    elif system == "darwin" and has_brew:
        formulas = [BREW[m] for m in rest if m in BREW]
        left = [m for m in rest if m not in BREW and m not in OPTIONAL_ON_MAC]
        if formulas:
            cmds.append(["brew", "install", *formulas])
        if chromium:
            cmds.append(PLAYWRIGHT_CHROMIUM)
    else:
        left = rest
        if chromium:
            cmds.append(PLAYWRIGHT_CHROMIUM)
    return cmds, left


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("packages", nargs="+", help="Debian package names")
    p.add_argument("--os", default="darwin" if sys.platform == "darwin" else sys.platform, help="linux or darwin")
    p.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = p.parse_args(argv)
    apt_ok = apt_has if shutil.which("apt-cache") else (lambda name: False)
    cmds, left = plan(args.packages, args.os, bool(shutil.which("apt-get")), bool(shutil.which("brew")), apt_ok)
    print("installing system packages:", " ".join(args.packages), flush=True)
    for cmd in cmds:
        print(" ".join(cmd), flush=True)
        if not args.dry_run and subprocess.run(cmd, stdout=subprocess.DEVNULL if "apt-get" in cmd else None).returncode:
            print(f"error: {' '.join(cmd)} failed", file=sys.stderr)
            return 1
    if left:
        print(f"error: install these with your system's package manager: {' '.join(left)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
