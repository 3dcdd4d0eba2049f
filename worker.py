"""The one place that wires workflows, activities and their dependencies into a worker."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

from temporalio.client import Client
from temporalio.worker import Interceptor, UnsandboxedWorkflowRunner, Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.agenda import AgendaActivities
from activities.audit import AuditActivities, AuditLog
from activities.caseload import CaseloadActivities
from activities.channels import channel_from_config
from activities.notifications import NotificationActivities, NotificationChannel
from activities.outbox import Outbox
from activities.payments import PaymentActivities
from activities.projection import ProjectionActivities
from activities.uwv import UwvActivities
from domain.policy import override_policies
from domain.regions import policies
from records.absences import Roster
from service import config, encryption
from service.connection import connect
from workflows import SCHEDULED_WORKFLOWS, SERVICE_WORKFLOWS, WORKFLOWS

PASSTHROUGH_MODULES = (
    "statemachine", "pydantic", "pydantic_core", "domain", "statemachines", "activities", "holidays", "tzdata",
    "workflows.trajectory", "workflows.deadlines", "workflows.employment", "workflows.visibility", "workflows.payments",
    "workflows.contract", "workflows.effects", "workflows.patches", "workflows.projection", "workflows.state",
    "workflows.arming", "workflows.almere_deadlines", "workflows.amsterdam_deadlines", "workflows.oss_deadlines",
    "workflows.rijk_van_nijmegen_deadlines", "workflows.admission",
)  # fmt: skip
"""Modules the sandbox shares instead of re-importing per run: pure code (python-statemachine resolves a
path at import and does not import inside the sandbox at all; ``holidays`` computes the Dutch public holidays
for ``domain.calendar`` and ``tzdata`` holds Europe/Amsterdam's rules, both read once per process), and the
engine the routes share (``workflows.trajectory``, its state, deadline and payment books, employment, effects,
projection, visibility, patches and contract):
deterministic code without module state, so only the ``@workflow.defn`` modules are re-imported for each run.
Re-importing means compiling them again where no bytecode cache is written (``PYTHONDONTWRITEBYTECODE``): the
engine alone was about half of a new run's first activation."""


def workflow_runner() -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH_MODULES)
    )


def build_worker(
    client: Client,
    task_queue: str | None = None,
    *,
    outbox: Path | str | None = None,
    channel: NotificationChannel | None = None,
    audit: AuditLog | str | None = None,
    max_cached_workflows: int | None = None,
    interceptors: Sequence[Interceptor] = (),
    sandboxed: bool = True,
    inline: bool = False,
) -> Worker:
    """Build the worker for ``client`` on ``task_queue``: every route's workflow and every activity.

    The notification channel comes from ``TRAJECTORIES_NOTIFY_CHANNEL`` unless ``channel`` is given; the
    records database (audit trail, ...) from ``TRAJECTORIES_RECORDS_URL`` unless ``audit`` (a log or a URL) is given. The worker uses the
    client's data converter, so it refuses a client without the payload codec: no worker may ever write personal
    data to Temporal in plain text (``service.connection.connect`` adds it). ``max_cached_workflows``: the cache
    (default ``TRAJECTORIES_WORKFLOW_CACHE``); a forecast keeps its whole cohort, so none replays its history.
    ``interceptors``: for tests (e.g. to hold a workflow task while a racing call reaches the server).
    ``sandboxed=False``: the same workflow code without the sandbox's per-task isolation (a fifth of a task's CPU),
    for a forecast's throwaway test server only; the service and the tests run sandboxed. ``inline=True``: workflow
    tasks and records writes run on the event loop instead of being handed to a thread each (the SDK's debug
    mode, which also drops its 2-second deadlock timer), for a forecast's test server and scratch database in
    memory only: there the hand-offs cost as much CPU as the writes."""
    if not encryption.is_encrypting(client.data_converter):
        raise ValueError(
            "build_worker needs a client whose data converter encrypts payloads (service.connection.connect)"
        )
    box = Outbox(outbox or config.outbox_dir())
    audit_log = audit if isinstance(audit, AuditLog) else AuditLog(audit or config.records_url())
    notifications = NotificationActivities(
        channel or channel_from_config(box),
        outbox=box,
        audit=audit_log,
        operations=config.operations_recipient(),
        stand_ins=Roster(audit_log.records),
    )
    uwv = UwvActivities(box)
    payments = PaymentActivities(box)
    audit_activities = AuditActivities(audit_log)
    caseload = CaseloadActivities(client)
    projection = ProjectionActivities(audit_log.records, outbox=box, inline=inline)
    agenda = AgendaActivities(audit_log.records)
    return Worker(
        client,
        task_queue=task_queue or config.task_queue(),
        workflows=[*WORKFLOWS.values(), *SCHEDULED_WORKFLOWS, *SERVICE_WORKFLOWS],
        activities=[
            notifications.send_notification,
            notifications.deliver_notification,
            notifications.report_undeliverable,
            notifications.deliver_only,
            notifications.alert_undeliverable,
            audit_activities.record_event,
            projection.project,
            projection.order_and_project,
            projection.order_and_try_project,
            agenda.week_ahead,
            uwv.request_sheltered_work_advice,
            payments.order_payment,
            caseload.list_caseload,
            caseload.reassign,
        ],
        workflow_runner=workflow_runner() if sandboxed else UnsandboxedWorkflowRunner(),
        interceptors=interceptors,
        max_cached_workflows=max_cached_workflows or config.workflow_cache_size(),
        max_concurrent_workflow_tasks=config.workflow_task_slots(),
        debug_mode=inline,
    )


async def main() -> None:
    """Run a worker against the cluster in the environment (``TEMPORAL_ADDRESS`` etc.)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    overrides = config.policy_overrides()
    if overrides:
        override_policies(overrides, policies())
        logging.getLogger("worker").warning("policy overrides in effect (tests and demos only): %s", overrides)
    client = await connect()
    await build_worker(client).run()


if __name__ == "__main__":
    asyncio.run(main())
