"""Every ``trajectories`` sub-command, in one place: the parser, the commands, and their exit codes.

Exit codes: 0 done; 1 refused by the trajectory (event not allowed now, duplicate start, closed);
2 invalid input or configuration (usage, unreadable JSON, invalid fields, unknown event, no payload key);
3 unknown trajectory; 4 Temporal or its worker unreachable, or not answering.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter, ValidationError
from rich.console import Console
from temporalio.client import Client
from temporalio.envconfig import ClientConfig
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.absences import AbsenceRefused, AbsenceRequest
from domain.errors import ErrorCode
from domain.identifiers import OrganisationId
from domain.regions import REGION_NAMES
from service import encryption
from trajectories import absences as roster
from trajectories import client as trajectories_client
from trajectories import handover as handovers
from trajectories.audit import read_trail, undeliverable
from trajectories.cli import agenda as agenda_cli
from trajectories.cli import audit_verify, render, security
from trajectories.cli import figures as figures_cli
from trajectories.cli import forecast as forecast_cli
from trajectories.cli import new_region as new_region_cli
from trajectories.cli.inputs import InputError, read_json
from trajectories.commitments import CommitmentChange, read_commitments, set_commitment
from trajectories.listing import TrajectoryFilter, filter_params, list_trajectories
from trajectories.payments import PaymentFilter, PaymentLedger, read_ledger, totals
from trajectories.problems import Kind, from_temporal, invalid_input

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
EXIT_OK, EXIT_REFUSED, EXIT_INVALID, EXIT_NOT_FOUND, EXIT_UNAVAILABLE = 0, 1, 2, 3, 4
EXIT_FOR_KIND = {
    Kind.REFUSED: EXIT_REFUSED,
    Kind.INVALID: EXIT_INVALID,
    Kind.NOT_FOUND: EXIT_NOT_FOUND,
    Kind.UNAVAILABLE: EXIT_UNAVAILABLE,
    Kind.TIMED_OUT: EXIT_UNAVAILABLE,
}


class Failed(Exception):
    """A command that cannot be done; ``main`` prints the message and exits with ``code``."""

    def __init__(
        self, code: int, error: str, message: str, *, allowed: list[str] | None = None, fields: list[str] | None = None
    ):
        super().__init__(message)
        self.code, self.error, self.message, self.allowed, self.fields = code, error, message, allowed, fields


Command = Callable[[argparse.Namespace, Client, Console], Awaitable[None]]


async def start(args: argparse.Namespace, client: Client, out: Console) -> None:
    """Start a trajectory of a region from a start-input JSON file."""
    handle = await trajectories_client.start_trajectory(
        client, args.region, _start_input(args.file), task_queue=args.task_queue
    )
    out.print(f"started {handle.id}")


async def event(args: argparse.Namespace, client: Client, out: Console) -> None:
    """Submit one event; shows the trajectory after it."""
    view = await trajectories_client.submit_event(
        client, args.region, args.trajectory_id, read_json(args.event, "event")
    )
    if args.json:
        render.print_json(out, view)
    else:
        out.print(f"accepted: {view.region} / {view.trajectory_id} is now [bold]{view.state}[/bold]")
        out.print(f"allowed events: {', '.join(view.allowed_events) or 'none'}")


async def show(args: argparse.Namespace, client: Client, out: Console) -> None:
    """Show a trajectory: state, deadlines, history, notifications."""
    timeout = timedelta(seconds=args.timeout)
    view = await trajectories_client.view(client, args.region, args.trajectory_id, rpc_timeout=timeout)
    if args.json:
        render.print_json(out, view)
    else:
        render.trajectory(out, view, datetime.now(UTC))


async def list_command(args: argparse.Namespace, client: Client, out: Console) -> None:
    """List trajectories by region, state and coach (Temporal visibility)."""
    trajectory_filter = _filter(
        region=args.region, state=args.state, coach=args.coach, open=args.open, limit=args.limit
    )
    rows = await list_trajectories(client, trajectory_filter)
    if args.json:
        render.print_json(out, rows)
    else:
        render.listing(out, rows)


async def overdue(args: argparse.Namespace, client: Client, out: Console) -> None:
    """Open trajectories whose next deadline has passed, grouped by region and coach."""
    as_of = _as_of(args.as_of) if args.as_of else datetime.now(UTC)
    trajectory_filter = _filter(region=args.region, coach=args.coach, overdue=True, as_of=as_of, limit=args.limit)
    rows = await list_trajectories(client, trajectory_filter)
    if args.json:
        render.print_json(out, rows)
    else:
        render.overdue_report(out, rows, trajectory_filter.as_of or datetime.now(UTC))


async def audit(args: argparse.Namespace, client: Client | None, out: Console) -> None:
    """A trajectory's audit trail, from the audit database (it outlives Temporal's retention)."""
    workflow_id = trajectories_client.workflow_id_for(args.region, args.trajectory_id)
    rows = await asyncio.to_thread(read_trail, workflow_id, args.audit_url)
    if args.json:
        render.print_json(out, {"workflow_id": workflow_id, "entries": [row.model_dump(mode="json") for row in rows]})
    else:
        render.audit_trail(out, f"Audit trail of {workflow_id}", rows)


async def undeliverable_command(args: argparse.Namespace, client: Client | None, out: Console) -> None:
    """Every notification recorded undeliverable after its retries: what operations must follow up."""
    rows = await asyncio.to_thread(undeliverable, args.audit_url)
    if args.json:
        render.print_json(out, rows)
    else:
        render.audit_trail(out, "Undeliverable notifications", rows, with_trajectory=True)


async def payments_command(args: argparse.Namespace, client: Client | None, out: Console) -> None:
    """The payment ledger, from the records database: totals per payee and per quarter, the orders on request."""
    values = {"region": args.region, "payee": args.payee, "from": args.from_, "to": args.to}
    try:
        selection = PaymentFilter.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as error:
        raise _invalid(error) from None
    orders = await asyncio.to_thread(read_ledger, selection, args.audit_url)
    ledger = PaymentLedger(payments=orders, totals=totals(orders))
    if args.json:
        render.print_json(out, ledger)
    else:
        render.payment_ledger(out, ledger, with_orders=args.orders)


async def handover_start(args: argparse.Namespace, client: Client, out: Console) -> None:
    """Hand every open trajectory of a coach (optionally of one region or state) to another coach."""
    order = handovers.HandoverOrder(
        **filter_params(
            {"to_coach": args.to, "actor": args.by, "region": args.region, "state": args.state, "handover_id": args.id}
        )
    )
    request = handovers.request_for(args.coach, order)
    try:
        handle = await handovers.start_handover(client, request, task_queue=args.task_queue)
    except WorkflowAlreadyStartedError:
        raise Failed(
            EXIT_REFUSED, ErrorCode.HANDOVER_ALREADY_STARTED, f"a hand-over with id {request.handover_id!r} exists"
        ) from None
    if not args.wait:
        out.print(
            f"started hand-over {request.handover_id} ({handle.id}); follow it: trajectories handover show {request.handover_id}"
        )
        return
    progress = await handle.result()
    if args.json:
        render.print_json(out, progress)
    else:
        render.handover(out, progress)


async def handover_show(args: argparse.Namespace, client: Client, out: Console) -> None:
    """A hand-over's progress."""
    try:
        progress = await handovers.progress(client, args.handover_id, rpc_timeout=timedelta(seconds=args.timeout))
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise Failed(
                EXIT_NOT_FOUND, ErrorCode.HANDOVER_NOT_FOUND, f"no hand-over with id {args.handover_id!r}"
            ) from None
        raise
    if args.json:
        render.print_json(out, progress)
    else:
        render.handover(out, progress)


async def absence_add(args: argparse.Namespace, client: Client | None, out: Console) -> None:
    """Register an absence: from its first to its last day (Europe/Amsterdam) notifications reach the stand-in."""
    request = AbsenceRequest.model_validate(
        filter_params({"from": args.first_day, "to": args.last_day, "stand_in": args.stand_in})
    )
    absence = await asyncio.to_thread(roster.add, args.coach, request, url=args.records_url)
    if args.json:
        render.print_json(out, absence)
    else:
        out.print(f"registered {absence.id}: {absence.coach_id} away {absence.first_day} to {absence.last_day}, "
                  f"stand-in {absence.stand_in}")  # fmt: skip


async def absence_list(args: argparse.Namespace, client: Client | None, out: Console) -> None:
    """A coach's absences by first day (cancelled ones with --all)."""
    rows = await asyncio.to_thread(roster.listed, args.coach, include_cancelled=args.all, url=args.records_url)
    if args.json:
        render.print_json(out, {"coach_id": args.coach, "absences": [row.model_dump(mode="json") for row in rows]})
    else:
        render.absences(out, args.coach, rows)


async def absence_cancel(args: argparse.Namespace, client: Client | None, out: Console) -> None:
    """Cancel an absence: the coach's notifications reach the coach again (the absence stays on record)."""
    absence = await asyncio.to_thread(roster.cancel, args.coach, args.absence_id, url=args.records_url)
    if absence is None:
        raise Failed(EXIT_NOT_FOUND, ErrorCode.ABSENCE_NOT_FOUND, f"{args.coach} has no absence {args.absence_id!r}")
    out.print(f"cancelled {absence.id} of {absence.coach_id} ({absence.first_day} to {absence.last_day})")


async def commitments(args: argparse.Namespace, client: Client | None, out: Console) -> None:
    """Show a provider's commitments (Meewerken-plus), or set one for a year with ``--year`` and ``--trajectories``."""
    if args.year is None and args.trajectories is None:
        shown = await asyncio.to_thread(read_commitments, args.provider_id, args.records_url)
    else:
        missing = [flag for flag, value in (("--year", args.year), ("--trajectories", args.trajectories),
                                            ("--actor", args.actor)) if value is None]  # fmt: skip
        if missing:
            raise Failed(EXIT_INVALID, ErrorCode.INVALID_INPUT, f"setting a commitment needs {', '.join(missing)}")
        try:
            change = CommitmentChange(
                year=args.year, trajectories=args.trajectories, actor=args.actor, reason=args.reason
            )
            provider = TypeAdapter(OrganisationId).validate_python(args.provider_id)
        except ValidationError as error:
            raise _invalid(error) from None
        shown = await asyncio.to_thread(set_commitment, provider, change, args.records_url)
    if args.json:
        render.print_json(out, shown.model_dump(mode="json"))
    else:
        render.commitments(out, shown)


AS_OF_FORMATS = (
    "a date, 2027-01-01 (the start of that day in Europe/Amsterdam), or a date and time with its offset, "
    "2027-01-01T09:00:00+01:00 or 2027-01-01T08:00:00Z"
)


def _as_of(text: str) -> datetime:
    """``--as-of``: a date people write, or an exact moment; anything else is refused naming both forms."""
    try:
        if len(text.strip()) == 10:
            return datetime.combine(date.fromisoformat(text.strip()), time(), AMSTERDAM)
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        problem = "has no time zone" if moment is not None else "is not a date or a date and time"
        raise Failed(EXIT_INVALID, ErrorCode.INVALID_INPUT, f"field 'as_of': {text!r} {problem}; use {AS_OF_FORMATS}",
                     fields=["as_of"])  # fmt: skip
    return moment


def _start_input(source: str) -> dict[str, Any]:
    return read_json(source, "start input")


def _filter(**values: Any) -> TrajectoryFilter:
    try:
        return TrajectoryFilter(**filter_params(values))
    except ValidationError as error:
        raise _invalid(error) from None


def _invalid(error: ValidationError) -> Failed:
    problem = invalid_input([dict(item) for item in error.errors(include_url=False)])
    return Failed(EXIT_INVALID, problem.error, problem.message, fields=problem.fields)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="trajectories",
        description="Start, follow and report on trajectories. Connects with TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, …",
        epilog="exit codes: 0 done, 1 refused (not allowed now, duplicate, closed), 2 invalid input or configuration, "
        "3 unknown trajectory, 4 Temporal unreachable",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, function: Command, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(run=function)
        return sub

    def region(sub: argparse.ArgumentParser, *, optional: bool = False) -> None:
        if optional:
            sub.add_argument("--region", choices=REGION_NAMES)
        else:
            sub.add_argument("region", choices=REGION_NAMES, metavar="REGION", help=f"one of {', '.join(REGION_NAMES)}")

    def as_json(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--json", action="store_true", help="print JSON (as the HTTP API returns it) instead of tables"
        )

    sub = command("start", start, "start a trajectory from a start-input JSON file")
    region(sub)
    sub.add_argument("file", metavar="FILE", help="start input as JSON: a file, - for standard input, or inline {...}")
    sub.add_argument("--task-queue", default=None, help="default: TRAJECTORIES_TASK_QUEUE or 'trajectories'")

    sub = command("event", event, "submit an event to a trajectory")
    region(sub)
    sub.add_argument("trajectory_id", metavar="TRAJECTORY_ID")
    sub.add_argument("event", metavar="EVENT", help="the event as JSON: a file, - for standard input, or inline {...}")
    as_json(sub)

    sub = command("show", show, "show a trajectory: state, deadlines, history, notifications")
    region(sub)
    sub.add_argument("trajectory_id", metavar="TRAJECTORY_ID")
    sub.add_argument("--timeout", type=float, default=10, help="seconds to wait for a worker to answer (default 10)")
    as_json(sub)

    sub = command("list", list_command, "list trajectories by region, state and coach")
    region(sub, optional=True)
    sub.add_argument("--state", help="a state id, e.g. trial")
    sub.add_argument("--coach", help="the coach's id, e.g. coach-anna")
    status = sub.add_mutually_exclusive_group()
    status.add_argument("--open", dest="open", action="store_const", const=True, help="running trajectories only")
    status.add_argument("--closed", dest="open", action="store_const", const=False, help="closed trajectories only")
    sub.add_argument("--limit", type=int, default=100)
    as_json(sub)

    sub = command("overdue", overdue, "open trajectories whose next deadline has passed, by region and coach")
    region(sub, optional=True)
    sub.add_argument("--coach", help="only this coach's trajectories")
    sub.add_argument("--as-of", metavar="WHEN", help="compare with this moment instead of now: 2027-01-01 (start of "
                     "that day, Europe/Amsterdam) or 2027-01-01T09:00:00+01:00")  # fmt: skip
    sub.add_argument("--limit", type=int, default=1000)
    as_json(sub)

    def audit_database(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--audit-url", default=None, help="SQLAlchemy URL (default: TRAJECTORIES_RECORDS_URL or var/records.db)"
        )
        sub.set_defaults(temporal=False)  # reads the audit database only

    sub = command(
        "audit", audit, "a trajectory's audit trail: accepted events and notifications, who, result, origin, time"
    )
    region(sub)
    sub.add_argument("trajectory_id", metavar="TRAJECTORY_ID")
    audit_database(sub)
    as_json(sub)

    sub = command("payments", payments_command, "the payment ledger: totals per payee and per quarter (euros)")
    region(sub, optional=True)
    sub.add_argument("--payee", help="an employer's or provider's id")
    sub.add_argument("--from", dest="from_", metavar="DATE", help="due on or after this ISO date")
    sub.add_argument("--to", metavar="DATE", help="due on or before this ISO date")
    sub.add_argument("--orders", action="store_true", help="also list every order")
    audit_database(sub)
    as_json(sub)

    absence = command("absence", _usage, "a coach's absences: who receives their notifications meanwhile")
    steps = absence.add_subparsers(dest="step", required=True, metavar="STEP")

    def records_database(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--records-url", default=None, help="SQLAlchemy URL (default: TRAJECTORIES_RECORDS_URL or var/records.db)"
        )
        sub.set_defaults(temporal=False)  # the roster is in the records database only

    sub = steps.add_parser("add", help="register an absence", description=absence_add.__doc__)
    sub.set_defaults(run=absence_add)
    sub.add_argument("coach", metavar="COACH")
    sub.add_argument("--from", dest="first_day", required=True, help="first day away, YYYY-MM-DD")
    sub.add_argument("--to", dest="last_day", required=True, help="last day away (included), YYYY-MM-DD")
    sub.add_argument("--stand-in", help="who receives the notifications (default: the region policy's)")
    records_database(sub)
    as_json(sub)
    sub = steps.add_parser("list", help="a coach's absences", description=absence_list.__doc__)
    sub.set_defaults(run=absence_list)
    sub.add_argument("coach", metavar="COACH")
    sub.add_argument("--all", action="store_true", help="cancelled absences too")
    records_database(sub)
    as_json(sub)
    sub = steps.add_parser("cancel", help="cancel an absence", description=absence_cancel.__doc__)
    sub.set_defaults(run=absence_cancel)
    sub.add_argument("coach", metavar="COACH")
    sub.add_argument("absence_id", metavar="ABSENCE_ID")
    records_database(sub)

    handover = command("handover", _usage, "hand a coach's open trajectories to another coach, and follow it")
    steps = handover.add_subparsers(dest="step", required=True, metavar="STEP")
    sub = steps.add_parser("start", help="start the hand-over (a durable workflow)", description=handover_start.__doc__)
    sub.set_defaults(run=handover_start)
    sub.add_argument("coach", metavar="COACH", help="the coach whose trajectories are handed over")
    sub.add_argument("--to", required=True, help="the coach who takes them over")
    sub.add_argument("--by", required=True, help="who orders the hand-over (the actor of each reassignment)")
    region(sub, optional=True)
    sub.add_argument("--state", help="only trajectories in this state")
    sub.add_argument("--id", help="the hand-over's id (default: generated)")
    sub.add_argument("--wait", action="store_true", help="wait until it is done and show the result")
    sub.add_argument("--task-queue", default=None, help="default: TRAJECTORIES_TASK_QUEUE or 'trajectories'")
    as_json(sub)
    sub = steps.add_parser("show", help="a hand-over's progress", description=handover_show.__doc__)
    sub.set_defaults(run=handover_show)
    sub.add_argument("handover_id", metavar="HANDOVER_ID")
    sub.add_argument("--timeout", type=float, default=10, help="seconds to wait for a worker to answer (default 10)")
    as_json(sub)

    sub = command(
        "undeliverable", undeliverable_command, "notifications that failed after their retries (for operations)"
    )
    audit_database(sub)
    as_json(sub)

    sub = command("commitments", commitments, "a provider's yearly commitments (Meewerken-plus): show, or set one")
    sub.add_argument("provider_id", metavar="PROVIDER_ID", help="the day-activities provider, e.g. provider-cordaan")
    sub.add_argument("--year", type=int, help="set: the year the commitment is for")
    sub.add_argument("--trajectories", type=int, help="set: trajectories the provider signs up for that year")
    sub.add_argument("--actor", help="set: who sets it (your operator id)")
    sub.add_argument("--reason", help="set: why (optional)")
    sub.add_argument(
        "--records-url", default=None, help="SQLAlchemy URL (default: TRAJECTORIES_RECORDS_URL or var/records.db)"
    )
    sub.set_defaults(temporal=False)
    as_json(sub)
    figures_cli.register(command, audit_database, as_json)
    audit_verify.register(command, audit_database, as_json)
    agenda_cli.register(command, audit_database, as_json)
    forecast_cli.register(command)
    new_region_cli.register(command)
    security.add_commands(command)
    return top


async def _usage(args: argparse.Namespace, client: Client | None, out: Console) -> None:
    """Never run: a command with steps always has one (argparse requires it)."""


def _failure(error: Exception) -> Failed | None:
    """What went wrong, in the API's terms (one interpretation of Temporal's errors for both)."""
    if isinstance(error, Failed):
        return error
    if isinstance(error, InputError):
        return Failed(EXIT_INVALID, ErrorCode.INVALID_INPUT, str(error))
    if isinstance(error, AbsenceRefused):
        return Failed(EXIT_INVALID, ErrorCode.INVALID_INPUT, error.message, fields=error.fields)
    if (refused := security.failure(error)) is not None:
        return Failed(EXIT_INVALID, *refused)
    if isinstance(error, encryption.KeyConfigurationError):
        return Failed(EXIT_INVALID, ErrorCode.CONFIGURATION, str(error))
    if isinstance(error, ValidationError):
        return _invalid(error)
    problem = from_temporal(error)
    if problem is None:
        return None
    message = problem.message
    if problem.error == ErrorCode.TEMPORAL_UNAVAILABLE:
        message += (
            f" (TEMPORAL_ADDRESS: {ClientConfig.load_client_connect_config().get('target_host') or 'localhost:7233'})"
        )
    return Failed(
        EXIT_FOR_KIND[problem.kind], problem.error, message, allowed=problem.allowed_events, fields=problem.fields
    )


async def _run(args: argparse.Namespace, out: Console) -> None:
    client = await trajectories_client.connect() if getattr(args, "temporal", True) else None
    await args.run(args, client, out)


def main(argv: list[str] | None = None) -> int:
    """The console script ``trajectories``; returns the exit code."""
    args = parser().parse_args(audit_verify.normalise(sys.argv[1:] if argv is None else argv))
    out, err = Console(), Console(stderr=True, highlight=False)
    try:
        asyncio.run(_run(args, out))
    except Exception as error:
        failure = _failure(error)
        if failure is None:
            raise
        err.print(f"[bold red]error[/bold red] ({failure.error}): {failure.message}", markup=True)
        if failure.allowed is not None:
            err.print(f"allowed events now: {', '.join(failure.allowed) or 'none'}")
        if failure.fields:
            err.print(f"fields: {', '.join(failure.fields)}")
        return failure.code
    return EXIT_OK


def entry_point() -> NoReturn:
    """The installed script: ``main``, then exit without interpreter finalization.

    The Temporal client's native threads can abort a finishing interpreter ("PyGILState_Release … must be
    current", temporalio/sdk-python#300), turning a correct run into exit code -6; ``os._exit`` after
    flushing skips that teardown, so the exit code is always the command's own.
    """
    try:
        code = main()
    except SystemExit as exit:  # argparse: usage errors and --help
        code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else EXIT_INVALID)
        if isinstance(exit.code, str):
            print(exit.code, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
