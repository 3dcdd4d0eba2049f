"""Rijk van Nijmegen's steps with valid data, in the contract's JSON, for tests and recordings."""

from __future__ import annotations

from typing import Any

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.records import TrajectoryView
from tests.scenario import Trajectory

REGION = "rijk-van-nijmegen"
CONSULTANTS = ["consultant-intake-1", "consultant-intake-2", "consultant-linking-3"]
TEAM_LEAD = "werkbedrijf-team-lead"
PROVIDER = "provider-driestroom"
SUPERVISOR = "supervisor-driestroom-4"
JOB_COACH = "jobcoach-werkbedrijf-7"
BUSINESS_CONSULTANT = "consultant-bdv-2"


class NijmegenTrajectory(Trajectory):
    """A Rijk van Nijmegen trajectory under test."""

    @classmethod
    async def begin(cls, env: WorkflowEnvironment, worker: Worker, **overrides: Any) -> NijmegenTrajectory:
        trajectory = await cls.start(env, worker, region=REGION, **overrides)
        return cls(env, trajectory.handle)

    async def case_meeting(self, arrangement: str | None = "basic_plus_wage_value", **fields: Any) -> TrajectoryView:
        decision = "granted" if arrangement else "refused"
        extra = {"half_days_per_week": 6} if arrangement else {}
        return await self.send(
            "case_meeting_held",
            actor=CONSULTANTS[0],
            consultants=CONSULTANTS,
            decision=decision,
            arrangement=arrangement,
            **{**extra, **fields},
        )

    async def submit_plan(self) -> TrajectoryView:
        return await self.send(
            "plan_submitted",
            actor=f"backend:{PROVIDER}",
            provider_id=PROVIDER,
            learning_goals=["travel independently", "keep to agreed working hours"],
            competences=["reliability", "collaboration"],
        )

    async def agree_plan(self, **fields: Any) -> TrajectoryView:
        return await self.send("plan_advised", advice="agreed", start_date=await self.today(), **fields)

    async def to_development(self, arrangement: str = "basic_plus_wage_value", **fields: Any) -> TrajectoryView:
        await self.send("indication_requested", provider_id=PROVIDER)
        await self.case_meeting(arrangement)
        await self.submit_plan()
        return await self.agree_plan(**fields)

    async def to_seeking_work(self, next_step: str = "sheltered_work") -> TrajectoryView:
        """Sheltered work goes through UWV's (positive) advice first."""
        await self.to_development()
        view = await self.send("evaluation_completed", goals_met=True, next_step=next_step)
        if view.state == "awaiting_advice":
            view = await self.send("advice_received", actor="backend:uwv-gateway", outcome="positive")
        return view

    async def start_work_step(self, form: str = "trial_placement", employer: str = "employer-dela") -> TrajectoryView:
        return await self.send(
            "work_step_started",
            form=form,
            employer_id=employer,
            supervisor_id=SUPERVISOR,
            secondment=True,
            start_date=await self.today(),
        )

    async def to_one_leg_in_each(self) -> TrajectoryView:
        await self.to_seeking_work()
        return await self.start_work_step()

    async def complete_work_step(self) -> TrajectoryView:
        return await self.send("work_step_completed", job_coach_id=JOB_COACH, contract_start=await self.today())

    async def fall_back(self) -> TrajectoryView:
        return await self.send("fell_back", consultant_id=BUSINESS_CONSULTANT, reason="the workplace closed")
