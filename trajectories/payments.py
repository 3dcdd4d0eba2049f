"""Reading the payment ledger (written by the workflows' projection) for the API, the CLI and finance officers.

The ledger outlives Temporal's retention: it answers for trajectories whose history is gone. Totals are per payee
and per quarter of the due date (the quarter the money goes out), in integer cents.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from domain.payments import PaymentOrder, euros
from records import open_records
from records import payments as ledger_rows
from service import config
from trajectories.listing import Region


class PaymentFilter(BaseModel):
    """What finance filters on; every field narrows the result (AND). ``from``/``to`` bound the due date."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    region: Region | None = None
    payee: str | None = Field(default=None, min_length=2, max_length=200, description="Employer, provider or payee id.")
    from_: date | None = Field(default=None, alias="from", description="Due on or after this date (ISO).")
    to: date | None = Field(default=None, description="Due on or before this date (ISO).")

    @field_validator("to")
    @classmethod
    def _not_before_from(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("from_")
        if value is not None and start is not None and value < start:
            raise ValueError(f"must not lie before from ({start})")
        return value


class Totals(BaseModel):
    """Sums in euro cents: all, per payee, per quarter of the due date (``2027-Q1``)."""

    total_cents: int
    by_payee: dict[str, int]
    by_quarter: dict[str, int]


class PaymentLedger(BaseModel):
    """The answer of ``GET /payments``."""

    payments: list[PaymentOrder]
    totals: Totals


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def totals(orders: list[PaymentOrder]) -> Totals:
    by_payee: dict[str, int] = defaultdict(int)
    by_quarter: dict[str, int] = defaultdict(int)
    for order in orders:
        cents = order.amount_cents or 0
        by_payee[order.payee] += cents
        by_quarter[quarter_of(order.due or order.period_start)] += cents
    return Totals(
        total_cents=sum(by_payee.values()),
        by_payee=dict(sorted(by_payee.items())),
        by_quarter=dict(sorted(by_quarter.items())),
    )


def read_ledger(selection: PaymentFilter, url: str | None = None) -> list[PaymentOrder]:
    """The ledger's orders matching ``selection``, by due date, from ``url`` (default: the records database)."""
    records = open_records(url or config.records_url())
    with records.read() as connection:
        return ledger_rows.orders(
            connection, region=selection.region, payee=selection.payee, due_from=selection.from_, due_to=selection.to
        )


CSV_FIELDS = (
    "id", "region", "trajectory_id", "kind", "payee", "amount_cents", "amount", "period_start", "period_end", "due",
    "rule", "ordered_at",
)  # fmt: skip


def to_csv(orders: list[PaymentOrder]) -> str:
    """One row per order, amounts in cents and in euros (two decimals, a point), dates ISO."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for order in orders:
        values = order.model_dump(mode="json")
        values["amount"] = euros(order.amount_cents or 0)
        writer.writerow([values[name] if values[name] is not None else "" for name in CSV_FIELDS])
    return out.getvalue()
