"""Payment orders to employers (supervision fees and the like)."""

from __future__ import annotations

import logging

from temporalio import activity

from activities.outbox import Outbox
from domain.messages import PaymentOrder

log = logging.getLogger(__name__)


def put_order(outbox: Outbox, order: PaymentOrder) -> bool:
    """Hand ``order`` to the payments system (the outbox's ``payments`` folder) unless it has it; whether this did.
    Shared by ``order_payment`` and the task writes of ``activities/projection.py``."""
    written = outbox.put("payments", order.id, order)
    log.info(
        "payment %s %s %s to %s (%s)",
        order.id,
        order.kind,
        order.amount,
        order.payee,
        "ordered" if written else "already ordered",
    )
    return written


class PaymentActivities:
    """Hands payment orders to the municipality's payments system, once per order id."""

    def __init__(self, outbox: Outbox):
        self.outbox = outbox

    @activity.defn
    async def order_payment(self, order: PaymentOrder) -> bool:
        return put_order(self.outbox, order)
