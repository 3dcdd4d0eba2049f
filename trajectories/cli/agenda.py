"""``trajectories agenda`` and ``trajectories feed-token``: a coach's open deadlines at 80 columns, and the
read-only tokens of the agenda's iCalendar feed."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from rich import box
from rich.console import Console
from rich.table import Table

from domain.agenda import AgendaItem
from domain.errors import ErrorCode
from trajectories import agenda as agenda_reading
from trajectories.agenda import AgendaWindow
from trajectories.cli import render

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def agenda_table(out: Console, coach: str, start: date, end: date, items: list[AgendaItem]) -> None:
    """Due in Amsterdam time (what a coach's calendar shows); a moved deadline is marked and explained below."""
    title = f"Agenda of {coach}, {start} – {end} ({len(items)})"
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    for column in ("due (Amsterdam)", "trajectory", "what"):
        table.add_column(column, no_wrap=column != "what", overflow="fold")
    notes: list[str] = []
    for item in items:
        due = item.due.astimezone(AMSTERDAM).strftime("%a %d %b %H:%M")
        mark = ""
        if item.moved:
            notes.append(f"{item.trajectory_id} {item.deadline}: {item.moved}")
            mark = f" *{len(notes)}"
        table.add_row(
            due + mark, f"{item.region} {item.trajectory_id}", f"{item.kind.replace('_', ' ')}: {item.summary}"
        )
    if not items:
        out.print(f"{title}: nothing due")
        return
    out.print(table)
    for number, note in enumerate(notes, 1):
        out.print(f"*{number} {note}")


async def agenda_command(args: argparse.Namespace, client: object, out: Console) -> None:
    try:
        window = AgendaWindow.model_validate({"from": args.from_, "to": args.to})
    except ValidationError as error:
        from trajectories.cli.commands import EXIT_INVALID, Failed

        message = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors())
        raise Failed(EXIT_INVALID, ErrorCode.INVALID_INPUT, message, fields=["to"]) from None
    start, end = window.bounds()
    items = await asyncio.to_thread(agenda_reading.read, args.coach, AgendaWindow(start=start, end=end), args.audit_url)
    if args.json:
        render.print_json(
            out,
            {
                "coach_id": args.coach,
                "start": str(start),
                "end": str(end),
                "items": [i.model_dump(mode="json") for i in items],
            },
        )
    else:
        agenda_table(out, args.coach, start, end, items)


async def feed_token_command(args: argparse.Namespace, client: object, out: Console) -> None:
    if args.revoke:
        revoked = await asyncio.to_thread(agenda_reading.revoke_feed_tokens, args.coach, args.audit_url)
        out.print(f"revoked {revoked} feed token(s) of {args.coach}")
        return
    token = await asyncio.to_thread(agenda_reading.issue_feed_token, args.coach, args.audit_url)
    out.print(f"feed token of {args.coach} (shown once; only its hash is kept):")
    out.print(token, soft_wrap=True, highlight=False)
    out.print(f"subscribe to: <API>/coaches/{args.coach}/agenda.ics?token=<token>", soft_wrap=True)


def register(command: Callable[..., argparse.ArgumentParser], database: Callable[[argparse.ArgumentParser], None],
             as_json: Callable[[argparse.ArgumentParser], None]) -> None:  # fmt: skip
    """Add ``agenda`` and ``feed-token`` to the ``trajectories`` command."""
    sub = command("agenda", agenda_command, "a coach's open deadlines: trajectory, what is due and when")
    sub.add_argument("coach", metavar="COACH", help="the coach's id (a team lead's id: their escalations)")
    sub.add_argument("--from", dest="from_", type=_date, help="first day (YYYY-MM-DD, Amsterdam; default today)")
    sub.add_argument("--to", type=_date, help="last day (YYYY-MM-DD; default 4 weeks on; at most a year)")
    database(sub)
    as_json(sub)

    sub = command("feed-token", feed_token_command, "issue (or --revoke) a coach's read-only .ics feed token")
    sub.add_argument("coach", metavar="COACH")
    sub.add_argument("--revoke", action="store_true", help="revoke every feed token of the coach")
    database(sub)
