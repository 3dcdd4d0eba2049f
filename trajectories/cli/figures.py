"""``trajectories figures`` and ``trajectories targets``: the outcome figures in the terminal (80 columns)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any

from rich.console import Console
from rich.table import Table

from domain.figures import Count, Figures
from domain.regions import REGION_NAMES
from trajectories import figures as figure_reading
from trajectories.cli import render


def euro(cents: int) -> str:
    return f"€ {cents / 100:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", expand=False, pad_edge=False)
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index < 2 else "right", overflow="fold")
    return table


def _counts(out: Console, title: str, rows: list[Count], heading: str) -> None:
    if not rows:
        return
    table = _table(title, "Region", heading, "Count")
    for row in rows:
        table.add_row(row.region, row.key, str(row.count))
    out.print(table)


def _optional(value: Any) -> str:
    return "–" if value is None else str(value)


def print_figures(out: Console, figures: Figures) -> None:
    out.print(f"[bold]Outcome figures[/bold] {figures.region or 'all regions'}, {figures.start} – {figures.end}")
    _counts(out, "Inflow by referral source", figures.inflow, "Source")
    _counts(out, "Placements in paid work", figures.placements, "Kind")
    _counts(out, "Placements by employer type", figures.placements_by_employer_type, "Employer type")
    _counts(out, "Moved on", figures.moved_on, "To")
    targets = [t for t in figures.targets if t.target is not None or t.realised]
    if targets:
        table = _table("Target against realised", "Region", "Year", "Target", "Realised", "%")
        for t in targets:
            table.add_row(t.region, str(t.year), _optional(t.target), str(t.realised), _optional(t.percent))
        out.print(table)
    if figures.providers:
        table = _table("Ended in work per provider", "Region", "Provider", "Started", "Ended", "In work", "%", "Flag")
        for p in figures.providers:
            flag = f"[red]< {p.target_percent} %[/red]" if p.lagging else ""
            table.add_row(p.region, p.provider_id, str(p.started), str(p.ended), str(p.ended_in_work),
                          _optional(p.percent_in_work), flag)  # fmt: skip
        out.print(table)
    if figures.referral_to_contract:
        table = _table("Referral to contract", "Region", "Contracts", "Median days")
        for d in figures.referral_to_contract:
            table.add_row(d.region, str(d.contracts), _optional(d.median_days))
        out.print(table)
    if figures.fallbacks_per_attempt:
        table = _table("Fallbacks per attempt", "Region", "Attempt", "Fallbacks")
        for a in figures.fallbacks_per_attempt:
            table.add_row(a.region, str(a.attempt), str(a.fallbacks))
        out.print(table)
    for ladder in figures.ladder:
        out.print(f"Participation ladder ({ladder.region}): {ladder.people_measured} measured, "
                  f"{ladder.people_climbed} climbed, {ladder.steps_climbed} steps in all")  # fmt: skip
    for wage in figures.wage_value:
        out.print(f"Wage value ({wage.region}): {wage.people_measured} measured, {wage.people_grew} grew, "
                  f"average {_optional(wage.average_growth_points)} points")  # fmt: skip
    if figures.money:
        table = _table("Money per quarter and payee", "Quarter", "Payee", "Amount")
        for m in figures.money:
            table.add_row(m.quarter, m.payee, euro(m.amount_cents))
        out.print(table)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD, e.g. 2027-01-31") from None


async def figures_command(args: argparse.Namespace, client: Any, out: Console) -> None:
    """Outcome figures per region, provider and period, from the records database."""
    figures = await asyncio.to_thread(figure_reading.load_figures, args.from_, args.to, args.region, args.audit_url)
    if args.csv:
        out.file.write(figure_reading.to_csv(figures))
    elif args.json:
        render.print_json(out, figures)
    else:
        print_figures(out, figures)


async def targets_command(args: argparse.Namespace, client: Any, out: Console) -> None:
    """Set a region's placement target for a year, or list the targets set."""
    if args.target is not None:
        await asyncio.to_thread(
            figure_reading.set_target, args.region, args.year, args.target, args.set_by, args.audit_url
        )
    rows = await asyncio.to_thread(figure_reading.target_history, args.region, args.audit_url)
    table = _table("Placement targets (newest counts)", "Region", "Year", "Target", "Set by", "Set at")
    for row in rows:
        table.add_row(
            row["region"], str(row["year"]), str(row["target"]), row["set_by"], f"{row['set_at']:%Y-%m-%d %H:%M}"
        )
    out.print(table)


def register(command: Callable[..., argparse.ArgumentParser], database: Callable[[argparse.ArgumentParser], None],
             as_json: Callable[[argparse.ArgumentParser], None]) -> None:  # fmt: skip
    """Add ``figures`` and ``targets`` to the ``trajectories`` command."""
    sub = command("figures", figures_command, "outcome figures (kengetallen) per region, provider and period")
    sub.add_argument("--region", choices=REGION_NAMES)
    sub.add_argument("--from", dest="from_", type=_date, help="first day (YYYY-MM-DD; default a year before --to)")
    sub.add_argument("--to", type=_date, help="last day (YYYY-MM-DD; default today)")
    sub.add_argument("--csv", action="store_true", help="print CSV: section, region, key, measure, value")
    database(sub)
    as_json(sub)

    sub = command("targets", targets_command, "set or list placement targets per region and year")
    sub.add_argument(
        "region", nargs="?", choices=REGION_NAMES, metavar="REGION", help=f"one of {', '.join(REGION_NAMES)}"
    )
    sub.add_argument("year", nargs="?", type=int, metavar="YEAR")
    sub.add_argument("target", nargs="?", type=int, metavar="TARGET", help="placements aimed for; leave out to list")
    sub.add_argument("--set-by", default="operations", help="who sets it (default: operations)")
    database(sub)
