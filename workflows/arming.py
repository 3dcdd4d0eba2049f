"""The one way a trajectory arms a deadline: a rule of its route's table (``domain.deadline_rules``).

The engine arms the table's rules by themselves, on entering a state or taking an event, and clears those an
event meets, after the transition's hooks (a hook sees the deadlines as they were). A region's hook arms a rule
itself only for what the table cannot say (``arm(rule, at=…)`` with a computed moment, ``summary=`` with a
computed text, ``scope=`` for runs from before a patch); the deadline book computes the due moment either way.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.dates import add_months
    from domain.deadline_rules import DeadlineRule, DeadlineTable, StreamRule
    from domain.records import Escalation, Notify, Pay, PayStream, PaySupervisionFee, SendEvent

if TYPE_CHECKING:
    from workflows.state import Engine


class TrajectoryDeadlines:
    """Arms and clears a route's deadlines from its table; mixed into the engine."""

    deadline_table: ClassVar[DeadlineTable] = DeadlineTable([])

    def arm(
        self: Engine, rule: DeadlineRule, *, at: datetime | None = None, summary: str | None = None,
        scope: tuple[str, ...] | None = None,
    ) -> None:  # fmt: skip
        """Open deadline ``rule`` (replacing it if open), due ``at`` or the rule's policy interval from now; not
        while the rule's ``when`` flag is false."""
        if not self.applies(rule):
            return
        policy = self.policy
        if at is not None:
            due = at
        elif rule.after_months:
            due = add_months(workflow.now(), getattr(policy, rule.after_months))
        else:
            due = workflow.now() + getattr(policy, str(rule.after))
        action = Notify(kind=rule.kind, recipient=rule.recipient) if rule.kind else SendEvent(event=str(rule.event))
        summary = summary or rule.summary
        escalation = None
        if rule.escalate is not None:
            escalate = rule.escalate
            escalation = Escalation(
                name=str(rule.escalation_name), after=getattr(policy, escalate.after),
                summary=escalate.summary.format(summary=summary),
                notify=Notify(kind=escalate.kind or str(rule.kind), recipient=escalate.recipient),
            )  # fmt: skip
        every = getattr(policy, rule.every_months) if rule.every_months else None
        self.deadlines.arm(
            rule.name, due, summary, action, scope or rule.scope or rule.on_enter, escalation=escalation,
            every_months=every, private=rule.private,
        )  # fmt: skip

    def clear(self: Engine, *rules: DeadlineRule) -> None:
        """Close deadlines ``rules`` and their escalations: they were met (or are moot)."""
        for rule in rules:
            self.deadlines.clear(rule.name, *([rule.escalation_name] if rule.escalation_name else []))

    def applies(self: Engine, rule: DeadlineRule) -> bool:
        return rule.when is None or bool(getattr(self, rule.when))

    def follow_table(self: Engine, event: str, entered: str | None, payload: Any = None) -> None:
        """After the machine took ``event`` (into ``entered``, a state it was not in): clear the rows the event
        meets, arm the rows it triggers and those of the state entered, and start the payment streams it starts.

        Called by the engine once the transition's hooks ran, rather than as python-statemachine's generic
        ``on_transition``/``on_enter_state`` callbacks: those would be bound for every state and transition each
        time a run builds its machine (about half as much again of its construction cost)."""
        table = self.deadline_table
        self.clear(*table.met_by(event))
        for rule in [*table.taking(event), *(table.entering(entered) if entered else [])]:
            self.arm(rule, scope=None if rule.scope or not entered else (entered,))
        if self.payment_streams:
            for stream in table.starting(event):
                self.start_stream(stream, payload)

    def start_stream(self: Engine, stream: StreamRule, payload: Any) -> None:
        """Start the payment stream a row declares, with the values it names (unless its flag or a value it needs
        is missing). A stream is data of the payment book: starting one issues no command by itself."""
        if not (stream.when is None or getattr(self, stream.when)):
            return

        def value(source: str) -> Any:
            where, _, name = source.partition(".")
            return getattr(payload if where == "payload" else self.case, name)

        if any(value(source) is None for source in stream.needs):
            return
        self.money.start(
            stream.key, stream.rule, str(value(stream.payee)), value(stream.anchor), runs_in=stream.runs_in,
            end=value(stream.end) if stream.end else None, **{name: value(source) for name, source in stream.facts},
        )  # fmt: skip

    # --- firing -------------------------------------------------------------------------------------------

    def next_due(self: Engine) -> datetime | None:
        upcoming = self.deadlines.next()
        return upcoming.due if upcoming else None

    def fire_due(self: Engine, now: datetime) -> None:
        """Do what each deadline due by ``now`` says: notify, pay, order a stream's period, or send an event."""
        for deadline in self.deadlines.pop_due(now):
            action = deadline.action
            # A payment's period starts on its nominal date, also when the order goes out on the working day before.
            period_start = (deadline.nominal or deadline.due).date()
            if isinstance(action, Notify):
                self.notify(action.kind, action.recipient, due=deadline.due, summary=deadline.summary)
            elif isinstance(action, PaySupervisionFee):
                self.pay("supervision_fee", action.amount, period_start=period_start)
            elif isinstance(action, Pay):
                self.pay(action.kind, action.amount, period_start=period_start)
            elif isinstance(action, PayStream):
                self.money.fire(action.key)
            elif isinstance(action, SendEvent) and action.event in self.route.allowed_now():
                self.apply(action.event, None, actor="system:deadline")
        if self.payment_streams:
            self.money.order_ahead(now)
