"""Assemble BENCHMARKS.md from the per-benchmark sections in benchmarks/results/*.md.

Each benchmark script writes its own section (``benchmarks/results/<name>.md``) so that they can be
rerun independently; this script concatenates them in a fixed order under a common header.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["sweep", "latency", "lenet", "load"]
HEADER = """# Benchmarks

Measured on the project's reference machine (2 cores, 24 GiB, no GPU) unless a section says
otherwise. Every number is produced by a script in `benchmarks/`, side by side with a named
reference in the same run, and each section says how to rerun it. Regenerate this file with
`python benchmarks/collect.py` after running the benchmarks.
"""


def main() -> None:
    results = ROOT / "benchmarks" / "results"
    parts = sorted(results.glob("*.md"), key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else 99, p.stem))
    text = HEADER + "".join("\n" + p.read_text().strip() + "\n" for p in parts)
    (ROOT / "BENCHMARKS.md").write_text(text)
    print(f"BENCHMARKS.md: {len(parts)} sections")


if __name__ == "__main__":
    main()
