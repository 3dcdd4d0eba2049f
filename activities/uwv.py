"""Requests to UWV for the sheltered-work advice (advies beschut werk)."""

from __future__ import annotations

import logging

from temporalio import activity

from activities.outbox import Outbox
from domain.messages import UwvAdviceRequest

log = logging.getLogger(__name__)


class UwvActivities:
    """Files advice requests for UWV's gateway. The gateway resolves the pseudonymous reference itself."""

    def __init__(self, outbox: Outbox):
        self.outbox = outbox

    @activity.defn
    async def request_sheltered_work_advice(self, request: UwvAdviceRequest) -> bool:
        written = self.outbox.put("uwv-advice-requests", request.id, request)
        log.info(
            "UWV advice request %s for %s (%s)",
            request.id,
            request.trajectory_id,
            "filed" if written else "already filed",
        )
        return written
