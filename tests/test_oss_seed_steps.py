"""Issue 17, Oss: the steps seed 001 names, at exact virtual times on the time-skipping server.

The youth consultant's regie from screening on, no closing for lack of capacity (a re-screening date instead,
and a young person's evaluation can send them back sooner), the UWV benefit told from the municipal one, the
arbeidsdeskundige following a candidate until placed, and the participation ladder with a baseline.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError
from temporalio.client import WorkflowUpdateFailedError

from domain.dates import add_months, start_of_day
from domain.oss import OSS as POLICY
from domain.start import TrajectoryStart
from tests.scenario import COACH, Trajectory, notifications, start_input, working_due
from tests.test_oss import AD, TEAM_LEAD, WORK_CONSULTANT, YOUTH_TEAM, search_attribute
from workflows.contract import COACH_ID, NEXT_DEADLINE, TRAJECTORY_STATE

ADULT = {"has_benefit": True, "age_band": "28_plus", "hours_per_week": 16}
YOUNG = {"has_benefit": True, "age_band": "18_to_27", "hours_per_week": 16}
YOUNG_UWV = {**YOUNG, "benefit_source": "uwv"}


@pytest.fixture(autouse=True)
async def effects_finish(env, worker):
    """Let queued notifications reach the channel before the worker stops (see test_oss.py)."""
    yield
    await env.sleep(timedelta(seconds=1))


async def start(env, worker, participant, **overrides) -> Trajectory:
    return await Trajectory.start(env, worker, region="oss", participant=participant, **overrides)


async def rejected(t: Trajectory, event: str, **fields):
    with pytest.raises(WorkflowUpdateFailedError) as caught:
        await t.send(event, **fields)
    return caught.value.cause


def due_at(nominal):
    """Where a deadline whose arithmetic gives ``nominal`` falls due: 08:30 in Amsterdam on its working day."""
    return working_due(nominal, policy=POLICY)


def only(view, kind):
    found = notifications(view, kind)
    assert len(found) == 1, (kind, found)
    return found[0]


async def test_the_youth_consultant_owns_a_young_persons_screening(env, worker):
    t = await start(env, worker, YOUNG)
    begin = await t.now()
    view = await t.view()
    assert (view.coach_id, view.case["owner_role"]) == (YOUTH_TEAM, "youth_consultant")
    assert view.case["staff"]["wmo_consultant"] == COACH and view.case["benefit_source"] == "municipality"
    assert await search_attribute(t, COACH_ID.name) == YOUTH_TEAM
    await t.sleep(timedelta(seconds=1))
    assert only(await t.view(), "trajectory_assigned").recipient == YOUTH_TEAM
    screening = view.deadlines["screening"]
    assert abs(screening - due_at(begin + POLICY.screening_within)) < timedelta(seconds=5)
    await t.sleep_until(screening)
    due = only(await t.view(), "screening_due")
    assert (due.recipient, due.due) == (YOUTH_TEAM, screening)


async def test_an_adults_screening_stays_with_the_wmo_consultant(env, worker):
    t = await start(env, worker, ADULT)
    view = await t.view()
    assert (view.coach_id, view.case["owner_role"]) == (COACH, "wmo_consultant")
    await t.sleep(timedelta(seconds=1))
    assert notifications(await t.view(), "trajectory_assigned") == []


async def test_a_uwv_benefit_involves_the_arbeidsdeskundige(env, worker):
    t = await start(env, worker, YOUNG_UWV)
    view = await t.view()
    assert (view.case["benefit_source"], view.case["municipal_benefit"]) == ("uwv", False)
    assert view.coach_id == COACH  # the youth consultant's regie is for a municipal benefit only
    cause = await rejected(t, "screening_completed", capacity=True, reason="potential", ladder_step=3)
    assert cause.type == "EventInvalid" and "arbeidsdeskundige_id" in cause.message
    view = await t.send(
        "screening_completed", capacity=True, reason="potential", ladder_step=3, arbeidsdeskundige_id=AD
    )
    assert view.state == "planning" and view.case["staff"]["arbeidsdeskundige"] == AD


def test_the_start_input_tells_the_benefits_apart_and_old_starts_still_parse():
    assert TrajectoryStart.model_validate(start_input(participant=YOUNG)).participant.benefit_source is None
    assert TrajectoryStart.model_validate(start_input(participant=YOUNG_UWV)).participant.benefit_source == "uwv"
    with pytest.raises(ValidationError, match="benefit_source is set only with has_benefit"):
        TrajectoryStart.model_validate(start_input(participant={**YOUNG_UWV, "has_benefit": False}))
    with pytest.raises(ValidationError, match="benefit_source"):
        TrajectoryStart.model_validate(start_input(participant={**YOUNG, "benefit_source": "employer"}))


async def test_the_ladder_has_a_baseline_and_a_measurement_every_six_months(env, worker):
    t = await start(env, worker, ADULT)
    cause = await rejected(t, "screening_completed", capacity=True, reason="potential")
    assert cause.type == "EventInvalid" and "ladder_step" in cause.message
    view = await t.send("screening_completed", capacity=True, reason="potential", ladder_step=2)
    today = await t.today()
    assert view.case["ladder"] == [
        {"step": 2, "label": "social contacts outside the home", "measured_on": today.isoformat(), "baseline": True}
    ]
    first = due_at(add_months(start_of_day(today), POLICY.ladder_measurement_every_months))
    assert view.deadlines["ladder_measurement"] == first
    await t.send("plan_recorded", goals=["work 4 hours a day"], work_consultant_id=WORK_CONSULTANT)
    await t.sleep_until(first)
    due = only(await t.view(), "ladder_measurement_due")
    assert (due.recipient, due.due) == (WORK_CONSULTANT, first)
    view = await t.send("ladder_step_recorded", step=3, measured_on=await t.today())
    assert [(s["step"], s["baseline"]) for s in view.case["ladder"]] == [(2, True), (3, False)]
    assert view.deadlines["ladder_measurement"] == due_at(add_months(start_of_day(today), 12))


async def test_an_adult_without_capacity_waits_for_a_listed_rescreening(env, worker):
    t = await start(env, worker, ADULT)
    view = await t.send("screening_completed", capacity=False, reason="no developable work capacity now", ladder_step=3)
    today = await t.today()
    listed = add_months(start_of_day(today), POLICY.rescreening_after_months)
    rescreening = due_at(listed)
    assert (view.state, view.closed, view.coach_id) == ("awaiting_rescreening", False, COACH)
    assert view.deadlines == {"rescreening": rescreening}
    assert view.case["rescreening_on"] == listed.date().isoformat()
    assert await search_attribute(t, TRAJECTORY_STATE.name) == "awaiting_rescreening"
    assert await search_attribute(t, NEXT_DEADLINE.name) == rescreening.isoformat()
    await t.sleep_until(rescreening)
    view = await t.view()
    assert (view.state, view.history[-1].event, view.history[-1].actor) == (
        "screening",
        "rescreening_due",
        "system:deadline",
    )
    assert view.history[-1].at >= rescreening and view.case["rescreening_on"] is None
    assert only(view, "rescreening_due").recipient == COACH
    assert view.deadlines["screening"] == due_at(view.history[-1].at + POLICY.screening_within)
    view = await t.send("screening_completed", capacity=True, reason="grew in day activities", ladder_step=4)
    assert view.state == "planning" and view.case["screenings"] == 2
    assert [s["step"] for s in view.case["ladder"]] == [3, 4]


async def test_a_young_person_without_capacity_is_not_closed_and_evaluation_rescreens(env, worker):
    t = await start(env, worker, YOUNG)
    begin = start_of_day(await t.today())
    view = await t.send("screening_completed", capacity=False, reason="not yet", ladder_step=2)
    assert (view.state, view.closed, view.coach_id) == ("awaiting_rescreening", False, YOUTH_TEAM)
    evaluation = due_at(add_months(begin, POLICY.youth_evaluation_every_months))
    assert view.deadlines == {
        "youth_evaluation": evaluation,
        "rescreening": due_at(add_months(begin, POLICY.rescreening_after_months)),
    }
    cause = await rejected(t, "ladder_step_recorded", step=9, measured_on=await t.today())
    assert cause.type == "EventInvalid"
    await t.sleep_until(evaluation)
    due = only(await t.view(), "youth_evaluation_due")
    assert (due.recipient, due.due) == (YOUTH_TEAM, evaluation)
    view = await t.send("evaluation_recorded", evaluated_on=await t.today(), rescreen=True)
    evaluated = view.history[-1].at
    assert (view.state, view.coach_id) == ("screening", YOUTH_TEAM)
    assert view.deadlines["screening"] == due_at(evaluated + POLICY.screening_within)
    assert "rescreening" not in view.deadlines and view.case["rescreening_on"] is None
    await t.sleep_until(due_at(evaluated + POLICY.screening_within))
    assert only(await t.view(), "screening_due").recipient == YOUTH_TEAM


async def test_rescreen_is_refused_outside_awaiting_rescreening(env, worker):
    t = await start(env, worker, YOUNG)
    cause = await rejected(t, "evaluation_recorded", evaluated_on=await t.today(), rescreen=True)
    assert cause.type == "EventInvalid" and "re-screening" in cause.message


async def test_a_vso_pupil_assessed_for_day_activities_gets_a_rescreening(env, worker):
    leaving = add_months((await t_now(env)).date(), 12)
    t = await start(env, worker, YOUNG, referral_source="vso_pro_school", school_leaving_date=leaving.isoformat())
    view = await t.send("vso_assessed", outcome="day_activities", reason="no developable work capacity yet")
    assert (view.state, view.closed) == ("awaiting_rescreening", False)
    assert view.deadlines["rescreening"] == due_at(
        add_months(start_of_day(await t.today()), POLICY.rescreening_after_months)
    )


async def t_now(env):
    return await env.get_current_time()


async def test_after_a_positive_advice_the_arbeidsdeskundige_follows_until_placed(env, worker):
    t = await start(env, worker, ADULT)
    await t.send("screening_completed", capacity=True, reason="potential", ladder_step=3, arbeidsdeskundige_id=AD)
    await t.send("plan_recorded", goals=["work in a team"], work_consultant_id=WORK_CONSULTANT)
    await t.send("work_track_chosen", track="sheltered_work")
    view = await t.send("advice_received", actor="backend:uwv-gateway", outcome="positive")
    advised = view.history[-1].at
    search = due_at(advised + POLICY.placement_search_within)
    assert (view.state, view.coach_id, view.deadlines["placement_search"]) == ("job_search", AD, search)
    assert await search_attribute(t, NEXT_DEADLINE.name) == search.isoformat()
    await t.sleep_until(search)
    due = only(await t.view(), "placement_search_due")
    assert (due.recipient, due.due) == (AD, search)
    await t.sleep_until(due_at(search + POLICY.placement_search_escalation_after))
    late = only(await t.view(), "placement_search_overdue")
    assert (late.recipient, late.due) == (TEAM_LEAD, due_at(search + POLICY.placement_search_escalation_after))
    view = await t.send("work_started", employer_id="employer-ibn", start_date=await t.today())
    assert view.state == "employed" and not {"placement_search", "placement_search_escalation"} & view.deadlines.keys()
