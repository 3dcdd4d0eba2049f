"""The engine's versions: every change to what a trajectory does, named once, and what a run decided.

A running trajectory keeps the behaviour it started with (``workflow.patched`` is true on new runs and on runs
that recorded the marker, false on runs from before). Each name has a recorded history in ``tests/histories/``
that replays on the current code (``tests/test_replay.py``). Region patches (their seed steps) live with the
region's workflow; the payment streams' with the payment book (``workflows.payments``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from temporalio import workflow

from workflows.payments import PAYMENT_CORRECTIONS_PATCH, PAYMENT_STREAMS_PATCH

UNDELIVERABLE_PATCH = "notification-undeliverable"
"""Notifications get a bounded retry policy; one that still fails is recorded undeliverable and reported."""

AUDIT_EVENTS_PATCH = "audit-events"
"""Every accepted event is written to the audit trail by its own (short) activity."""

AUDIT_AFTER_REPLY_PATCH = "audit-events-after-reply"
"""An accepted event's audit row is written by a regular activity: a local one holds the workflow task, and with
it the Update's reply, until the row is in the database (the round trip went from about 1.1x to 1.9x a bare
Update; see BENCHMARKS.md). Temporal keeps the scheduled activity, so the row is written even if the worker
or the database is down when the event is accepted."""

PROJECTION_PATCH = "projection"
"""What a workflow task adds to the records database (an accepted event's audit row, and whatever else a part of
``domain.projection.Projection`` holds) is written by ONE regular ``project`` activity per workflow task, after
the Update's reply, instead of one activity per row. One write is in flight at a time, so rows reach the
database in the order they were made; the main loop goes on meanwhile (deadlines fire while the database is
down), and waits for the last write before the run closes or continues as new. Runs that started before keep
their per-event audit activity (asked once, at the start of the run)."""

STAND_INS_PATCH = "stand-ins"
"""Notifications go through ``deliver_notification``, which sends to the stand-in while the recipient is absent
(the roster in the records database, read when sending) and returns who received it, which the view records.
Runs from before keep ``send_notification`` (recipient as addressed) for the notifications they had."""

PROJECTED_DELIVERIES_PATCH = "projected-deliveries"
"""A notification's audit row (delivered, or undeliverable) goes into the projection write instead of being
written inside the notification activity: before, a records database that was down failed the activity after
the channel had delivered, and its bounded retries ran out as "undeliverable". The activity now only delivers
(``deliver_only``, ``alert_undeliverable``) and the row waits in the projection until the database is back.
Needs :data:`PROJECTION_PATCH` (and takes the ``stand-ins`` recipient); decided once, at the start of a run."""

OUTCOME_FACTS_PATCH = "outcome-facts"
"""Every trajectory writes its milestones (its start, then each accepted transition) to the records database as
outcome facts (``domain.facts``), in the same projection write as its audit rows, so the figures outlive
Temporal's retention. Needs :data:`PROJECTION_PATCH`; decided once, at the start of a run."""

LOCAL_EFFECTS_PATCH = "local-effects"
"""Notifications and payment orders run as local activities: one marker event each, in the workflow task
that queued them, instead of three events and a further workflow task per activity (a steady year of
employment went from about 60 events to about 30; see BENCHMARKS.md). Runs that started before this
change keep regular activities to their end (``workflow.patched`` is asked once, at the start of a run)."""

# WORKING_DAYS_PATCH ("working-days", in domain.policy with the policies that name their own): deadlines fall due at the start of a working day in
# Europe/Amsterdam, off weekends and Dutch public holidays (``policy.working_days``, computed by the deadline book);
# runs from before keep midnight-UTC and exact-interval deadlines to their end. Asked once, when the run is
# constructed, before the first hook arms a deadline; a region whose working days came later (``policy
# .working_days_patch``, e.g. ``working-days-every-route``) asks its own patch too.

NEXT_DEADLINE_KIND_PATCH = "next-deadline-kind"
"""``NextDeadlineKind`` says what is due at ``NextDeadline``; it goes into the upsert that moves
``NextDeadline`` (or that changes another attribute) only when it changed, so it adds no upsert of its own
(a quarterly fee whose successor is again a fee changes the date, not the kind)."""

AGENDA_PATCH = "agenda"
"""The trajectory's open deadlines go to the agenda in the records database (``domain.agenda``): a snapshot in
the task's one projection write whenever they (or the coach) changed. Needs :data:`PROJECTION_PATCH`."""

TASK_WRITES_PATCH = "one-write-per-task"
"""A workflow task's payment orders travel in its one projection write, and a task no one waits for writes it
as a LOCAL activity: a fee's or a visit's deadline used to cost a regular ``project`` activity (three events and
a further workflow task, six events) beside a local activity per order; a steady employed year in Almere went
from 202 events to 85 (``tests/test_task_writes.py``). In detail: the task's notifications and other effects
run first, so their audit rows join the write; then ``order_and_try_project`` (local) hands the orders to the
payments system and writes the rows, in the same workflow task as the timer that woke it. A task with an
accepted event writes with the regular ``order_and_project`` after the Update's reply, as before, now with its
orders (the reply no longer waits for them). A records database that is down delays the rows, never the
orders: the local write says so and leaves the rows to the retried regular one; while a write is in flight,
orders go out by ``order_payment`` and the rows wait. Needs :data:`PROJECTION_PATCH` and
:data:`LOCAL_EFFECTS_PATCH`; runs that started before keep one activity per order and the per-task ``project``
to their end."""

CARRIED_PATCHES_PATCH = "carried-patches"
"""A run that continues as new hands the patches it had to the next run, which takes them without asking
``workflow.patched`` again. Every patch asked records a marker and (the SDK's) an upsert of
``TemporalChangeVersion``: a dozen patches cost some 24 events at the start of every run, a third of what a
continued Amsterdam run adds beyond its bare twin. Patches the trajectory did not have yet are asked as before (so
a continued run still takes up what is new), and runs continued before keep asking every patch (their
continuation carries no names). Asked once, when the run continues as new."""


PATCH_BASELINE_PATCH = "patch-baseline-2026-12"
"""One marker for every patch below that a new run has: the first patch a run asks through :class:`PatchMemory`
asks this one instead, and when the run has it, every name of :data:`PATCH_BASELINE` is true without a marker of
its own. A new Almere run asked 14 patches, each a marker and the SDK's ``TemporalChangeVersion`` upsert: 28 of
its events, most of what its history adds to its bare twin's (BENCHMARKS.md, target (a)). Runs recorded before
(no baseline marker where the run first asked a patch) ask each patch as they did; patches added later are asked
one by one until a newer baseline names them. Asked once per run."""

PATCH_BASELINE = frozenset({
    "agenda", "almere-hours-build-up", "almere-seed-steps", "amsterdam-seed-steps", "audit-events",
    "audit-events-after-reply", "carried-patches", "local-effects", "next-deadline-kind", "notification-undeliverable",
    "one-write-per-task", "oss-seed-steps", "outcome-facts", "payment-corrections", "payment-streams",
    "payments-ordered-ahead", "projected-deliveries", "projection", "rijk-van-nijmegen-seed-steps",
    "rijk-van-nijmegen-youth-team", "stand-ins", "working-days", "working-days-every-route",
})  # fmt: skip
"""Every patch name the engine and the routes had when :data:`PATCH_BASELINE_PATCH` was made (never changed: a
newer baseline is a new name)."""


@dataclass
class PatchMemory:
    """The patches a trajectory has: carried from the run it continued from, and those this run was given."""

    carried: frozenset[str] | None = None
    """From the continuation (``None``: it carried none, every patch is asked)."""
    given: set[str] = field(default_factory=set)
    baseline: bool | None = None
    """Whether this run has :data:`PATCH_BASELINE_PATCH` (``None``: not asked yet)."""

    @classmethod
    def of(cls, carried: Iterable[str] | None) -> PatchMemory:
        return cls(carried=None if carried is None else frozenset(carried))

    def patched(self, name: str) -> bool:
        """``workflow.patched(name)``, or true without asking (no marker) when the trajectory had ``name`` before."""
        if self.carried is not None and name in self.carried:
            return True
        if name in PATCH_BASELINE and self.has_baseline():
            self.given.add(name)
            return True
        if workflow.patched(name):
            self.given.add(name)
            return True
        return False

    def has_baseline(self) -> bool:
        if self.baseline is None:
            carried = self.carried is not None and PATCH_BASELINE_PATCH in self.carried
            self.baseline = carried or workflow.patched(PATCH_BASELINE_PATCH)
            if self.baseline:
                self.given.add(PATCH_BASELINE_PATCH)
        return self.baseline

    def to_carry(self) -> list[str] | None:
        """What the continuation carries: every patch the trajectory has, once this run has ``carried-patches``."""
        if not self.patched(CARRIED_PATCHES_PATCH):
            return None
        return sorted(self.given | (self.carried or frozenset()))


ENCRYPTED_STARTS_PATCH = "encrypted-starts"
"""A run whose input arrived in plain text (not through the encryption codec: a client without the payload key
started it directly on Temporal) ends at once as ``StartNotEncrypted``, before it builds its state, publishes a
search attribute or writes to the records database. Asked only for such a run, so encrypted starts record no
marker; runs from before (histories recorded before encryption have plain inputs) go on as they did."""

ONCE_ACROSS_RUNS_PATCH = "events-once-across-runs"
"""An event whose Update ID an earlier run accepted (carried in the snapshot: Temporal deduplicates Update IDs
within a run only) is answered with the view instead of being applied again: a backend that retries with its
Idempotency-Key after the trajectory continued as new applies the event once. Asked only for such a repeat."""


@dataclass(frozen=True)
class RunPatches:
    """What one run decided at its start, once (markers are asked in a fixed order: it is part of history)."""

    local_effects: bool = False
    publish_kind: bool = False
    projection: bool = False
    record_facts: bool = False
    record_agenda: bool = False
    payment_streams: bool = False
    payment_corrections: bool = False
    projected_deliveries: bool = False
    task_writes: bool = False

    @classmethod
    def decide(cls, patched: Callable[[str], bool] = workflow.patched) -> RunPatches:
        """``patched``: how to ask (the engine's :class:`PatchMemory`, which knows what a continuation carried)."""
        local_effects = patched(LOCAL_EFFECTS_PATCH)
        publish_kind = patched(NEXT_DEADLINE_KIND_PATCH)
        projection = patched(PROJECTION_PATCH)
        record_facts = projection and patched(OUTCOME_FACTS_PATCH)
        record_agenda = projection and patched(AGENDA_PATCH)
        payment_streams = patched(PAYMENT_STREAMS_PATCH)
        payment_corrections = payment_streams and patched(PAYMENT_CORRECTIONS_PATCH)
        projected_deliveries = projection and patched(PROJECTED_DELIVERIES_PATCH)
        task_writes = projection and local_effects and patched(TASK_WRITES_PATCH)
        return cls(
            local_effects=local_effects, publish_kind=publish_kind, projection=projection, record_facts=record_facts,
            record_agenda=record_agenda, payment_streams=payment_streams, payment_corrections=payment_corrections,
            projected_deliveries=projected_deliveries, task_writes=task_writes,
        )  # fmt: skip
