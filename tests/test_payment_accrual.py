"""The accrual of a payment stream counted in runs of days (``PaymentStream.accrual``) is exactly the day-by-day
sum of the README's rule: each covered day earns its window's amount, at that day's rate and share, over the
window's days. Random streams (month-end anchors, rate changes, tapers, pauses, ends, scales) against the
day-by-day reference; pure, no Temporal."""

from __future__ import annotations

import random
from datetime import date, timedelta
from fractions import Fraction

import pytest

from domain.dates import add_months
from domain.payments import DateSpan, PaymentRule, PaymentStream, Rate, TaperStep, _months_between


def day_by_day(stream: PaymentStream, rule: PaymentRule, first: date, last: date) -> Fraction:
    total, day = Fraction(0), first
    while day <= last:
        if stream.covered(day):
            window = _months_between(stream.anchor, day) // rule.accrual_months
            start = add_months(stream.anchor, window * rule.accrual_months)
            days = (add_months(stream.anchor, (window + 1) * rule.accrual_months) - start).days
            total += stream.window_amount(rule, day) * Fraction(stream.scale) / days
        day += timedelta(days=1)
    return total


def test_accrual_in_runs_equals_the_day_by_day_sum() -> None:
    rnd = random.Random(14)

    def some_day(low: date, days: int) -> date:
        return low + timedelta(days=rnd.randrange(days))

    for _ in range(300):
        base = some_day(date(2025, 1, 1), 4 * 365)
        anchor = base if rnd.random() < 0.5 else add_months(base.replace(day=1), 1) - timedelta(days=rnd.randint(1, 4))
        starts = sorted({some_day(date(2019, 1, 1), 12 * 365) for _ in range(rnd.randint(1, 3))})
        rule = PaymentRule(
            kind="supervision_fee", payee="employer",
            rates=tuple(Rate(effective_from=d, cents=rnd.randint(1_000, 500_000), source="test") for d in starts),
            accrual_months=rnd.choice([1, 3, 12]), every_months=rnd.choice([0, 1, 3]),
            taper=((TaperStep(from_month=12, percent=75), TaperStep(from_month=24, percent=50))
                   if rnd.random() < 0.4 else ()),
            basis=rnd.choice(["fixed", "wage_cost_subsidy"]),
        )  # fmt: skip
        paused = some_day(anchor, 400)
        stream = PaymentStream(
            key="k", rule="r", kind="supervision_fee", payee="p", anchor=anchor,
            end=some_day(anchor, 900) if rnd.random() < 0.5 else None,
            paused=[DateSpan(start=paused, end=paused + timedelta(days=rnd.randint(0, 60)))] if rnd.random() < 0.5 else [],
            paused_since=some_day(anchor, 700) if rnd.random() < 0.2 else None,
            scale=rnd.choice(["1", "32/36", "5/7"]), hours_per_week=rnd.choice([None, 32.0, 30.5]),
            wage_value_percent=rnd.choice([None, 40, 55]),
        )  # fmt: skip
        first = some_day(anchor - timedelta(days=40), 540)
        last = first + timedelta(days=rnd.randint(-3, 400))
        assert stream.accrual(rule, first, last) == day_by_day(stream, rule, first, last), (stream, rule, first, last)
        day = some_day(anchor - timedelta(days=30), 1030)
        every = max(rule.every_months, 1)
        periods = [add_months(anchor, every * k) for k in range(1, 60)]  # a day before the anchor: the first period
        assert stream.period_end(rule, day) == next(p for p in periods if p > day) - timedelta(days=1)


def test_orders_ahead_stop_before_the_next_day_a_rate_may_change() -> None:
    """``rate_change_days`` (patch ``payments-ahead-within-rates``): the first such day strictly after the given
    one, into the next year; a rule without one, or with a day not every year has, is refused as policy."""
    rule = PaymentRule(
        kind="wage_cost_subsidy", payee="employer", rates=(Rate(effective_from=date(2024, 1, 1), cents=1_400),),
        rate_change_days=((7, 1), (1, 1)),
    )  # fmt: skip
    assert rule.next_rate_change(date(2026, 12, 2)) == date(2027, 1, 1)
    assert rule.next_rate_change(date(2027, 1, 1)) == date(2027, 7, 1)
    assert rule.next_rate_change(date(2027, 6, 30)) == date(2027, 7, 1)
    assert rule.next_rate_change(date(2027, 7, 1)) == date(2028, 1, 1)
    fields = {"kind": "supervision_fee", "payee": "employer", "rates": rule.rates}
    for wrong in ((), ((2, 29),), ((13, 1),)):
        with pytest.raises(ValueError, match="rate_change_days"):
            PaymentRule(**fields, rate_change_days=wrong)
