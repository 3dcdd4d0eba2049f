"""Keep the route diagrams true to the code: ``python -m trajectories.diagrams [--check]``.

Rewrites every block between ``<!-- diagram:<region> -->`` and ``<!-- /diagram:<region> -->`` in README.md and
docs/*.md, every ``<!-- deadlines:<region> -->`` block (the route's deadline table, ``trajectories.deadline_docs``)
and every stale SVG diagram a region names in the registry (``domain/regions.py``); ``--check``
writes nothing and exits 1 when one is stale. The text comes from ``statemachines.diagram`` (pure); this tool
does the files and runs Graphviz ``dot`` to draw an SVG (Debian: ``apt-get install graphviz``), which only
regenerating needs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from domain.regions import REGIONS
from statemachines.diagram import dot, is_current, mark, render
from trajectories import deadline_docs

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
TOOL = "python -m trajectories.diagrams"


def documents() -> list[Path]:
    """The README and every route document under ``docs/``."""
    return [README, *sorted((ROOT / "docs").glob("*.md"))]


def svg_path(region: str) -> Path:
    return ROOT / REGIONS[region].diagram


def svg_is_current(region: str) -> bool:
    """Whether ``region``'s SVG exists and was drawn from the current machine's DOT source."""
    path = svg_path(region)
    return path.exists() and is_current(path.read_text(encoding="utf-8"), region)


def render_svg(region: str) -> str:
    """Draw ``region``'s route with Graphviz ``dot`` and mark the SVG with its DOT source's hash."""
    renderer = shutil.which("dot")
    if renderer is None:
        raise RuntimeError("Graphviz `dot` is needed to draw the SVG diagrams: apt-get install graphviz")
    drawn = subprocess.run([renderer, "-Tsvg"], input=dot(region), capture_output=True, text=True, check=True).stdout
    return mark(drawn, region, TOOL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; fail if a diagram is stale")
    args = parser.parse_args(argv)
    stale = []
    for document in documents():
        current = document.read_text(encoding="utf-8")
        fresh = deadline_docs.render(render(current))
        if fresh != current:
            stale.append(document.name)
            if not args.check:
                document.write_text(fresh, encoding="utf-8")
    for region in REGIONS:
        if svg_is_current(region):
            continue
        stale.append(svg_path(region).name)
        if not args.check:
            svg_path(region).write_text(render_svg(region), encoding="utf-8")
    if args.check and stale:
        print(f"stale diagrams in {', '.join(stale)}: run `{TOOL}`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
