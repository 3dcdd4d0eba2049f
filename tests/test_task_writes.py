"""One write per workflow task (patch ``one-write-per-task``): what a steady employed year costs in history, and
that every fee, subsidy and visit of that year still lands in the ledger, the outbox and the audit trail at its
exact virtual time. A records database that is down delays the rows, never the orders.

Counting history events is a functional test of the history's shape (what a running trajectory records), not a
timing; the benchmark's figure for the same year is ``python3 dev.py bench --only history`` (target (d)).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import OperationalError
from temporalio.api.history.v1 import HistoryEvent

import activities.projection
from activities.audit import AuditLog
from activities.outbox import Outbox
from domain.dates import add_months, start_of_day
from domain.payments import AMSTERDAM_TIME as AMSTERDAM
from service import config
from tests.scenario import OTHER_COACH, Trajectory, working_due
from trajectories.payments import PaymentFilter, read_ledger

YEAR = timedelta(days=365)
WAKE_UP = ["timer_fired", "workflow_task_scheduled", "workflow_task_started", "workflow_task_completed"]


def kind(event: HistoryEvent) -> str:
    return (event.WhichOneof("attributes") or "").removesuffix("_event_attributes")


def is_local_activity(event: HistoryEvent) -> bool:
    return (
        kind(event) == "marker_recorded" and event.marker_recorded_event_attributes.marker_name == "core_local_activity"
    )


async def history_of(t: Trajectory) -> list[HistoryEvent]:
    """Every event of the trajectory, over each run it continued as new into."""
    events: list[HistoryEvent] = []
    run_id = t.handle.first_execution_run_id or t.handle.run_id
    while True:
        batch = [e async for e in t.client.get_workflow_handle(t.handle.id, run_id=run_id).fetch_history_events()]
        events += batch
        if not batch or kind(batch[-1]) != "workflow_execution_continued_as_new":
            return events
        run_id = batch[-1].workflow_execution_continued_as_new_event_attributes.new_execution_run_id


def at(event: HistoryEvent) -> datetime:
    return event.event_time.ToDatetime().replace(tzinfo=UTC)


def wake_ups(events: list[HistoryEvent]) -> list[list[HistoryEvent]]:
    """The events split at each timer that fired: one list per time the trajectory woke up."""
    groups: list[list[HistoryEvent]] = []
    for event in events:
        if kind(event) == "timer_fired" or not groups:
            groups.append([])
        groups[-1].append(event)
    return groups


def payment_due(payment) -> datetime:
    """When an order of a stream falls due: the day after its period, at the start of Almere's working day."""
    return working_due(start_of_day(payment.period_end + timedelta(days=1)), f"payment:{payment.kind}")


async def permanent(env, worker, employer: str) -> Trajectory:
    t = await Trajectory.start(env, worker)
    await t.to_seeking_placement()
    await t.start_trial(employer=employer)
    await t.sign_contract()
    await t.send("permanent_contract_signed", start_date=await t.today())
    await t.settle()
    return t


async def test_a_steady_employed_year_wakes_only_for_its_visits(env, worker, outbox: Path):
    """A year of permanent employment in Almere: a monthly wage-cost subsidy, a quarterly supervision fee (on the
    same day), six-monthly aftercare visits. Each stream orders its periods ahead up to the next deadline that is
    not a payment's (patch ``payments-ordered-ahead``), so the trajectory wakes for the visits (and once for the
    first subsidy, which orders up to the first visit), not for each order. Each wake-up is its timer, one
    workflow task, the upsert of the next deadline, one local write (orders, ledger rows, agenda, audit rows) —
    one more marker for a visit's notification — and the next timer: no regular activity and no second workflow
    task. The year costs under 40 events (85 with an order per due moment, 202 before ``one-write-per-task``)."""
    employer = f"employer-{uuid.uuid4().hex[:8]}"
    t = await permanent(env, worker, employer)
    await t.sleep(timedelta(days=1))
    begin = await t.now()
    for _ in range(4):  # a quarter per call
        await t.sleep(YEAR / 4)
    await t.settle()

    events = [e for e in await history_of(t) if begin <= at(e) < begin + YEAR]
    assert "workflow_execution_continued_as_new" not in {kind(e) for e in events}, "the year fits one run"
    groups = wake_ups(events)
    patches = 0  # a patch asked for the first time in a run (e.g. the first notification's) records a marker and
    # upserts TemporalChangeVersion: the SDK's, once per patch and run
    for group in groups:
        kinds = [kind(e) for e in group]
        writes = sum(1 for e in group if is_local_activity(e))
        asked = kinds.count("marker_recorded") - writes
        assert kinds[:4] == WAKE_UP and kinds[-1] == "timer_started", kinds
        assert set(kinds[4:-1]) <= {"upsert_workflow_search_attributes", "marker_recorded"}, kinds
        assert kinds.count("upsert_workflow_search_attributes") <= 1 + asked and 1 <= writes <= 2, kinds
        patches += asked
    view = await t.view()
    due_in_year = [p for p in view.payments if begin <= payment_due(p) < begin + YEAR]
    visits = [n for n in view.notifications if begin <= n.at < begin + YEAR]
    assert {p.kind for p in due_in_year} == {"supervision_fee", "wage_cost_subsidy"} and len(due_in_year) == 16
    assert {n.kind for n in visits} == {"aftercare_visit_due"} and len(visits) in (1, 2)
    woke = {e.event_time.ToDatetime().replace(tzinfo=UTC) for e in events if kind(e) == "timer_fired"}
    assert {n.at for n in visits} <= {p.at for p in view.payments}, "a visit orders what falls due up to the next"
    assert len(groups) == len(woke) <= len(visits) + 1, "a wake-up per visit, and the first subsidy's"
    assert patches <= 2  # the first notification's and payments-ordered-ahead, in the first wake-ups of the run
    assert len(events) == 7 * len(groups) + len(visits) + 2 * patches, "timer, task, upsert, a write, next timer"
    assert len(events) <= 40

    # Every order due in the year: ordered at a wake-up no later than its due moment, in the ledger as ordered,
    # with its period and due date as when each was ordered on its day, in the outbox.
    ledger = {order.id: order for order in read_ledger(PaymentFilter(payee=employer))}
    box = Outbox(outbox)
    for payment in due_in_year:
        due = payment_due(payment)
        assert payment.at <= due + timedelta(seconds=1) and payment.due == due.astimezone(AMSTERDAM).date()
        assert ledger[payment.id].ordered_at == payment.at and ledger[payment.id].amount_cents == payment.amount_cents
        assert box.has("payments", payment.id)
    assert len({p.id for p in view.payments}) == len(view.payments), "each order once in the view"
    fees = sorted((p for p in due_in_year if p.kind == "supervision_fee"), key=lambda p: p.period_start)
    assert [p.amount_cents for p in fees] == [190_000] * 4
    for before, after in zip(fees, fees[1:], strict=False):
        assert after.period_start == before.period_end + timedelta(days=1)

    # The visits: each at its deadline's exact moment, delivered to the outbox, its audit row written.
    trail = AuditLog(config.records_url()).trail(t.handle.id)
    for visit in visits:
        assert visit.due is not None and timedelta(0) <= visit.at - visit.due < timedelta(seconds=1)
        assert box.has("notifications", visit.id)
        assert [(row.key, row.result) for row in trail if row.key == visit.id] == [(visit.id, "delivered")]


def local_activities(events: list[HistoryEvent]) -> list[str]:
    """The types of the local activities in ``events`` (their markers' ``data`` is plain JSON)."""
    return [
        json.loads(e.marker_recorded_event_attributes.details["data"].payloads[0].data)["activity_type"]
        for e in events
        if is_local_activity(e)
    ]


async def test_orders_fall_due_on_time_while_the_records_database_is_down(env, worker, outbox: Path, monkeypatch):
    """The records database fails when the first monthly subsidy falls due: the orders (that month's and those
    ordered ahead up to the next visit) reach the payments system at that exact moment by the local write, which
    reports the outage and leaves the rows to the retried regular write. Later an event is accepted during an
    outage (its write is retried) and the next wake-up comes: its orders go out by their own activities, the rows
    wait. Once the database is back every ledger row is there, once."""
    employer = f"employer-{uuid.uuid4().hex[:8]}"
    t = await Trajectory.start(env, worker)
    await t.to_seeking_placement()
    await t.start_trial(employer=employer)
    await t.sign_contract()
    await t.settle()
    begin = start_of_day(await t.today())
    write = activities.projection.write_projection
    down = False

    def failing(records, projection):
        if down:
            raise OperationalError("INSERT", {}, Exception("the records database is down"))
        return write(records, projection)

    def subsidies(view) -> list:
        return [p for p in view.payments if p.kind == "wage_cost_subsidy"]

    def ledger() -> list[str]:
        return [order.id for order in read_ledger(PaymentFilter(payee=employer)) if order.kind == "wage_cost_subsidy"]

    monkeypatch.setattr(activities.projection, "write_projection", failing)
    box = Outbox(outbox)
    for accepted_during_outage in (False, True):
        view = await t.view()
        due = (
            min(view.deadlines.values())  # the next wake-up: a visit, which orders the next months ahead
            if accepted_during_outage
            else working_due(add_months(begin, 1), "payment:wage_cost_subsidy")
        )
        await t.sleep_until(due - timedelta(hours=1), plus=timedelta(0))
        down = True
        if accepted_during_outage:
            await t.send("coach_reassigned", coach_id=OTHER_COACH)
        await t.sleep_until(due)
        ordered = [p for p in subsidies(await t.view()) if p.at >= due]
        assert ordered and all(timedelta(0) <= p.at - due < timedelta(seconds=1) for p in ordered)
        if not accepted_during_outage:
            assert ordered[0].period_end == add_months(begin, 1).date() - timedelta(days=1)
        assert all(box.has("payments", p.id) for p in ordered), "ordered while the database is down"
        assert not {p.id for p in ordered} & set(ledger()), "their rows wait for the database"
        during = [e for e in await history_of(t) if due <= at(e) < due + timedelta(minutes=1)]
        written = [name for name in local_activities(during) if name != "deliver_only"]  # a deadline due as well
        if accepted_during_outage:
            assert written and set(written) == {"order_payment"}, written
        else:
            assert written == ["order_and_try_project"]
        down = False
        await t.sleep(timedelta(minutes=10))  # the retried write backs off up to five minutes
        await t.settle()
        assert {p.id for p in ordered} <= set(ledger())
    view = await t.view()
    assert sorted(ledger()) == sorted(p.id for p in subsidies(view)) and len(ledger()) == len(subsidies(view)) > 2
    assert len({p.id for p in view.payments}) == len(view.payments), "each order once in the view"
