"""Payments that follow the facts: a trajectory's payment streams, each ordered by a deadline of its own.

A region starts a stream when what it pays for starts (employment, an arrangement, an internship), with the
states it pays in. The engine tells the book every state the machine enters: a state outside the stream's
states ends it (the day of that event is the last day paid, and what the current period earned is ordered at
once), a pausing state stops its days until the machine leaves it. Amounts and periods come from the region's
payment rules (``domain/rates.py``) through the pure arithmetic of ``domain/payments.py``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.dates import add_months, start_of_day
    from domain.payments import (
        DateSpan,
        PaymentOrder,
        PaymentRule,
        PaymentStream,
        advance,
        euros,
        local_date,
        next_order,
        round_cents,
        rule_label,
    )
    from domain.records import PayStream

if TYPE_CHECKING:
    from workflows.trajectory import TrajectoryWorkflow

PAYMENT_STREAMS_PATCH = "payment-streams"
"""Payments follow the facts: streams with periods, pro rata and ends, in cents, with the rule that made them.
Runs that started before keep their fixed-amount deadlines (``PaySupervisionFee``/``Pay``) to their end."""

PAYMENT_CORRECTIONS_PATCH = "payment-corrections"
"""A payment ordered ahead (on the working day before a weekend or holiday, so before its period's last days
have passed) is corrected when an end, a pause or a resumption then changes which of those days are paid: a
correction order for the difference. Runs that started before leave such days as they were ordered."""

PAYMENTS_AHEAD_PATCH = "payments-ordered-ahead"
"""When a timer wakes the trajectory, each running stream orders at once every period that falls due before the
trajectory's next deadline that is not a payment's (a visit, an expiry; at most :data:`ORDER_AHEAD_MONTHS`
ahead), each with the due date and period it always had: a steady employed year wakes for its visits, not for
each monthly order (``tests/test_task_writes.py``). An end or pause after that is settled by the correction orders
of :data:`PAYMENT_CORRECTIONS_PATCH`. Asked at the first wake-up with a running stream; runs from before, or
without corrections, order each period when it falls due."""

PAYMENTS_AHEAD_RATES_PATCH = "payments-ahead-within-rates"
"""A period is ordered ahead only if all its days lie before the next day its rule's rate could change (1 January,
or a day of the year its rates changed before: the minimum wage's 1 July;
:meth:`domain.payments.PaymentRule.next_rate_change`); a period from that day on is ordered when it falls due,
and orders ahead again from there. A rate is added to the policy when it is published, before it takes effect, so
every order is priced at the rates of its own days, never at an old rate for days after a change. Runs from
before the patch order up to :data:`ORDER_AHEAD_MONTHS` ahead whatever the rates."""

ORDER_AHEAD_MONTHS = 12
"""How far ahead a stream's periods are ordered at most, when no other deadline comes sooner."""


class PaymentBook:
    """The running payment streams of one trajectory (carried across continue-as-new in the snapshot)."""

    def __init__(self, engine: TrajectoryWorkflow, streams: dict[str, PaymentStream]):
        self.engine = engine
        self.streams = streams  # the trajectory state's own dict (workflows.state), carried across continue-as-new
        self.corrections = False
        """Days ordered ahead are corrected when the facts change (decided at the start of a run)."""

    # --- what region workflows call ---------------------------------------------------------------------

    def rule(self, name: str) -> PaymentRule:
        return self.engine.policy.payment_rules[name]

    def start(
        self,
        key: str,
        rule: str,
        payee: str,
        anchor: date,
        *,
        runs_in: tuple[str, ...],
        paused_in: tuple[str, ...] = (),
        end: date | None = None,
        **facts: Any,
    ) -> None:
        """Start stream ``key`` of ``rule`` paying ``payee`` from ``anchor`` (to ``end``, inclusive) while the
        machine is in ``runs_in``. A running stream of the same key is ended first (today is its last day)."""
        if key in self.streams and not self.streams[key].closed:
            self.end(key, self.engine.local_today)
        kind = self.rule(rule).kind
        before = self.streams.get(key)
        again = {}
        if before is not None and self.ahead_granted():  # its ids go on from the earlier stream's (see generation)
            again = {"generation": before.generation + 1, "corrections": before.corrections}
        self.streams[key] = PaymentStream(
            key=key, rule=rule, kind=kind, payee=payee, anchor=anchor, end=end, runs_in=runs_in, paused_in=paused_in,
            **again, **facts,
        )  # fmt: skip
        self.arm(key)

    def set_end(self, key: str, end: date | None) -> None:
        """Move the last day of ``key`` (a renewed contract, a moved arrangement end; ``None``: open-ended). A
        stream ended by its state is reopened: the renewal continues it from the day after what was ordered."""
        stream = self.streams.get(key)
        if stream is None:
            return
        self.streams[key] = stream.model_copy(update={"end": end, "closed": False})
        if end is not None:
            self.true_up(key, stream, end + timedelta(days=1))
        self.arm(key)

    def end(self, key: str, last_day: date) -> None:
        """Stop ``key`` after ``last_day`` and order what it earned up to there now."""
        stream = self.streams.get(key)
        if stream is None or stream.closed:
            return
        end = last_day if stream.end is None else min(stream.end, last_day)
        paused = list(stream.paused)
        if stream.paused_since is not None:
            paused.append(DateSpan(start=stream.paused_since, end=max(stream.paused_since, end)))
        self.streams[key] = stream.model_copy(update={"end": end, "paused": paused, "paused_since": None})
        self.true_up(key, stream, end + timedelta(days=1))
        while self.order_next(key):
            pass
        self.streams[key] = self.streams[key].model_copy(update={"closed": True})
        self.engine.deadlines.clear(self.deadline_name(key))

    def follow(self, state: str) -> None:
        """The machine entered ``state``: pause, resume or end each open stream accordingly."""
        today = self.engine.local_today
        for key, stream in list(self.streams.items()):
            if stream.closed:
                continue
            if state in stream.paused_in:
                if stream.paused_since is None:
                    self.streams[key] = stream.model_copy(update={"paused_since": today})
                    self.true_up(key, stream, today)
                self.arm(key)  # the machine's pause stops deadline clocks; a stream's period ends all the same
            elif state in stream.runs_in:
                if stream.paused_since is not None:
                    span = DateSpan(start=stream.paused_since, end=today - timedelta(days=1))
                    paused = [*stream.paused, span] if span.days() else stream.paused
                    self.streams[key] = stream.model_copy(update={"paused": paused, "paused_since": None})
                    self.true_up(key, stream, today)
                self.arm(key)
            else:
                self.end(key, today)

    def order_once(
        self, key: str, rule: str, payee: str, period: DateSpan, *, quantity: int = 1, cents: int | None = None
    ) -> None:
        """One order of ``rule`` (a claim, a monthly attendance report, a one-off amount): ``quantity`` times the
        rate in effect on the period's last day, or ``cents`` up to that rate (a claim's cap)."""
        payment_rule = self.rule(rule)
        rate = payment_rule.rate_on(period.end)
        amount = rate.cents * quantity if cents is None else min(cents, rate.cents)
        self.engine.order_payment(
            self.new_order(key, payment_rule.kind, payee, period, amount, rule_label(self.region, rule, rate),
                           due=self.engine.local_today)
        )  # fmt: skip

    # --- what the engine calls ----------------------------------------------------------------------------

    def fire(self, key: str) -> None:
        """The stream's deadline fired: order its period, arm the next."""
        stream = self.streams.get(key)
        if stream is None or stream.closed:
            return
        if self.order_next(key):
            self.arm(key)

    def order_ahead(self, now: datetime) -> None:
        """A timer woke the trajectory (patch ``payments-ordered-ahead``): order each running stream's periods
        that fall due up to the next deadline that is not a payment's (at most :data:`ORDER_AHEAD_MONTHS` from
        ``now``, and since ``payments-ahead-within-rates`` not past the rule's next possible rate change), with
        their own due dates and periods. A paused stream waits: its days may not be paid."""
        running = [key for key, stream in self.streams.items() if not stream.closed and stream.paused_since is None]
        if not running or not self.corrections:
            return
        names = {self.deadline_name(key) for key in self.streams}
        others = [d.due for d in self.engine.deadlines.running() if d.name not in names]
        horizon = min([*others, add_months(now, ORDER_AHEAD_MONTHS)])
        upcoming = [self.next_due(key) for key in running]
        if not any(due is not None and due <= horizon for due in upcoming):
            return  # nothing to order ahead: the patch is not asked (no marker) until there is
        if not self.engine.patched(PAYMENTS_AHEAD_PATCH):
            return
        within_rates = self.engine.patched(PAYMENTS_AHEAD_RATES_PATCH)
        for key in running:
            rule = self.rule(self.streams[key].rule)
            priced = rule.next_rate_change(local_date(now)) if within_rates else None
            ordered = False
            while (
                (through := self.streams[key].next_order_through(rule)) is not None
                and self.due_moment(key, through) <= horizon
                and (priced is None or through < priced)
            ):
                if not self.order_next(key):
                    break
                ordered = True
            if ordered:
                self.arm(key)

    def ahead_granted(self) -> bool:
        """This trajectory has ``payments-ordered-ahead`` already (asked at a wake-up, or carried): its streams may
        have ordered ahead. Asks nothing (no marker), so it is safe in any task."""
        memory = self.engine.patch_memory
        return PAYMENTS_AHEAD_PATCH in memory.given or PAYMENTS_AHEAD_PATCH in (memory.carried or frozenset())

    @staticmethod
    def deadline_name(key: str) -> str:
        return f"payment:{key}"

    # --- inside ---------------------------------------------------------------------------------------------

    @property
    def region(self) -> str:
        return self.engine.policy.region

    def arm(self, key: str) -> None:
        stream = self.streams[key]
        through = stream.next_order_through(self.rule(stream.rule))
        name = self.deadline_name(key)
        if through is None or stream.closed:
            self.engine.deadlines.clear(name)
            return
        self.engine.deadlines.arm(
            name, start_of_day(through + timedelta(days=1)), f"{stream.kind.replace('_', ' ')} to {stream.payee}",
            PayStream(key=key), stream.runs_in + stream.paused_in,
        )  # fmt: skip

    def next_due(self, key: str) -> datetime | None:
        """When the next period of ``key`` not yet ordered falls due; ``None`` when everything is ordered."""
        stream = self.streams[key]
        through = stream.next_order_through(self.rule(stream.rule))
        return None if through is None else self.due_moment(key, through)

    def due_moment(self, key: str, through: date) -> datetime:
        """When the order covering up to ``through`` falls due (its stream's deadline for it)."""
        return self.engine.deadlines.placed(self.deadline_name(key), start_of_day(through + timedelta(days=1)))["due"]

    def due_date(self, key: str, through: date) -> date:
        """The date an order covering up to ``through`` is due: the day after, in arrears, on the policy's
        working-day calendar when it has one (Almere's moves a payment off a weekend to the working day before).
        The period it covers stays the calendar period; only the due date moves."""
        return local_date(self.due_moment(key, through))

    def true_up(self, key: str, before: PaymentStream, since: date) -> None:
        """The facts of ``key`` changed from ``since`` on (``before``: the stream as it was). Days from there that
        were already ordered (ahead, on the working day before a weekend) are paid as they now are: a correction
        order for the difference, and what lies past a new end counts as not ordered (a renewal pays it again).

        Keeps ``accrued`` the exact amount of the days up to ``ordered_through`` under the facts now known."""
        stream = self.streams[key]
        through = stream.ordered_through
        if not self.corrections or through is None or since > through:
            return
        rule = self.rule(stream.rule)
        was = Fraction(stream.accrued)
        now = was - before.accrual(rule, since, through) + stream.accrual(rule, since, through)
        last = through if stream.end is None else min(through, stream.end)
        self.streams[key] = stream.model_copy(
            update={"accrued": str(now), "ordered_through": last, "corrections": stream.corrections + 1}
        )
        cents = round_cents(now) - round_cents(was)
        if cents:
            rate = rule.rate_on(since)
            self.engine.order_payment(
                self.new_order(
                    f"{key}:correction:{stream.corrections + 1}", stream.kind, stream.payee,
                    DateSpan(start=since, end=through), cents, f"{rule_label(self.region, stream.rule, rate)} correction",
                    due=self.engine.local_today,
                )
            )  # fmt: skip

    def order_next(self, key: str) -> bool:
        """Order the next period of ``key`` if it has one; ``False`` when everything up to its end is ordered."""
        stream = self.streams[key]
        rule = self.rule(stream.rule)
        upcoming = next_order(stream, rule)
        if upcoming is None:
            return False
        period, cents, rate = upcoming
        self.streams[key] = advance(stream, rule, period.end)
        if cents > 0:
            name = f"{key}:{stream.generation}" if stream.generation else key
            order = self.new_order(
                f"{name}:{period.end.isoformat()}", stream.kind, stream.payee, period, cents,
                rule_label(self.region, stream.rule, rate), due=self.due_date(key, period.end),
            )  # fmt: skip
            self.engine.order_payment(order)
        return True

    def new_order(
        self, key: str, kind: str, payee: str, period: DateSpan, cents: int, rule: str, *, due: date
    ) -> PaymentOrder:
        workflow_id = workflow.info().workflow_id
        return PaymentOrder(
            id=f"{workflow_id}:pay:{key}",
            kind=str(kind),
            region=self.region,
            trajectory_id=self.engine.start.trajectory_id,
            payee=payee,
            amount=euros(cents),
            amount_cents=cents,
            period_start=period.start,
            period_end=period.end,
            due=due,
            rule=rule,
            ordered_at=workflow.now(),
        )
