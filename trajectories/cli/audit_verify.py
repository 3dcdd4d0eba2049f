"""``trajectories audit verify``: walk the audit trail's hash chains and name the first broken link of each."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import asdict
from typing import Any

from rich.console import Console

from domain.errors import ErrorCode
from domain.regions import REGION_NAMES
from trajectories import client as trajectories_client
from trajectories.audit import verify_trail
from trajectories.cli import render

EXIT_BROKEN = 1


async def verify(args: argparse.Namespace, client: Any, out: Console) -> None:
    from trajectories.cli.commands import Failed

    if (args.region is None) != (args.trajectory is None):
        raise Failed(
            2, ErrorCode.INVALID_INPUT, "--region and --trajectory go together (one trajectory), or neither (all)"
        )
    workflow_id = trajectories_client.workflow_id_for(args.region, args.trajectory) if args.region else None
    report = await asyncio.to_thread(verify_trail, workflow_id, args.audit_url)
    if args.json:
        render.print_json(out, {"intact": report.intact, **asdict(report)})
    elif report.intact:
        out.print(f"audit trail intact: {report.trajectories} trajectories, {report.rows} rows, every link verified")
    else:
        table = render._table(
            "Broken audit chains (first broken link of each)", "trajectory", "position", "key", "problem"
        )
        for found in report.breaks:
            table.add_row(found.workflow_id, str(found.position), found.key, found.problem)
        out.print(table)
    if not report.intact:
        raise Failed(
            EXIT_BROKEN,
            ErrorCode.AUDIT_CHAIN_BROKEN,
            f"{len(report.breaks)} of {report.trajectories} trajectories' audit chains are broken",
        )


def register(command, audit_database, as_json) -> None:
    sub = command(
        "audit-verify", verify,
        "verify the audit trail's hash chains (also: `trajectories audit verify`); names the first broken link",
    )  # fmt: skip
    sub.add_argument("--region", choices=REGION_NAMES, help="with --trajectory: verify one trajectory")
    sub.add_argument("--trajectory", metavar="TRAJECTORY_ID", help="with --region: verify one trajectory")
    audit_database(sub)
    as_json(sub)


def normalise(argv: list[str]) -> list[str]:
    """``audit verify ...`` is ``audit-verify ...`` (``audit REGION ID`` stays the trail of a trajectory)."""
    return ["audit-verify", *argv[2:]] if argv[:2] == ["audit", "verify"] else argv
