"""Diagrams of the routes, generated from the machines: the README's Mermaid blocks stay true to the code.

``python -m statemachines.diagram`` rewrites every block between ``<!-- diagram:<region> -->`` and
``<!-- /diagram:<region> -->`` in README.md and docs/*.md; ``--check`` exits 1 when one is stale.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from statemachine.contrib.diagram import MermaidGraphMachine

from statemachines import ROUTES

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def documents() -> list[Path]:
    """The README and every route document under ``docs/``."""
    return [README, *sorted((ROOT / "docs").glob("*.md"))]


def mermaid(region: str) -> str:
    """The Mermaid ``stateDiagram-v2`` source of ``region``'s route."""
    return MermaidGraphMachine(ROUTES[region]).get_mermaid().rstrip() + "\n"


def block(region: str) -> str:
    return f"<!-- diagram:{region} -->\n```mermaid\n{mermaid(region)}```\n<!-- /diagram:{region} -->"


def render(text: str) -> str:
    """``text`` with every region's diagram block regenerated."""
    for region in ROUTES:
        pattern = re.compile(rf"<!-- diagram:{region} -->.*?<!-- /diagram:{region} -->", re.DOTALL)
        text = pattern.sub(lambda _: block(region), text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a README diagram is stale")
    args = parser.parse_args(argv)
    stale = []
    for document in documents():
        current = document.read_text(encoding="utf-8")
        fresh = render(current)
        if fresh != current:
            stale.append(document.name)
            if not args.check:
                document.write_text(fresh, encoding="utf-8")
    if args.check and stale:
        print(f"stale diagrams in {', '.join(stale)}: run `python -m statemachines.diagram`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
