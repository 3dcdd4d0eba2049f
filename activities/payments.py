"""Payment orders to employers (supervision fees and the like)."""

from __future__ import annotations

import logging

from temporalio import activity

from activities.outbox import Outbox
from domain.messages import PaymentOrder

log = logging.getLogger(__name__)


class PaymentActivities:
    """Hands payment orders to the municipality's payments system, once per order id."""

    def __init__(self, outbox: Outbox):
        self.outbox = outbox

    @activity.defn
    async def order_payment(self, order: PaymentOrder) -> bool:
        written = self.outbox.put("payments", order.id, order)
        log.info(
            "payment %s %s %s to %s (%s)",
            order.id,
            order.kind,
            order.amount,
            order.payee,
            "ordered" if written else "already ordered",
        )
        return written
