"""Table rows whose deadline and escalation no region test drove to their moment: each fires at its exact virtual
time, to the owner, then to the team lead (the firing registry, tests/deadline_firings.py, points here)."""

from __future__ import annotations

import pytest

from domain.amsterdam import AMSTERDAM
from domain.dates import add_months, start_of_day
from domain.rijk_van_nijmegen import RIJK_VAN_NIJMEGEN as POLICY
from tests import amsterdam_steps
from tests.rijk_van_nijmegen_steps import TEAM_LEAD, NijmegenTrajectory
from tests.scenario import COACH, assert_fired_at, working_due


async def to_plan_of_approach(t: NijmegenTrajectory):
    await t.send("indication_requested")
    return await t.case_meeting()


async def to_plan_advice(t: NijmegenTrajectory):
    await to_plan_of_approach(t)
    return await t.submit_plan()


@pytest.mark.parametrize(
    ("reach", "deadline", "within", "due_kind", "overdue_kind"),
    [
        (to_plan_of_approach, "plan_of_approach", POLICY.plan_of_approach_within, "plan_of_approach_due",
         "plan_of_approach_overdue"),
        (to_plan_advice, "plan_advice", POLICY.plan_advice_within, "plan_advice_due", "plan_advice_overdue"),
        (NijmegenTrajectory.to_seeking_work, "work_step", POLICY.placement_search_within, "work_step_due",
         "work_step_overdue"),
        (NijmegenTrajectory.to_one_leg_in_each, "work_step_review", POLICY.work_step_review_after,
         "work_step_review_due", "work_step_review_overdue"),
    ],
    ids=["plan_of_approach", "plan_advice", "work_step", "work_step_review"],
)  # fmt: skip
async def test_a_step_is_due_to_the_owner_then_overdue_to_the_team_lead(
    env, worker, reach, deadline, within, due_kind, overdue_kind
):
    t = await NijmegenTrajectory.begin(env, worker)
    view = await reach(t)
    entered = view.history[-1].at
    due = working_due(entered + within, deadline, POLICY)
    assert view.deadlines[deadline] == due
    await assert_fired_at(t, due_kind, COACH, due)
    escalated = working_due(due + POLICY.escalation_after, f"{deadline}_escalation", POLICY)
    await assert_fired_at(t, overdue_kind, TEAM_LEAD, escalated)


async def test_an_amsterdam_contract_s_renewal_is_due_then_its_end_escalated(env, worker):
    t = await amsterdam_steps.start(env, worker)
    await amsterdam_steps.to_sheltered_seeking_work(t)
    today = await t.today()
    await t.send(
        "employment_started", employer_id="employer-albert", start_date=today, end_date=add_months(today, 12),
        employer_days=3, day_activities_days=2,
    )  # fmt: skip
    nominal = start_of_day(add_months(today, 12)) - AMSTERDAM.contract_renewal_notice
    due = working_due(nominal, "contract_renewal", AMSTERDAM)
    await assert_fired_at(t, "contract_renewal_due", COACH, due)
    ending = working_due(due + AMSTERDAM.contract_renewal_notice, "contract_end", AMSTERDAM)
    await assert_fired_at(t, "contract_ending_unrenewed", amsterdam_steps.TEAM_LEAD, ending)
