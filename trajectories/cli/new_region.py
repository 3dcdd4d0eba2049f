"""``trajectories new-region NAME``: the command line of ``trajectories.new_region`` (no Temporal needed)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console

from domain.errors import ErrorCode
from trajectories.new_region import NewRegionError, generate

SUMMARY = "write a new region's parts from templates (no Temporal needed)"
DESCRIPTION = (
    "Write a new region into the repository: its policy, events and case (domain/NAME.py), a machine skeleton "
    "(statemachines/), its deadline table and workflow (workflows/), samples (trajectories/samples/), a docs page "
    "and its diagram (docs/NAME.md, docs/NAME.svg), a firing test for each deadline (tests/test_NAME.py) and a "
    "recorded history (tests/recordings/, tests/histories/); and add its row to domain/regions.py, "
    "domain/milestones.py, trajectories/forecast/intake.py and assumptions.py and tests/deadline_firings.py. "
    "Nothing is written if a file exists already. Then fill it in: README, 'Adding a region'."
)


async def new_region(args: argparse.Namespace, client: Any, out: Console) -> None:
    """Write the region, then list what was written."""
    from trajectories.cli.commands import EXIT_INVALID, Failed

    root = Path(args.root).resolve()
    try:
        written = generate(root, args.name, title=args.title, draw=not args.no_draw, record=not args.no_record)
    except NewRegionError as error:
        raise Failed(EXIT_INVALID, ErrorCode.INVALID_INPUT, str(error)) from None
    out.print(f"region {args.name} written to {root}:", highlight=False)
    for path in written:
        out.print(f"  {path}", highlight=False)
    out.print("next: python3 dev.py test -q tests/test_regions.py tests/test_deadline_tables.py", highlight=False)


def register(command: Callable[..., argparse.ArgumentParser]) -> None:
    sub = command("new-region", new_region, SUMMARY)
    sub.description = DESCRIPTION
    sub.add_argument("name", metavar="NAME", help="lower case and dashes: zwolle, de-bilt")
    sub.add_argument("--title", help="how people write it (default: from NAME: De Bilt)")
    sub.add_argument("--root", default=".", help="the repository to write into (default: .)")
    sub.add_argument("--no-draw", action="store_true", help="no diagram (drawing needs Graphviz `dot`)")
    sub.add_argument("--no-record", action="store_true", help="no recorded history (needs the test server)")
    sub.set_defaults(temporal=False)
