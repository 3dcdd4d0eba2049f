"""What a forecast run shows: the coaches' workload, the money, placements, fallbacks, and who is where.

Read after the run from what the real routes produced in it: the notifications and payment orders in the
run's outbox (each carries the virtual moment the workflow made it) and the outcome facts in the run's records
database. Weeks are ISO weeks and months and quarters calendar ones, in Europe/Amsterdam.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from activities.outbox import Outbox
from domain.dates import add_months
from domain.facts import OutcomeFact
from domain.figures import AMSTERDAM_TZ, quarter_of
from domain.milestones import MILESTONES


class Workload(BaseModel):
    coach: str
    week: str
    notifications: int


class Money(BaseModel):
    quarter: str
    kind: str
    amount_cents: int


class KindCount(BaseModel):
    kind: str
    count: int


class QuarterCount(BaseModel):
    quarter: str
    count: int


class StateCount(BaseModel):
    month_end: date
    region: str
    state: str
    people: int


class PolicyReport(BaseModel):
    """One policy's run."""

    policy: str
    people: int
    events_accepted: int
    events_refused: list[str]
    first_day: date
    last_day: date
    workload: list[Workload]
    notified: list[KindCount]
    payments: list[Money]
    placements: list[QuarterCount]
    fallbacks: list[QuarterCount]
    states: list[StateCount]

    @property
    def paid_cents(self) -> int:
        return sum(m.amount_cents for m in self.payments)


class Forecast(BaseModel):
    """The whole answer: the run's parameters and one report per policy, side by side."""

    regions: list[str]
    months: int
    seed: int
    cohort: int
    open_trajectories: int
    reports: list[PolicyReport]


def _day(moment: datetime) -> date:
    return moment.astimezone(AMSTERDAM_TZ).date()


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _cents(order: dict[str, Any]) -> int:
    if "amount_cents" in order:
        return int(order["amount_cents"])
    return int(Decimal(str(order["amount"])) * 100)


def _records(outbox: Outbox, kind: str) -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in outbox.records(kind)]


def month_ends(first: date, last: date) -> list[date]:
    """The last day of every month from ``first``'s month on, up to ``last``."""
    ends, month = [], first.replace(day=1)
    while (end := add_months(month, 1) - timedelta(days=1)) <= last:
        ends.append(end)
        month = add_months(month, 1)
    return ends


def policy_report(
    policy: str, *, outboxes: Sequence[Path], facts: list[OutcomeFact], first_day: date, last_day: date,
    accepted: int, refused: list[str], people: int,
) -> PolicyReport:  # fmt: skip
    """One policy's report from its run's outboxes (one per share of its people) and outcome facts."""
    boxes = [Outbox(outbox) for outbox in outboxes]
    workload: Counter[tuple[str, str]] = Counter()
    kinds: Counter[str] = Counter()
    for message in (message for box in boxes for message in _records(box, "notifications")):
        workload[(message["recipient"], _week(_day(datetime.fromisoformat(message["created_at"]))))] += 1
        kinds[message["kind"]] += 1
    money: Counter[tuple[str, str]] = Counter()
    for order in (order for box in boxes for order in _records(box, "payments")):
        # When the order is due (the ledger's payment model), else when the workflow made it.
        day = (
            date.fromisoformat(str(order["due"])[:10])
            if order.get("due")
            else _day(datetime.fromisoformat(order["ordered_at"]))
        )
        if day > last_day:  # a stream's periods are ordered ahead (patch payments-ordered-ahead): due past the horizon
            continue
        money[(quarter_of(day), order["kind"])] += _cents(order)

    by_trajectory: dict[str, list[OutcomeFact]] = defaultdict(list)
    for fact in facts:
        by_trajectory[fact.workflow_id].append(fact)
    placements: Counter[str] = Counter()
    fallbacks: Counter[str] = Counter()
    states: Counter[tuple[date, str, str]] = Counter()
    ends = month_ends(first_day, last_day)
    for history in by_trajectory.values():
        history.sort(key=lambda f: (f.at, f.key))
        table = MILESTONES[history[0].region]
        placed = next((f for f in history if f.to_state in table.work_states), None)
        if placed is not None:
            placements[quarter_of(_day(placed.at))] += 1
        for fact in history:
            if fact.event in table.fallback_events:
                fallbacks[quarter_of(_day(fact.at))] += 1
        for end in ends:
            known = [f for f in history if _day(f.at) <= end]
            if known:
                states[(end, history[0].region, known[-1].to_state)] += 1
    return PolicyReport(
        policy=policy, people=people, events_accepted=accepted, events_refused=refused, first_day=first_day,
        last_day=last_day,
        workload=[Workload(coach=c, week=w, notifications=n) for (c, w), n in sorted(workload.items())],
        notified=[KindCount(kind=k, count=n) for k, n in sorted(kinds.items())],
        payments=[Money(quarter=q, kind=k, amount_cents=c) for (q, k), c in sorted(money.items())],
        placements=[QuarterCount(quarter=q, count=n) for q, n in sorted(placements.items())],
        fallbacks=[QuarterCount(quarter=q, count=n) for q, n in sorted(fallbacks.items())],
        states=[StateCount(month_end=e, region=r, state=s, people=n) for (e, r, s), n in sorted(states.items())],
    )  # fmt: skip


def csv_text(forecast: Forecast) -> str:
    """One row a value: policy, section, key, sub-key, value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["policy", "section", "key", "detail", "value"])
    for report in forecast.reports:
        for w in report.workload:
            writer.writerow([report.policy, "workload", w.coach, w.week, w.notifications])
        for k in report.notified:
            writer.writerow([report.policy, "notified", k.kind, "", k.count])
        for m in report.payments:
            writer.writerow([report.policy, "payments", m.quarter, m.kind, m.amount_cents])
        for q in report.placements:
            writer.writerow([report.policy, "placements", q.quarter, "", q.count])
        for q in report.fallbacks:
            writer.writerow([report.policy, "fallbacks", q.quarter, "", q.count])
        for s in report.states:
            writer.writerow([report.policy, "states", s.month_end.isoformat(), f"{s.region}:{s.state}", s.people])
    return out.getvalue()


def html(forecast: Forecast) -> str:
    """The self-contained HTML report: the forecast's JSON inside, drawn with the figures page's charts."""
    from importlib import resources

    from trajectories.api.figures import charts_script

    page = resources.files("trajectories.forecast").joinpath("report.html").read_text(encoding="utf-8")
    data = forecast.model_dump_json().replace("</", "<\\/")  # nothing in the JSON can close the script element
    return page.replace("/*CHARTS*/", charts_script(), 1).replace("/*FORECAST*/", data, 1)


def write(forecast: Forecast, out: Path) -> list[Path]:
    """``forecast.json``, ``forecast.csv`` and ``forecast.html`` in ``out`` (made if missing)."""
    out.mkdir(parents=True, exist_ok=True)
    written = {
        out / "forecast.json": forecast.model_dump_json(indent=1),
        out / "forecast.csv": csv_text(forecast),
        out / "forecast.html": html(forecast),
    }
    for path, text in written.items():
        path.write_text(text, encoding="utf-8")
    return list(written)
