"""Temporal Schedules the run command keeps: recurring work that belongs to no single trajectory.

``ensure_schedules`` is idempotent: it creates each schedule, or updates it to the current definition.
"""

from __future__ import annotations

from collections.abc import Callable

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
)

from domain.rijk_van_nijmegen import RIJK_VAN_NIJMEGEN, RijkVanNijmegenPolicy
from workflows.provider_meeting import ProviderMeetingInput, ProviderMeetingReminder

PROVIDER_MEETING_SCHEDULE_ID = "provider-meeting-rijk-van-nijmegen"


def provider_meeting(task_queue: str, policy: RijkVanNijmegenPolicy = RIJK_VAN_NIJMEGEN) -> Schedule:
    """Every ``policy.provider_meeting_every`` (8 weeks): remind WerkBedrijf's consultants of the provider meeting."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            ProviderMeetingReminder.run,
            ProviderMeetingInput(
                region=policy.region,
                consultant_ids=list(policy.provider_meeting_consultants),
                every=policy.provider_meeting_every,
            ),
            id=PROVIDER_MEETING_SCHEDULE_ID,
            task_queue=task_queue,
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=policy.provider_meeting_every)]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
        state=ScheduleState(note="WerkBedrijf Rijk van Nijmegen meets its fixed group of providers every 8 weeks"),
    )


SCHEDULES: dict[str, Callable[[str], Schedule]] = {PROVIDER_MEETING_SCHEDULE_ID: provider_meeting}
"""Schedule ID → its definition for a task queue."""


async def ensure_schedules(client: Client, task_queue: str) -> list[str]:
    """Create every schedule, or bring an existing one up to date; return the schedule IDs."""
    for schedule_id, build in SCHEDULES.items():
        schedule = build(task_queue)
        try:
            await client.create_schedule(schedule_id, schedule)
        except ScheduleAlreadyRunningError:
            await client.get_schedule_handle(schedule_id).update(lambda _: ScheduleUpdate(schedule=schedule))  # noqa: B023
    return list(SCHEDULES)
