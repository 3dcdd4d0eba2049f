"""The caseload hand-over: a durable walk through a coach's open trajectories, reassigning each to another coach.

One workflow per hand-over (``caseload-handover-<id>``). It lists the caseload once (an activity: visibility),
then reassigns the trajectories a batch at a time, each by an activity that sends the trajectory its ordinary
``coach_reassigned`` event with a stable Update ID, so a worker killed mid-way resumes where it was and no
trajectory is reassigned twice. Progress is the ``progress`` Query and the workflow's current details.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.caseload import CaseloadActivities
    from domain.handover import (
        CaseloadQuery,
        HandoverInput,
        HandoverProgress,
        Reassignment,
        ReassignOutcome,
        TrajectoryRef,
    )

BATCH = 10
"""Trajectories reassigned at the same time: quick for a large caseload, gentle on the workers."""
CONTINUE_AS_NEW_AFTER = 2000
"""History length at which a long hand-over continues as new with what is left (each batch adds about 35 events)."""
LIST_TIMEOUT = timedelta(minutes=5)
REASSIGN_TIMEOUT = timedelta(seconds=30)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))


@workflow.defn(name="CaseloadHandover")
class CaseloadHandover:
    @workflow.init
    def __init__(self, input: HandoverInput) -> None:
        self.request = input.request
        self.pending: list[TrajectoryRef] | None = list(input.pending) if input.pending is not None else None
        self.total = input.total
        self.reassigned = input.reassigned
        self.not_reassigned: list[ReassignOutcome] = list(input.not_reassigned)
        self.in_progress: list[str] = []
        self.since = input.since or workflow.now()

    @workflow.run
    async def run(self, input: HandoverInput) -> HandoverProgress:
        if self.pending is None:
            self.publish()
            query = CaseloadQuery(coach=self.request.from_coach, region=self.request.region, state=self.request.state)
            self.pending = await workflow.execute_activity_method(
                CaseloadActivities.list_caseload, query, start_to_close_timeout=LIST_TIMEOUT, heartbeat_timeout=LIST_TIMEOUT,
                retry_policy=RETRY, summary=f"list the open trajectories of {query.coach}",
            )  # fmt: skip
            self.total = len(self.pending)
        while self.pending:
            batch = self.pending[:BATCH]
            self.in_progress = [ref.workflow_id for ref in batch]
            self.publish()
            outcomes = await asyncio.gather(*(self.reassign(ref) for ref in batch))
            for outcome in outcomes:
                if outcome.result == "reassigned":
                    self.reassigned += 1
                else:
                    self.not_reassigned.append(outcome)
            del self.pending[: len(batch)]
            self.in_progress = []
            info = workflow.info()
            if self.pending and (
                info.is_continue_as_new_suggested() or info.get_current_history_length() >= CONTINUE_AS_NEW_AFTER
            ):
                workflow.continue_as_new(
                    HandoverInput(
                        request=self.request,
                        pending=self.pending,
                        since=self.since,
                        total=self.total,
                        reassigned=self.reassigned,
                        not_reassigned=self.not_reassigned,
                    )  # fmt: skip
                )
        self.publish()
        return self.progress()

    async def reassign(self, ref: TrajectoryRef) -> ReassignOutcome:
        order = Reassignment(
            trajectory=ref,
            from_coach=self.request.from_coach,
            to_coach=self.request.to_coach,
            actor=self.request.actor,
            update_id=f"{workflow.info().workflow_id}:{ref.workflow_id}",
            since=self.since,
            client=self.request.client,
        )
        return await workflow.execute_activity_method(
            CaseloadActivities.reassign, order, start_to_close_timeout=REASSIGN_TIMEOUT, retry_policy=RETRY,
            summary=f"reassign {ref.workflow_id}",
        )  # fmt: skip

    @workflow.query(name="progress")
    def progress(self) -> HandoverProgress:
        if self.pending is None:
            status = "listing"
        elif self.pending:
            status = "reassigning"
        else:
            status = "done"
        return HandoverProgress(
            handover_id=self.request.handover_id,
            from_coach=self.request.from_coach,
            to_coach=self.request.to_coach,
            region=self.request.region,
            state=self.request.state,
            status=status,
            total=self.total,
            reassigned=self.reassigned,
            in_progress=self.in_progress,
            not_reassigned=self.not_reassigned,
        )

    def publish(self) -> None:
        """The current details the Web UI shows beside the workflow."""
        p = self.progress()
        scope = " · ".join(f"{k} {v}" for k, v in (("region", p.region), ("state", p.state)) if v)
        lines = [f"hand-over of `{p.from_coach}`'s caseload to `{p.to_coach}`" + (f" ({scope})" if scope else "")]
        if p.status == "listing":
            lines.append("listing the open trajectories…")
        else:
            lines.append(
                f"**{p.done} of {p.total}** done: {p.reassigned} reassigned, {len(p.not_reassigned)} left as they were"
            )
        workflow.set_current_details("\n\n".join(lines))
