"""The payment ledger's rows: written insert-or-ignore on the payment id, read with filters for finance."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from domain.payments import PaymentOrder, euros
from records.database import insert_or_ignore
from records.schema import payment_ledger


def write_orders(connection: Connection, orders: Iterable[PaymentOrder]) -> list[bool]:
    """Insert each order unless its id is there; per order, whether this call wrote it."""
    recorded_at = datetime.now(UTC)
    rows = [
        {
            "payment_id": order.id,
            "workflow_id": order.id.split(":pay:")[0],
            "region": order.region,
            "trajectory_id": order.trajectory_id,
            "kind": order.kind,
            "payee": order.payee,
            "amount_cents": order.amount_cents,
            "period_start": order.period_start,
            "period_end": order.period_end or order.period_start,
            "due": order.due or order.period_start,
            "rule": order.rule or "",
            "ordered_at": order.ordered_at,
            "recorded_at": recorded_at,
        }
        for order in orders
        if order.amount_cents is not None
    ]
    return insert_or_ignore(connection, payment_ledger, rows, "payment_id")


def orders(
    connection: Connection,
    *,
    region: str | None = None,
    payee: str | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
) -> list[PaymentOrder]:
    """The orders matching every given filter (``due`` between ``due_from`` and ``due_to``, both included), by
    due date, then payee, then id."""
    query = sa.select(payment_ledger)
    if region is not None:
        query = query.where(payment_ledger.c.region == region)
    if payee is not None:
        query = query.where(payment_ledger.c.payee == payee)
    if due_from is not None:
        query = query.where(payment_ledger.c.due >= due_from)
    if due_to is not None:
        query = query.where(payment_ledger.c.due <= due_to)
    query = query.order_by(payment_ledger.c.due, payment_ledger.c.payee, payment_ledger.c.payment_id)
    return [_order(row) for row in connection.execute(query).mappings()]


def _order(row: sa.RowMapping) -> PaymentOrder:
    ordered_at = row["ordered_at"]
    if ordered_at.tzinfo is None:  # SQLite returns naive datetimes: they were written in UTC
        ordered_at = ordered_at.replace(tzinfo=UTC)
    return PaymentOrder(
        id=row["payment_id"], kind=row["kind"], region=row["region"], trajectory_id=row["trajectory_id"],
        payee=row["payee"], amount=euros(row["amount_cents"]), amount_cents=row["amount_cents"],
        period_start=row["period_start"], period_end=row["period_end"], due=row["due"], rule=row["rule"],
        ordered_at=ordered_at,
    )  # fmt: skip


def ledger_lines(connection: Connection, *, region: str | None = None) -> list[dict[str, object]]:
    """Every order's region, payee, kind, amount and due date (``domain.figures.LedgerLine``): what the outcome
    figures sum per quarter and payee."""
    columns = [payment_ledger.c[name] for name in ("region", "payee", "kind", "amount_cents", "due")]
    query = sa.select(*columns).order_by(payment_ledger.c.due, payment_ledger.c.payment_id)
    if region is not None:
        query = query.where(payment_ledger.c.region == region)
    return [dict(row) for row in connection.execute(query).mappings()]
