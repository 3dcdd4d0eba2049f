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
    ScheduleCalendarSpec,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
)

from domain.rijk_van_nijmegen import RIJK_VAN_NIJMEGEN, RijkVanNijmegenPolicy
from workflows.agenda_digest import AgendaDigest, DigestInput
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


AGENDA_DIGEST_SCHEDULE_ID = "agenda-digest"


def agenda_digest(task_queue: str) -> Schedule:
    """Mondays at 07:30 in Amsterdam (before the working day's deadlines fall due at 08:30): the week ahead."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            AgendaDigest.run, DigestInput(days=7), id=AGENDA_DIGEST_SCHEDULE_ID, task_queue=task_queue
        ),
        spec=ScheduleSpec(
            calendars=[
                ScheduleCalendarSpec(
                    day_of_week=[ScheduleRange(1)],
                    hour=[ScheduleRange(7)],
                    minute=[ScheduleRange(30)],
                    comment="Monday morning, before the working day starts",
                )  # fmt: skip
            ],
            time_zone_name="Europe/Amsterdam",
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
        state=ScheduleState(note="Each coach's deadlines of the week ahead, from the agenda in the records database"),
    )


SCHEDULES: dict[str, Callable[[str], Schedule]] = {
    PROVIDER_MEETING_SCHEDULE_ID: provider_meeting,
    AGENDA_DIGEST_SCHEDULE_ID: agenda_digest,
}
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
