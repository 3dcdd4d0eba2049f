"""A trajectory's rows for the records database: ONE ``project`` activity per workflow task (patch ``projection``).

Audit rows, outcome facts, ledger rows and agenda snapshots made during a workflow task are collected in a
``domain.projection.Projection`` and handed to one regular activity after the task. One write is in flight at a
time, so rows reach the database in the order they were made; the main loop goes on meanwhile, and waits for the
last write before the run closes or continues as new.

Since patch ``one-write-per-task`` (:meth:`TrajectoryProjection.settle_task`) the write also carries the task's
payment orders, runs after the task's other effects (so their audit rows join it), and is a local activity when
no Update waits for the task's reply (a deadline firing): one marker event instead of six.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from temporalio import workflow

from workflows.effects import activity, payment_record

with workflow.unsafe.imports_passed_through():
    from activities.projection import ProjectionActivities
    from domain.agenda import AgendaEntry, AgendaSnapshot
    from domain.agenda import uid_for as agenda_uid
    from domain.events import EventBase
    from domain.facts import transition_fact
    from domain.payments import PaymentOrder
    from domain.projection import Projection
    from domain.records import Notify

if TYPE_CHECKING:
    from workflows.state import Engine


class TrajectoryProjection:
    """This workflow task's rows, not yet handed to an activity; mixed into the engine."""

    projection: Projection | None = None
    projection_writes: int = 0
    projection_in_flight: asyncio.Task[None] | None = None
    agenda_projected: AgendaSnapshot | None = None
    awaited_rows: bool = False
    """Rows were projected by an Update handler since the last write: its reply must not wait for the write."""

    def project(self: Engine, part: str, item: Any) -> None:
        """Add ``item`` to part ``part`` of this workflow task's projection (a field of ``Projection``: a list
        part gains the item, a single-valued part is replaced); the main loop writes it after the task."""
        if workflow.current_update_info() is not None:
            self.awaited_rows = True
        if self.projection is None:
            self.projection_writes += 1
            info = workflow.info()
            self.projection = Projection(
                workflow_id=info.workflow_id, key=f"{info.workflow_id}:{info.run_id}:projection{self.projection_writes}"
            )
        self.projection.add(part, item)

    def project_fact(self: Engine, event: str, payload: EventBase | None, source: str | None) -> None:
        """The outcome fact of the start (``source`` ``None``) or of the transition just recorded."""
        workflow_id = workflow.info().workflow_id
        fact = transition_fact(
            key=f"{workflow_id}:fact{len(self.history)}", workflow_id=workflow_id, region=self.policy.region,
            trajectory_id=self.start.trajectory_id, at=workflow.now(), event=event, payload=payload, case=self.case,
            from_state=source, to_state=self.route.state_id, closed=self.route.closed,
            source=self.start.referral_source.value if source is None else None,
        )  # fmt: skip
        if source is None:  # the start: the provider is the start input's
            fact = fact.model_copy(update={"provider_id": fact.provider_id or self.start.provider_id})
        self.project("facts", fact)

    def project_agenda(self: Engine) -> None:
        """Project the open deadlines when they (or the coach) changed since the last snapshot (patch ``agenda``)."""
        if not self.patches.record_agenda:
            return
        info = workflow.info()
        snapshot = AgendaSnapshot(
            workflow_id=info.workflow_id,
            region=self.policy.region,
            trajectory_id=self.start.trajectory_id,
            coach_id=self.coach_id,
            entries=[
                AgendaEntry(
                    uid=agenda_uid(info.workflow_id, d.name),
                    deadline=d.name,
                    kind=d.kind,
                    summary=d.summary,
                    due=d.due,
                    moved=d.moved,
                    recipient=self.recipient_id(d.action.recipient) if isinstance(d.action, Notify) else None,
                )  # fmt: skip
                for d in self.deadlines.running()
                if not d.private
            ],
        )
        if snapshot != self.agenda_projected:
            self.project("agenda", snapshot)
            self.agenda_projected = snapshot

    def projection_due(self) -> bool:
        return self.projection is not None and self.projection_in_flight is None

    def flush_projection(self: Engine) -> None:
        """Hand the collected rows to one ``project`` activity, unless one is still writing: they wait for it."""
        if not self.projection_due():
            return
        projection, self.projection = self.projection, None
        assert projection is not None  # projection_due() said so
        summary = describe(projection)
        task_writes = self.patches.task_writes

        async def write() -> None:
            try:
                if task_writes:
                    await activity(ProjectionActivities.order_and_project, projection, summary)
                    self.ordered(projection.payments)
                else:
                    await activity(ProjectionActivities.project, projection, summary)
            finally:
                self.projection_in_flight = None

        self.projection_in_flight = asyncio.create_task(write())

    # --- one write per task (patch ``one-write-per-task``) -------------------------------------------------

    async def settle_task(self: Engine) -> bool:
        """Run the task's effects, then its one write; ``True`` when the main loop should look again.

        The effects (notifications, requests to UWV) run first, so the rows they add (a delivery's audit row)
        join the write. The write goes at once, as a local activity (one marker event, in the workflow task of
        the timer that woke the trajectory), unless an Update handler made rows since the last write: then the
        regular write after the reply, as before. A records database that is down is reported by the local write;
        its rows then go to the regular, retried write (the orders are out either way)."""
        if self.effects:
            batch = list(self.effects)
            self.effects.clear()
            await asyncio.gather(*(self.execute(effect) for effect in batch))
            return True
        if self.projection is None:
            return False
        if self.projection_in_flight is not None:
            return await self.order_meanwhile()
        if self.awaited_rows:
            self.awaited_rows = False
            self.flush_projection()
            return False
        projection, self.projection = self.projection, None
        summary = await activity(
            ProjectionActivities.order_and_try_project, projection, describe(projection), local=True
        )
        self.ordered(projection.payments)
        if not summary.stored:
            self.projection = projection.then(self.projection)
            self.flush_projection()
        return True

    async def order_meanwhile(self: Engine) -> bool:
        """A write is still in flight (the records database may be down): the rows wait for it, the orders do not."""
        assert self.projection is not None
        ordered = {payment.id for payment in self.payments}
        waiting = [order for order in self.projection.payments if order.id not in ordered]
        if not waiting:
            return False
        await asyncio.gather(*(self.order_alone(order) for order in waiting))
        self.ordered(waiting)
        return True

    def ordered(self: Engine, orders: list[PaymentOrder]) -> None:
        """The payments system has ``orders``: each is in the view (once)."""
        if not orders:
            return
        known = {payment.id for payment in self.payments}
        self.payments.extend(payment_record(order) for order in orders if order.id not in known)


def describe(projection: Projection) -> str:
    """The write's summary in the UI: rows per part."""
    return f"records: {', '.join(f'{len(v) if isinstance(v, list) else 1} {k}' for k, v in projection.parts().items())}"
