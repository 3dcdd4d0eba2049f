"""Rijk van Nijmegen's route on the time-skipping server: case meeting, plan, arrangement, evaluation, work, fallback."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError

from domain.dates import add_months, start_of_day
from domain.records import TrajectoryView
from domain.rijk_van_nijmegen import RIJK_VAN_NIJMEGEN as POLICY
from domain.rijk_van_nijmegen import RijkVanNijmegenCase
from tests.rijk_van_nijmegen_steps import (
    BUSINESS_CONSULTANT,
    CONSULTANTS,
    JOB_COACH,
    PROVIDER,
    TEAM_LEAD,
    NijmegenTrajectory,
)
from tests.scenario import COACH, notifications, working_due
from workflows.contract import COACH_ID


@pytest.fixture(autouse=True)
async def settle(env, worker):
    """Let queued notifications finish before the worker stops: an activity cut off by termination would
    hold the time-skipping server's clock until its timeout."""
    yield
    await env.sleep(timedelta(seconds=1))


async def decisions(t):
    """The history's events other than workflow-task bookkeeping (rejected Updates may add only that)."""
    history = await t.handle.fetch_history()
    return [EventType.Name(e.event_type) for e in history.events if "WORKFLOW_TASK" not in EventType.Name(e.event_type)]


async def rejected(t, event, **fields):
    """Send an event that must be refused; return the failure's cause (type and message)."""
    with pytest.raises(WorkflowUpdateFailedError) as caught:
        await t.send(event, **fields)
    return caught.value.cause


def only(view, kind):
    found = notifications(view, kind)
    assert len(found) == 1, (kind, found)
    return found[0]


def due(nominal):
    """Where a deadline whose arithmetic gives ``nominal`` falls due: 08:30 in Amsterdam on its working day."""
    return working_due(nominal, policy=POLICY)


def timers(view) -> dict:
    """The route's deadlines, less the monthly payment orders (tests/test_payments_rijk_van_nijmegen.py)."""
    return {name: due for name, due in view.deadlines.items() if not name.startswith("payment:")}


async def test_workflow_type_and_id(env, worker):
    t = await NijmegenTrajectory.begin(env, worker, trajectory_id="nijmegen-contract")
    description = await t.handle.describe()
    assert description.workflow_type == "RijkVanNijmegenTrajectory"
    assert t.handle.id == "trajectory-rijk-van-nijmegen-nijmegen-contract"
    view = await t.view()
    assert (view.region, view.state, view.coach_id) == ("rijk-van-nijmegen", "referred", COACH)
    assert view.allowed_events == ["indication_requested", "coach_reassigned", "withdrawn"]


async def test_case_meeting_due_and_escalated(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    view = await t.send("indication_requested", provider_id=PROVIDER)
    requested = view.history[-1].at
    assert view.state == "awaiting_case_meeting"
    meeting = due(requested + POLICY.case_meeting_within)
    await t.sleep_until(meeting)
    sent = only(await t.view(), "case_meeting_due")
    assert (sent.recipient, sent.due) == (COACH, meeting)
    await t.sleep_until(due(meeting + POLICY.escalation_after))
    overdue = only(await t.view(), "case_meeting_overdue")
    assert overdue.recipient == TEAM_LEAD
    assert overdue.due == due(meeting + POLICY.escalation_after)


@pytest.mark.parametrize(
    "arrangement, state, development",
    [
        ("basic", "basic_arrangement", None),
        ("basic_plus_wage_value", "plan_of_approach", "wage_value"),
        ("basic_plus_self_reliance", "plan_of_approach", "self_reliance"),
        (None, "closed_refused", None),
    ],
)
async def test_case_meeting_outcomes(env, worker, arrangement, state, development):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.send("indication_requested")
    view = await t.case_meeting(arrangement)
    assert view.state == state
    assert view.case["case_meeting_consultants"] == CONSULTANTS
    assert view.case["arrangement"] == arrangement
    assert view.case["development"] == development
    if arrangement:
        assert Decimal(view.case["basic_fee_per_half_day"]) == Decimal("8.50")
        assert view.case["half_days_per_week"] == 6
    if development:
        assert Decimal(view.case["development_fee_per_year"]) == Decimal("3414.72")
        assert "plan_of_approach" in view.deadlines
    if arrangement is None:
        result = await t.handle.result()
        assert result.closed
        assert only(result, "indication_refused").recipient == COACH
    else:
        await t.sleep(timedelta(seconds=2))
        assert only(await t.view(), "indication_granted").recipient == COACH


async def test_a_basic_arrangement_can_get_a_development_arrangement_later(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.send("indication_requested")
    await t.case_meeting("basic")
    view = await t.send("indication_requested")
    assert view.state == "awaiting_case_meeting"
    view = await t.case_meeting("basic_plus_self_reliance")
    assert (view.state, view.case["development"]) == ("plan_of_approach", "self_reliance")


async def test_rejected_events_leave_history_unchanged(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.send("indication_requested")
    await t.settle()  # its audit row is written by an activity after the Update returned
    before = await decisions(t)

    cause = await rejected(
        t,
        "case_meeting_held",
        consultants=CONSULTANTS[:2],
        decision="granted",
        arrangement="basic",
        half_days_per_week=4,
    )
    assert cause.type == "EventInvalid" and "consultants" in cause.message and "exactly 3" in cause.message
    cause = await rejected(t, "case_meeting_held", consultants=[CONSULTANTS[0]] * 3, decision="refused")
    assert "different consultants" in cause.message
    cause = await rejected(t, "case_meeting_held", consultants=CONSULTANTS, decision="granted")
    assert "sets the arrangement" in cause.message
    cause = await rejected(t, "case_meeting_held", consultants=CONSULTANTS, decision="refused", arrangement="basic")
    assert "refused request sets no arrangement" in cause.message
    cause = await rejected(t, "arrangement_paused", reason="illness")
    assert cause.type == "EventNotAllowed" and "case_meeting_held" in cause.message
    cause = await rejected(t, "promoted")
    assert cause.type == "EventUnknown"
    assert await decisions(t) == before
    assert (await t.view()).state == "awaiting_case_meeting"


async def test_plan_of_approach_revised_then_agreed_starts_the_arrangement(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.send("indication_requested")
    await t.case_meeting()
    view = await t.submit_plan()
    submitted = view.history[-1].at
    assert view.state == "plan_advice" and view.case["plan_competences"] == ["reliability", "collaboration"]
    await t.sleep_until(due(submitted + POLICY.plan_advice_within))
    assert only(await t.view(), "plan_advice_due").recipient == COACH
    view = await t.send("plan_advised", advice="revise")
    assert view.state == "plan_of_approach" and "plan_advice" not in view.deadlines
    await t.submit_plan()
    assert "start_date" in (await rejected(t, "plan_advised", advice="agreed")).message
    too_long = await rejected(t, "plan_advised", advice="agreed", start_date=await t.today(), months=30)
    assert "between 3 and 24" in too_long.message
    view = await t.agree_plan()
    start = start_of_day(await t.today())
    assert view.state == "development"
    assert view.case["arrangement_attempts"] == 1
    assert view.deadlines["arrangement_end"] == due(add_months(start, 12))
    assert view.deadlines["progress_review"] == due(add_months(start, 6))


async def test_arrangement_end_asks_for_evaluation_and_escalates(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    view = await t.to_development(months=9)
    start = start_of_day(await t.today())
    end = view.deadlines["arrangement_end"]
    assert end == due(add_months(start, 9))
    await t.sleep_until(end)
    view = await t.view()
    assert only(view, "progress_review_due").due == due(add_months(start, POLICY.progress_review_after_months))
    assert (only(view, "evaluation_due").recipient, only(view, "evaluation_due").due) == (COACH, end)
    await t.sleep_until(due(end + POLICY.evaluation_grace))
    overdue = only(await t.view(), "evaluation_overdue")
    assert (overdue.recipient, overdue.due) == (TEAM_LEAD, due(end + POLICY.evaluation_grace))


async def test_pause_and_resume_move_every_deadline_by_exactly_the_paused_time(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    # self-reliance: no recurring wage-value measurement re-arms itself in between (its pause is tested apart)
    view = await t.to_development("basic_plus_self_reliance")
    planned = {d.name: d.nominal for d in view.due if d.name in timers(view)}  # what the arithmetic gave
    await t.sleep(timedelta(days=150, hours=5))
    view = await t.send("arrangement_paused", reason="hospital stay")
    assert view.state == "paused"
    assert set(timers(view)) == {"pause_review"}  # the arrangement's clock stopped (payments keep their months)
    await t.sleep(timedelta(days=45, hours=7, minutes=13))  # past the planned progress review
    assert notifications(await t.view(), "progress_review_due") == []
    view = await t.send("arrangement_resumed")
    paused_at, resumed_at = view.history[-2].at, view.history[-1].at
    paused = resumed_at - paused_at
    assert paused >= timedelta(days=45, hours=7)
    assert timers(view) == {name: due(nominal + paused) for name, nominal in planned.items()}
    case = RijkVanNijmegenCase.model_validate(view.case | {"state": view.state})
    assert (case.paused_total, case.pauses, case.paused_since) == (paused, 1, None)
    assert case.arrangement_end == planned["arrangement_end"] + paused
    await t.sleep_until(due(planned["progress_review"] + paused))
    review = only(await t.view(), "progress_review_due")
    assert review.due == due(planned["progress_review"] + paused)


async def test_a_long_pause_is_reviewed(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.to_development()
    view = await t.send("arrangement_paused", reason="family circumstances")
    paused_at = view.history[-1].at
    await t.sleep_until(due(paused_at + POLICY.max_pause))
    review = only(await t.view(), "pause_review_due")
    assert (review.recipient, review.due) == (COACH, due(paused_at + POLICY.max_pause))
    view = await t.send("arrangement_resumed")
    assert "pause_review" not in view.deadlines


async def test_shortening_and_lengthening_move_the_end(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.to_development()
    today = await t.today()
    shorter = today + timedelta(days=200)
    view = await t.send("arrangement_adjusted", end_date=shorter)
    assert view.deadlines["arrangement_end"] == due(start_of_day(shorter))
    longer = add_months(today, 18)
    view = await t.send("arrangement_adjusted", end_date=longer)
    assert view.deadlines["arrangement_end"] == due(start_of_day(longer))
    assert "at most 24 months" in (await rejected(t, "arrangement_adjusted", end_date=add_months(today, 25))).message
    assert "after today" in (await rejected(t, "arrangement_adjusted", end_date=today)).message
    view = await t.send("arrangement_adjusted", end_date=shorter)
    assert "progress_review" in view.deadlines  # still before the end
    shorter = today + timedelta(days=120)
    view = await t.send("arrangement_adjusted", end_date=shorter)
    assert timers(view).keys() - {"wage_value_measurement"} == {"arrangement_end"}  # the evaluation comes first
    assert view.deadlines["arrangement_end"] == due(start_of_day(shorter))
    await t.sleep_until(due(start_of_day(shorter)))
    assert only(await t.view(), "evaluation_due").due == due(start_of_day(shorter))


async def test_a_failed_arrangement_is_retried_with_a_new_plan(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.to_development()
    await t.sleep(timedelta(weeks=10))
    view = await t.send("arrangement_retried", reason="started too early", development="self_reliance")
    assert view.state == "plan_of_approach"
    assert "arrangement_end" not in view.deadlines and "plan_of_approach" in view.deadlines
    await t.submit_plan()
    view = await t.agree_plan()
    assert (view.state, view.case["arrangement_attempts"], view.case["development"]) == (
        "development",
        2,
        "self_reliance",
    )
    assert view.deadlines["arrangement_end"] == due(add_months(start_of_day(await t.today()), 12))


@pytest.mark.parametrize(
    "next_step, state, extra",
    [
        ("banenafspraak_work", "seeking_work", {}),
        ("sheltered_work", "awaiting_advice", {}),
        ("volunteering", "closed_volunteering", {}),
        ("education", "closed_education", {}),
        ("follow_up_arrangement", "plan_of_approach", {"follow_up": "self_reliance"}),
        ("stay", "basic_arrangement", {}),
    ],
)
async def test_each_evaluation_outcome(env, worker, next_step, state, extra):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.to_development()
    view = await t.send("evaluation_completed", goals_met=next_step != "stay", next_step=next_step, **extra)
    assert view.state == state
    assert view.case["evaluations"] == [next_step]
    assert not any(name in view.deadlines for name in ("arrangement_end", "progress_review"))
    if next_step.endswith("_work"):
        assert view.case["track"] == next_step.removesuffix("_work")
        assert ("work_step" if state == "seeking_work" else "uwv_advice") in view.deadlines
    if extra:
        assert view.case["development"] == "self_reliance"


async def test_one_leg_in_each_then_a_job_coach_takes_over(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    view = await t.to_seeking_work()
    searching = view.history[-1].at
    await t.sleep_until(due(searching + POLICY.placement_search_within))
    assert only(await t.view(), "work_step_due").recipient == COACH
    view = await t.start_work_step(form="learning_workplace")
    assert (view.state, view.coach_id, view.match_attempts) == ("one_leg_in_each", COACH, 1)
    assert view.case["supervisor_id"] and view.case["secondment"]
    started = view.history[-1].at
    await t.sleep_until(due(started + POLICY.work_step_review_after))
    assert only(await t.view(), "work_step_review_due").recipient == COACH  # the supervisor's step still runs
    view = await t.complete_work_step()
    completed = view.history[-1].at
    assert (view.state, view.coach_id, view.case["supervisor_id"]) == ("in_work", JOB_COACH, None)
    await t.sleep(timedelta(seconds=2))
    assert only(await t.view(), "trajectory_assigned").recipient == JOB_COACH
    description = await t.handle.describe()
    assert description.typed_search_attributes.get(COACH_ID) == JOB_COACH
    check_due = due(add_months(completed, POLICY.job_coach_check_every_months))
    await t.sleep_until(check_due)
    check = only(await t.view(), "job_coach_check_due")
    assert (check.recipient, check.due) == (JOB_COACH, check_due)
    view = await t.send("trajectory_completed", actor=JOB_COACH, reason="stable in sheltered work")
    assert view.closed and view.state == "closed_in_work"


async def test_direct_contract_is_also_one_leg_in_each(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.to_seeking_work("banenafspraak_work")
    view = await t.start_work_step(form="direct_contract")
    assert (view.state, view.case["work_form"]) == ("one_leg_in_each", "direct_contract")


async def test_fallback_decision_is_due_and_escalated(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.to_one_leg_in_each()
    view = await t.fall_back()
    fell = view.history[-1].at
    assert (view.state, view.coach_id) == ("fallback", BUSINESS_CONSULTANT)
    decision_due = due(fell + POLICY.fallback_decision_within)
    await t.sleep_until(decision_due)
    view = await t.view()
    assert only(view, "fallback_decision_needed").recipient == BUSINESS_CONSULTANT
    sent = only(view, "fallback_decision_due")
    assert (sent.recipient, sent.due) == (BUSINESS_CONSULTANT, decision_due)
    assert notifications(view, "fallback_decision_overdue") == []
    await t.sleep_until(due(decision_due + POLICY.escalation_after))
    overdue = only(await t.view(), "fallback_decision_overdue")
    assert (overdue.recipient, overdue.due) == (TEAM_LEAD, due(decision_due + POLICY.escalation_after))
    view = await t.send("fallback_decided", actor=BUSINESS_CONSULTANT, decision="other_workplace")
    assert view.state == "seeking_work" and not any(n.startswith("fallback") for n in view.deadlines)


@pytest.mark.parametrize(
    "decision, instrument, from_work, state",
    [
        ("extra_instrument", "job_coach", False, "one_leg_in_each"),
        ("extra_instrument", "wage_cost_subsidy", True, "in_work"),
        ("switch_to_sheltered_work", None, True, "awaiting_advice"),
        ("back_to_day_activities", None, False, "basic_arrangement"),
    ],
)
async def test_fallback_decisions(env, worker, decision, instrument, from_work, state):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.to_one_leg_in_each()
    if from_work:
        await t.complete_work_step()
    await t.fall_back()
    fields = {"instrument": instrument} if instrument else {}
    assert (
        "instrument"
        in (
            await rejected(t, "fallback_decided", decision=decision, instrument=None if instrument else "other")
        ).message
    )
    view = await t.send("fallback_decided", actor=BUSINESS_CONSULTANT, decision=decision, **fields)
    assert view.state == state
    assert view.case["fallback_decisions"] == [decision]
    if decision == "switch_to_sheltered_work":
        assert view.case["track"] == "sheltered"


async def test_school_leaver_consultant_joins_6_to_12_months_before_the_diploma(env, worker):
    today = (await env.get_current_time()).date()
    diploma = date(today.year + 2, 7, 1)
    t = await NijmegenTrajectory.begin(env, worker, referral_source="vso_pro_school", diploma_date=diploma.isoformat())
    view = await t.view()
    opens, latest = due(add_months(start_of_day(diploma), -12)), due(add_months(start_of_day(diploma), -6))
    assert view.state == "school_meeting"
    assert view.allowed_events == ["school_meeting_joined", "benefit_check_completed", "coach_reassigned", "withdrawn"]
    benefit_check = due(add_months(start_of_day(diploma), -POLICY.benefit_check_before_diploma_months))
    assert view.deadlines == {
        "school_meeting_join": opens,
        "school_meeting_join_latest": latest,
        "benefit_check": benefit_check,
    }
    await t.sleep_until(opens)
    view = await t.view()
    assert (only(view, "school_meeting_join_due").recipient, only(view, "school_meeting_join_due").due) == (
        COACH,
        opens,
    )
    await t.sleep_until(latest)
    joins = notifications(await t.view(), "school_meeting_join_overdue")
    assert [(n.recipient, n.due) for n in joins] == [(COACH, latest)]
    await t.sleep_until(due(latest + POLICY.escalation_after))
    joins = notifications(await t.view(), "school_meeting_join_overdue")
    assert [(n.recipient, n.due) for n in joins] == [
        (COACH, latest),
        (TEAM_LEAD, due(latest + POLICY.escalation_after)),
    ]
    future = await rejected(t, "school_meeting_joined", joined_on=await t.today() + timedelta(days=1))
    assert "future" in future.message
    view = await t.send("school_meeting_joined", joined_on=await t.today())
    assert (view.state, view.deadlines) == ("referred", {"benefit_check": benefit_check})
    view = await t.send("indication_requested")
    assert view.state == "awaiting_case_meeting"


async def test_withdrawal_from_a_paused_arrangement_closes(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.to_development()
    await t.send("arrangement_paused", reason="illness")
    view = await t.send("withdrawn", reason="chooses to stop")
    assert view.closed and view.state == "closed_withdrawn" and view.deadlines == {}


async def test_samples_start_and_reach_their_states(env, worker):
    from tests.scenario import STARTED
    from trajectories.client import start_trajectory
    from trajectories.samples.rijk_van_nijmegen import SAMPLES

    states = []
    for sample in SAMPLES:
        handle = await start_trajectory(env.client, sample.region, sample.start, task_queue=worker.task_queue)
        STARTED.append(handle)
        today = (await env.get_current_time()).date()
        view = await handle.query("view", result_type=TrajectoryView)
        for event in sample.events(today):
            await handle.execute_update("submit_event", event)
            view = await handle.query("view", result_type=TrajectoryView)
        states.append(view.state)
    assert states == ["awaiting_case_meeting", "development", "paused", "one_leg_in_each", "fallback", "school_meeting"]
