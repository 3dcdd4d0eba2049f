"""Deadlines as data: a route's table of deadlines, which the engine reads.

Each :class:`DeadlineRule` says, in the words of the route's documents: on entering state S (or on event E), arm
deadline D a policy interval P from now, tell R (or send the machine an internal event), escalate to E after Q,
with this summary, belonging to these states, met by these events. The engine arms the rules whose trigger and
interval the table gives by itself; a region's hook arms a rule only for what a table cannot say (a date computed
from the payload or the case, a condition on the payload), and then still through the rule (``arm(RULE, at=…)``),
so every deadline a route has is in its table. The deadline book (``workflows.deadlines``) stays the one place
that turns a moment into a due moment (working days).

Pure data: intervals and counts are *names* of the region policy's fields, checked against the policy by the
tests (``tests/test_deadline_tables.py``), as are the states and events the table names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from domain.records import Recipient


@dataclass(frozen=True)
class Escalate:
    """If nobody acted ``after`` (a policy field) past the deadline, ``recipient`` is told ``kind``."""

    after: str
    summary: str
    """``{summary}`` stands for the deadline's own summary."""
    kind: str | None = None
    """Default: the deadline's own kind."""
    recipient: Recipient = Recipient.TEAM_LEAD
    name: str | None = None
    """The escalation's deadline name; default ``<deadline>_escalation``."""


@dataclass(frozen=True)
class DeadlineRule:
    """One deadline of a route (a row of its table)."""

    name: str
    summary: str
    kind: str | None = None
    """The notification's kind (``…_due``, ``…_overdue``); ``None`` when the deadline sends ``event``."""
    recipient: Recipient = Recipient.COACH
    event: str | None = None
    """An internal machine event sent when the deadline falls due, instead of a notification."""
    on_enter: tuple[str, ...] = ()
    """Armed by the engine when the machine enters one of these states (a single state may be given as a string)."""
    on_event: str | None = None
    """Armed by the engine when the machine takes this event (with ``after``)."""
    after: str | None = None
    """Policy field: due this long (a ``timedelta``) after the trigger. ``None`` and no ``after_months``: a hook
    computes the due moment (``at=``)."""
    after_months: str | None = None
    """Policy field: due this many calendar months after the trigger."""
    scope: tuple[str, ...] = ()
    """The states the deadline belongs to (leaving them clears it); default: the state entered (``on_enter``)."""
    escalate: Escalate | None = None
    every_months: str | None = None
    """Policy field: the deadline recurs this many months after its first due moment."""
    when: str | None = None
    """A flag of the region's workflow (``seed_steps``): the engine arms the rule only while it is true."""
    met_by: tuple[str, ...] = ()
    """Events that meet the deadline: the engine clears it (and its escalation) when one is taken."""
    private: bool = False
    """Due moment derived from personal data (a birthday): kept out of visibility."""

    def __post_init__(self) -> None:
        if isinstance(self.on_enter, str):
            object.__setattr__(self, "on_enter", (self.on_enter,))
        if isinstance(self.met_by, str):
            object.__setattr__(self, "met_by", (self.met_by,))

    @property
    def automatic(self) -> bool:
        """The engine can compute the due moment itself (an interval from now)."""
        return bool(self.after or self.after_months)

    @property
    def escalation_name(self) -> str | None:
        if self.escalate is None:
            return None
        return self.escalate.name or f"{self.name}_escalation"

    @property
    def states(self) -> tuple[str, ...]:
        """The states this rule's deadline may belong to."""
        return self.scope or self.on_enter

    def placed(self, **where: object) -> DeadlineRule:
        """This rule with its trigger or scope set (a shared rule in one route's table)."""
        return replace(self, **where)  # type: ignore[arg-type]

    def policy_fields(self) -> list[str]:
        """The policy fields the rule names."""
        fields = [self.after, self.after_months, self.every_months, self.escalate.after if self.escalate else None]
        return [f for f in fields if f]


@dataclass(frozen=True)
class StreamRule:
    """A payment stream a route starts when its machine takes an event (a row of its table): "on ``on_event``,
    start stream ``key`` of payment rule ``rule`` paying ``payee`` from ``anchor`` (to ``end``) while in
    ``runs_in``". Values are named where they come from: ``payload.<field>`` (the event) or ``case.<field>``.

    Started by the engine after the transition's hooks, in runs with payment streams (patch ``payment-streams``).
    What a row cannot say stays a hook calling ``self.money.start(...)``: an amount scaled by a computation
    (Amsterdam's supervision for the contract hours), a key or an end computed from the case (Rijk van
    Nijmegen's arrangements, Amsterdam's internship months)."""

    key: str
    rule: str
    """The policy's payment rule (``RegionPolicy.payment_rules``)."""
    on_event: str
    payee: str
    anchor: str
    runs_in: tuple[str, ...]
    end: str | None = None
    facts: tuple[tuple[str, str], ...] = ()
    """``(stream field, source)``: what the rule's amount depends on (contract hours, wage value)."""
    when: str | None = None
    """A flag of the region's workflow: the stream starts only while it is true (a paid work track)."""
    needs: tuple[str, ...] = ()
    """Sources that must be known (not ``None``), else no stream (no wage value: no wage-cost subsidy)."""

    def sources(self) -> list[str]:
        """Every ``payload.…``/``case.…`` source the row reads."""
        return [self.payee, self.anchor, *([self.end] if self.end else []), *(s for _, s in self.facts), *self.needs]


@dataclass(frozen=True)
class DeadlineTable:
    """A route's deadlines, by name, with the lookups the engine needs; and the payment streams its events start."""

    rules: tuple[DeadlineRule, ...]
    streams: tuple[StreamRule, ...] = ()
    by_name: dict[str, DeadlineRule] = field(init=False, repr=False)

    def __init__(self, rules: Iterable[DeadlineRule], streams: Iterable[StreamRule] = ()) -> None:
        rules = tuple(rules)
        names = [r.name for r in rules]
        duplicated = {n for n in names if names.count(n) > 1}
        if duplicated:
            raise ValueError(f"deadlines named twice: {sorted(duplicated)}")
        object.__setattr__(self, "rules", rules)
        object.__setattr__(self, "streams", tuple(streams))
        object.__setattr__(self, "by_name", {r.name: r for r in rules})

    def starting(self, event: str) -> list[StreamRule]:
        """Payment streams the engine starts when the machine takes ``event``, in the table's order."""
        return [s for s in self.streams if s.on_event == event]

    def __getitem__(self, name: str) -> DeadlineRule:
        return self.by_name[name]

    def __iter__(self):
        return iter(self.rules)

    def entering(self, state: str) -> list[DeadlineRule]:
        """Rules the engine arms when the machine enters ``state``."""
        return [r for r in self.rules if state in r.on_enter and r.automatic]

    def taking(self, event: str) -> list[DeadlineRule]:
        """Rules the engine arms when the machine takes ``event``."""
        return [r for r in self.rules if r.on_event == event and r.automatic]

    def met_by(self, event: str) -> list[DeadlineRule]:
        """Rules ``event`` meets: the engine clears them and their escalations."""
        return [r for r in self.rules if event in r.met_by]

    def deadline_names(self) -> set[str]:
        """Every deadline name the table can open, escalations included."""
        return {r.name for r in self.rules} | {r.escalation_name for r in self.rules if r.escalation_name}


UWV_ADVICE = DeadlineRule(
    name="uwv_advice", summary="UWV advice answer", kind="uwv_advice_overdue", after="uwv_answer_within",
    escalate=Escalate(after="uwv_escalation_after", summary="UWV advice still missing"),
)  # fmt: skip
"""UWV's sheltered-work advice, requested by every route: a missing answer goes to the coach, then the team lead."""
