"""Amsterdam's steps with valid data, for tests and recordings."""

from __future__ import annotations

from typing import Any

from domain.records import TrajectoryView
from tests.scenario import Trajectory

ALL_PARTIES = ["participant", "consultant_beschut_werk", "care_provider", "client_manager_work_income"]
TEAM_LEAD = "amsterdam-team-lead"
SPECIALIST = "amsterdam-wage-value-specialist"


async def start(env: Any, worker: Any, **overrides: Any) -> Trajectory:
    return await Trajectory.start(env, worker, region="amsterdam", **overrides)


async def decide(t: Trajectory) -> TrajectoryView:
    return await t.send("joint_decision_recorded", parties=ALL_PARTIES, step_to_work=True)


async def start_internship(t: Trajectory, host: str = "pantar", **fields: Any) -> TrajectoryView:
    return await t.send("internship_started", host=host, start_date=await t.today(), **fields)


async def to_sheltered_seeking_work(t: Trajectory) -> TrajectoryView:
    await decide(t)
    await t.send("outflow_chosen", outflow="sheltered_work")
    await t.send("wage_value_assessed", wage_value_percent=40, actor="wage-value-specialist")
    return await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")


async def start_employment(t: Trajectory, employer: str = "employer-milieuwerk", split: tuple[int, int] = (3, 2)):
    return await t.send(
        "employment_started",
        employer_id=employer,
        start_date=await t.today(),
        employer_days=split[0],
        day_activities_days=split[1],
    )


async def to_employed(t: Trajectory) -> TrajectoryView:
    await to_sheltered_seeking_work(t)
    return await start_employment(t)
