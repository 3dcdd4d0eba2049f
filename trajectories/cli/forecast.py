"""``trajectories forecast`` and ``trajectories export``: what-if runs of the real routes in skipped time."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from domain.regions import REGION_NAMES
from trajectories.cli.figures import euro
from trajectories.forecast import assumptions as forecast_assumptions
from trajectories.forecast.export import open_trajectories, write_private
from trajectories.forecast.report import Forecast, write
from trajectories.forecast.run import Policy, forecast


async def forecast_command(args: argparse.Namespace, client: Any, out: Console) -> None:
    """Run the real routes in skipped time over a synthetic intake and/or today's open trajectories."""
    regions = args.region or list(REGION_NAMES)
    people = []
    if args.open_file:
        exported = json.loads(Path(args.open_file).read_text(encoding="utf-8"))
        skipped = [t["workflow_id"] for t in exported["trajectories"] if t.get("continued")]
        kept = {
            "trajectories": [t for t in exported["trajectories"] if not t.get("continued") and t["region"] in regions]
        }
        if skipped:
            out.print(f"left out {len(skipped)} trajectories that continued as new (their early events are elsewhere)")
        people = kept["trajectories"]
    policies = [Policy.from_file(Path(p)) for p in args.policy] or []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=out, transient=not out.is_terminal) as progress:  # fmt: skip
        tasks: dict[str, Any] = {}

        def advance(policy: str, done: int, total: int) -> None:
            if policy not in tasks:
                tasks[policy] = progress.add_task(f"{policy}: starts and events", total=total)
            progress.update(tasks[policy], completed=done)

        result = await forecast(
            regions=regions, months=args.months, cohort=args.cohort, per_month=args.per_month, seed=args.seed,
            policies=policies, assumptions=forecast_assumptions.load(Path(args.assumptions) if args.assumptions else None),
            open_trajectories=people, progress=advance, shares=args.processes, sandboxed=args.sandboxed,
        )  # fmt: skip
    written = write(result, Path(args.out))
    summary(out, result)
    out.print("written: " + ", ".join(str(path) for path in written))


def summary(out: Console, result: Forecast) -> None:
    for report in result.reports:
        placements = sum(q.count for q in report.placements)
        fallbacks = sum(q.count for q in report.fallbacks)
        busiest = max((w.notifications for w in report.workload), default=0)
        out.print(f"[bold]{report.policy}[/bold]: {report.people} people, {euro(report.paid_cents)} ordered, "
                  f"{placements} placed, {fallbacks} fallbacks, busiest coach-week {busiest} notifications, "
                  f"{len(report.events_refused)} events refused")  # fmt: skip


async def export_command(args: argparse.Namespace, client: Any, out: Console) -> None:
    """Today's open trajectories, for ``forecast --open-file``."""
    exported = await open_trajectories(client, args.region)
    write_private(Path(args.out), json.dumps({"trajectories": exported}, indent=1, default=str))
    out.print(f"exported {len(exported)} open trajectories to {args.out} (owner-only)")


def _positive(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def register(command: Callable[..., argparse.ArgumentParser]) -> None:
    sub = command(
        "forecast", forecast_command, "forecast workload, money and outcomes by running the routes in skipped time"
    )
    sub.add_argument("--region", action="append", choices=REGION_NAMES, help="a region (repeat for more; default all)")
    sub.add_argument("--months", type=_positive, default=24, help="how far ahead (default 24)")
    sub.add_argument("--cohort", type=_positive, default=100, help="people in the synthetic intake (default 100)")
    sub.add_argument("--per-month", type=_positive, help="instead: this many new people every month")
    sub.add_argument("--seed", type=int, default=1, help="the same seed gives the same report (default 1)")
    sub.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="FILE.toml",
        help="policy values per region to compare (repeat: side by side); default the policy in force",
    )
    sub.add_argument(
        "--assumptions", metavar="FILE.toml", help="probabilities and durations (default: ours, see README)"
    )
    sub.add_argument("--open-file", metavar="FILE", help="today's open trajectories, from `trajectories export`")
    sub.add_argument("--out", default="forecast", metavar="DIR", help="where forecast.json/.csv/.html go")
    sub.add_argument("--processes", type=_at_least_one, metavar="N",
                     help="processes to deal the people over (default: one per core, 50 people or more each)")  # fmt: skip
    sub.add_argument("--sandboxed", action="store_true",
                     help="run the workflows in Temporal's sandbox, as the service does (slower; same report)")  # fmt: skip
    sub.set_defaults(temporal=False)  # a server of its own: never the real one

    sub = command("export", export_command, "export today's open trajectories for a forecast (owner-only file)")
    sub.add_argument("--region", choices=REGION_NAMES)
    sub.add_argument("--out", required=True, metavar="FILE")
