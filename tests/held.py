"""A worker interceptor that holds the workflow task in which a trajectory continues as new, so that a test can
send an Update that reaches the server while that task is in flight: the race of an event with continue-as-new,
made deterministic."""

from __future__ import annotations

import threading
from typing import NoReturn

from temporalio.worker import (
    ContinueAsNewInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
    WorkflowOutboundInterceptor,
)

HOLD_AT_MOST = 1.5
"""Seconds the workflow thread may be held: under the SDK's deadlock detection (2 s)."""


class HeldContinueAsNew(Interceptor):
    """The first ``continue_as_new`` of a run on this worker waits (in real time, on the workflow's thread) until
    :meth:`release` or :data:`HOLD_AT_MOST`; :attr:`reached` is set when it starts waiting."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.released = threading.Event()

    def release(self) -> None:
        self.released.set()

    def workflow_interceptor_class(self, input: WorkflowInterceptorClassInput) -> type[WorkflowInboundInterceptor]:
        hold = self

        class Outbound(WorkflowOutboundInterceptor):
            def continue_as_new(self, input: ContinueAsNewInput) -> NoReturn:
                if not hold.reached.is_set():
                    hold.reached.set()
                    hold.released.wait(HOLD_AT_MOST)
                super().continue_as_new(input)

        class Inbound(WorkflowInboundInterceptor):
            def init(self, outbound: WorkflowOutboundInterceptor) -> None:
                super().init(Outbound(outbound))

        return Inbound
