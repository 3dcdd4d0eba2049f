"""Money: payment orders, the rates they come from, and how a period's amount is counted. Pure, no clock.

One model for every region. A *payment rule* (region policy data) says what is paid, to whom, how much per
how many months and from which date a rate takes effect. A *payment stream* is one rule running for one
trajectory: from its first covered day (``anchor``) to its last (``end``), less paused days. Each order covers
the days since the previous order up to the end of the payment period (or the stream's end), in arrears.

How days are counted (pro rata): every calendar day (Europe/Amsterdam) of a covered period earns the amount of
its accrual window (e.g. €1,900 for a quarter, €3,414.72 for a year) divided by the number of calendar days in
that window (90–92 for a quarter, 365 or 366 for a year), at the rate in effect on that day. Orders are
rounded to cents *cumulatively* (an order is the rounded total accrued through its last day minus the rounded
total accrued before its first day), so a full window pays its amount exactly and a stream never drifts by more
than half a cent. A rate change applies to days from its effective date on; an order once made never changes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.dates import add_months

AMSTERDAM_TIME = ZoneInfo("Europe/Amsterdam")


def local_date(moment: datetime) -> date:
    """The date people see for ``moment``: its calendar date in Europe/Amsterdam."""
    return moment.astimezone(AMSTERDAM_TIME).date()


class PaymentKind(StrEnum):
    """What a payment order pays for."""

    SUPERVISION_FEE = "supervision_fee"
    """Begeleidingsvergoeding: the employer's fee for supervising on the shop floor."""
    WAGE_COST_SUBSIDY = "wage_cost_subsidy"
    """Loonkostensubsidie: minimum wage for the contract hours less the measured wage value, plus an allowance."""
    JOB_COACHING = "job_coaching"
    TRAVEL_COSTS = "travel_costs"
    INTERNSHIP = "internship"
    BASIC_ARRANGEMENT = "basic_arrangement"
    DEVELOPMENT_ARRANGEMENT = "development_arrangement"


PayeeRole = Literal["employer", "provider", "internship_host", "participant"]


class Rate(BaseModel):
    """An amount that takes effect on a date. ``default`` marks our own choice where no seed or statute gives one."""

    model_config = ConfigDict(frozen=True)

    effective_from: date
    cents: int = Field(ge=0)
    default: bool = False
    source: str = ""


class TaperStep(BaseModel):
    """From ``from_month`` months after a stream's start, ``percent`` of the amount is paid (funding that moves
    gradually to the employer)."""

    model_config = ConfigDict(frozen=True)

    from_month: int = Field(ge=0)
    percent: int = Field(ge=0, le=100)
    default: bool = False


class PaymentRule(BaseModel):
    """What a region pays for one kind of payment: policy data.

    ``rates`` are the amount per ``accrual_months`` (for ``basis="wage_cost_subsidy"``: the statutory minimum
    wage per hour), each with the date it takes effect; orders fall due every ``every_months`` in arrears
    (0: one order per event, e.g. a claim or a monthly attendance report).
    """

    model_config = ConfigDict(frozen=True)

    kind: PaymentKind
    payee: PayeeRole
    rates: tuple[Rate, ...] = Field(min_length=1)
    accrual_months: int = Field(default=12, ge=1)
    every_months: int = Field(default=1, ge=0)
    taper: tuple[TaperStep, ...] = ()
    basis: Literal["fixed", "wage_cost_subsidy"] = "fixed"
    wage_cost_cap_percent: int = Field(default=70, ge=0, le=100)
    """Wage-cost subsidy: at most this share of the minimum wage (Participatiewet art. 10d: 70 %)."""
    employer_cost_allowance_percent: int = Field(default=23, ge=0, le=100)
    """Wage-cost subsidy: the flat employer-cost allowance on top (forfaitaire werkgeverslasten, 23 %)."""
    rate_change_days: tuple[tuple[int, int], ...] = Field(default=((1, 1),), min_length=1)
    """The days of the year (month, day) on which a new rate of this rule may take effect: 1 January (a
    municipality's fees), also 1 July for the statutory minimum wage. Orders are never made ahead across one."""
    note: str = ""

    @model_validator(mode="after")
    def _rates_in_order(self) -> PaymentRule:
        starts = [r.effective_from for r in self.rates]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            raise ValueError("rates must take effect on distinct dates, in order")
        for month, day in self.rate_change_days:
            try:
                date(2025, month, day)  # a day every year has (not 29 February)
            except ValueError:
                raise ValueError(f"rate_change_days: ({month}, {day}) is not a day of every year") from None
        return self

    def next_rate_change(self, day: date) -> date:
        """The first day after ``day`` on which this rule's rate may change (:attr:`rate_change_days`). A period
        is ordered ahead only if it ends before that day, so every order is priced at the rates of its own days,
        with any rate published before the day it takes effect (``workflows.payments``). Fixed days, not the
        published rates: adding a rate never changes which periods a running trajectory had ordered ahead."""
        year = day.year
        while True:
            for month, dom in sorted(self.rate_change_days):
                if (candidate := date(year, month, dom)) > day:
                    return candidate
            year += 1

    def rate_on(self, day: date) -> Rate:
        """The rate in effect on ``day`` (the first one for days before it: a rule never pays nothing by accident)."""
        current = self.rates[0]
        for rate in self.rates:
            if rate.effective_from <= day:
                current = rate
        return current

    def share_percent(self, months_since_start: int) -> int:
        share = 100
        for step in self.taper:
            if step.from_month <= months_since_start:
                share = step.percent
        return share


class DateSpan(BaseModel):
    """Days ``start`` to ``end``, both included."""

    start: date
    end: date

    def days(self) -> int:
        return max(0, (self.end - self.start).days + 1)

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


class PaymentOrder(BaseModel):
    """An order to pay: the one payment model of every region. ``id`` is stable, so a retried write is a no-op.

    ``amount`` (euros) is ``amount_cents`` / 100, kept for orders made before cents were recorded.
    ``period_start``/``period_end`` are the first and last day covered (inclusive, Europe/Amsterdam);
    ``due`` the date it is to be paid; ``rule`` the policy rule and the rate that made it.
    """

    id: str
    kind: str
    region: str
    trajectory_id: str
    payee: str
    amount: Decimal
    period_start: date
    ordered_at: datetime
    amount_cents: int | None = None
    period_end: date | None = None
    due: date | None = None
    rule: str | None = None


def euros(cents: int) -> str:
    """``cents`` as a euro amount with two decimals (``123456`` → ``"1234.56"``)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def round_cents(value: Fraction) -> int:
    """Half a cent and more rounds up (away from zero for the non-negative amounts paid here)."""
    return int((value + Fraction(1, 2)).__floor__())


class PaymentStream(BaseModel):
    """One payment rule running for one trajectory (workflow state, carried across continue-as-new)."""

    key: str
    rule: str
    kind: PaymentKind
    payee: str
    anchor: date
    end: date | None = None
    ordered_through: date | None = None
    accrued: str = "0"
    """Exact amount (cents, a fraction) accrued through ``ordered_through``: orders round cumulatively."""
    paused: list[DateSpan] = Field(default_factory=list)
    paused_since: date | None = None
    scale: str = "1"
    """A factor on the rule's amount, as an exact fraction (e.g. ``"32/36"``: contract hours / 36 in Amsterdam)."""
    hours_per_week: float | None = None
    wage_value_percent: int | None = None
    runs_in: tuple[str, ...] = ()
    """States in which the stream pays; entering any other state ends it (the day of that event is its last)."""
    paused_in: tuple[str, ...] = ()
    """States in which it pays nothing but does not end (a paused arrangement)."""
    closed: bool = False
    corrections: int = 0
    """Corrections made to days ordered ahead (numbers the correction orders' ids)."""
    generation: int = 0
    """How often a stream of this key started again after one that may have ordered ahead (patch
    ``payments-ordered-ahead``): part of its orders' ids from the first restart on, so a period the earlier
    stream ordered ahead (and took back) never shares an id with the new stream's."""

    def first_open_day(self) -> date:
        return self.ordered_through + timedelta(days=1) if self.ordered_through else self.anchor

    def period_end(self, rule: PaymentRule, day: date) -> date:
        """The last day of the payment period that holds ``day`` (periods start at the anchor)."""
        every = max(rule.every_months, 1)
        k = _months_between(self.anchor, day) // every
        return add_months(self.anchor, every * (k + 1)) - timedelta(days=1)

    def next_order_through(self, rule: PaymentRule) -> date | None:
        """The last day the next order covers, or ``None`` when everything up to the end is ordered."""
        first = self.first_open_day()
        if self.end is not None and first > self.end:
            return None
        through = self.period_end(rule, first)
        return min(through, self.end) if self.end is not None else through

    def covered(self, day: date) -> bool:
        if day < self.anchor or (self.end is not None and day > self.end):
            return False
        if self.paused_since is not None and day >= self.paused_since:
            return False
        return not any(day in span for span in self.paused)

    def accrual(self, rule: PaymentRule, first: date, last: date) -> Fraction:
        """Exact cents earned by the covered days ``first``..``last`` (see the module's docstring).

        Each covered day earns its window's amount (at the day's rate and share) over the window's days; the days
        are counted in runs that share all three (a month since the anchor, no rate taking effect within), so a
        year ahead costs a few dozen fractions, not one per day."""
        total = Fraction(0)
        scale = Fraction(self.scale)
        one = timedelta(days=1)
        changes = sorted(r.effective_from for r in rule.rates)
        day = max(first, self.anchor)  # nothing is earned before the stream's first day
        while day <= last:
            months = _months_between(self.anchor, day)
            window = months // rule.accrual_months
            start = add_months(self.anchor, window * rule.accrual_months)
            end = add_months(self.anchor, (window + 1) * rule.accrual_months)  # the next window's first day
            run_end = min(last, end - one, add_months(self.anchor, months + 1) - one)
            run_end = min([run_end, *(change - one for change in changes if day < change <= run_end)])
            covered = sum(1 for n in range((run_end - day).days + 1) if self.covered(day + timedelta(days=n)))
            if covered:
                total += self.window_amount(rule, day) * scale * covered / (end - start).days
            day = run_end + one
        return total

    def window_amount(self, rule: PaymentRule, day: date) -> Fraction:
        """The amount (cents) a full accrual window holding ``day`` pays at the rates in effect on ``day``."""
        rate = rule.rate_on(day)
        share = Fraction(rule.share_percent(_months_between(self.anchor, day)), 100)
        if rule.basis == "fixed":
            return Fraction(rate.cents) * share
        return (
            wage_cost_subsidy_per_month(rule, rate.cents, self.hours_per_week or 0, self.wage_value_percent or 0)
            * rule.accrual_months
            * share
        )


def _months_between(start: date, later: date) -> int:
    """Whole calendar months from ``start`` to ``later`` (``add_months(start, n) <= later``)."""
    months = (later.year - start.year) * 12 + later.month - start.month
    while months > 0 and add_months(start, months) > later:
        months -= 1
    return max(months, 0)


def minimum_wage_per_month(hourly_cents: int, hours_per_week: float) -> Fraction:
    """The statutory minimum wage for a contract of ``hours_per_week``: hourly wage × hours × 52 / 12."""
    return Fraction(hourly_cents) * Fraction(str(hours_per_week)) * 52 / 12


def wage_cost_subsidy_per_month(
    rule: PaymentRule, hourly_cents: int, hours_per_week: float, wage_value_percent: int
) -> Fraction:
    """Loonkostensubsidie (Participatiewet art. 10d): the minimum wage for the contract hours less the wage value,
    at most ``wage_cost_cap_percent`` of the minimum wage, plus the flat employer-cost allowance on it."""
    wage = minimum_wage_per_month(hourly_cents, hours_per_week)
    base = min(wage * (100 - wage_value_percent) / 100, wage * rule.wage_cost_cap_percent / 100)
    return base * (100 + rule.employer_cost_allowance_percent) / 100


def next_order(stream: PaymentStream, rule: PaymentRule) -> tuple[DateSpan, int, Rate] | None:
    """The next order of ``stream`` (its period, amount in cents and the rate on its last day), or ``None``."""
    through = stream.next_order_through(rule)
    if through is None:
        return None
    first = stream.first_open_day()
    before = Fraction(stream.accrued)
    after = before + stream.accrual(rule, first, through)
    return DateSpan(start=first, end=through), round_cents(after) - round_cents(before), rule.rate_on(through)


def advance(stream: PaymentStream, rule: PaymentRule, through: date) -> PaymentStream:
    """``stream`` once its days up to ``through`` are ordered."""
    accrued = Fraction(stream.accrued) + stream.accrual(rule, stream.first_open_day(), through)
    return stream.model_copy(update={"ordered_through": through, "accrued": str(accrued)})


def rule_label(region: str, name: str, rate: Rate) -> str:
    """How an order names the rule that made it: ``<region>.<rule>@<effective date>`` (+ ``(default)``)."""
    return f"{region}.{name}@{rate.effective_from.isoformat()}" + (" (default)" if rate.default else "")
