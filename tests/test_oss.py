"""Oss's route on a real time-skipping server: screening, owners, youth evaluations, VSO, fallback."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import WorkflowFailureError, WorkflowUpdateFailedError

from domain.dates import add_months, start_of_day
from domain.oss import OSS
from tests.scenario import COACH, Trajectory, notifications, settle, working_due
from workflows.contract import COACH_ID, NEXT_DEADLINE

TEAM_LEAD = "oss-team-lead"
AD = "ad-joris"
WORK_CONSULTANT = "wc-fenna"
YOUTH_TEAM = "oss-youth-team"
ADULT = {"has_benefit": True, "age_band": "28_plus", "hours_per_week": 16}
YOUNG = {"has_benefit": True, "age_band": "18_to_27", "hours_per_week": 16}


@pytest.fixture(autouse=True)
async def effects_finish(env, worker):
    """Let queued notifications reach the channel before the worker stops: an activity still in flight when
    its worker goes away keeps the time-skipping server from skipping time in the next test."""
    yield
    await env.sleep(timedelta(seconds=1))


def due_at(nominal: datetime) -> datetime:
    """Where a deadline whose arithmetic gives ``nominal`` falls due: 08:30 in Amsterdam on its working day."""
    return working_due(nominal, policy=OSS)


def close(moment: datetime, expected: datetime) -> bool:
    """Equal but for the few milliseconds between a test's clock reading and the workflow's."""
    return abs(moment - expected) < timedelta(seconds=5)


async def search_attribute(t: Trajectory, name: str):
    """One search attribute as the visibility store holds it (raw: the test server may hold an unset as null)."""
    request = DescribeWorkflowExecutionRequest(
        namespace=t.client.namespace, execution=WorkflowExecution(workflow_id=t.handle.id)
    )
    described = await t.client.workflow_service.describe_workflow_execution(request)
    fields = described.workflow_execution_info.search_attributes.indexed_fields
    return json.loads(fields[name].data) if name in fields else None


async def settled(t: Trajectory):
    """The view once the notifications just queued have been handed to the channel."""
    await t.sleep(timedelta(seconds=1))
    return await t.view()


async def start(env, worker, **overrides) -> Trajectory:
    return await Trajectory.start(env, worker, region="oss", **overrides)


async def to_development(t: Trajectory):
    await t.send(
        "screening_completed",
        capacity=True,
        reason="wants to work, learns fast",
        arbeidsdeskundige_id=AD,
        ladder_step=2,
    )
    return await t.send(
        "plan_recorded", goals=["travel independently", "work 4 hours a day"], work_consultant_id=WORK_CONSULTANT
    )


async def to_employed(t: Trajectory, track: str = "sheltered_work"):
    await to_development(t)
    await t.send("work_track_chosen", track=track)
    if track == "sheltered_work":
        await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")
    return await t.send("work_started", employer_id="employer-ibn", start_date=await t.today(), job_coach=True)


async def test_screening_without_capacity_means_day_activities_and_a_rescreening(env, worker):
    """Since patch oss-seed-steps nobody is closed for lack of capacity (tests/test_oss_seed_steps.py)."""
    t = await start(env, worker, participant=ADULT)
    view = await t.send("screening_completed", capacity=False, reason="no developable work capacity", ladder_step=2)
    assert view.state == "awaiting_rescreening" and not view.closed
    assert view.case["screening_reason"] == "no developable work capacity" and view.case["closing_reason"] is None
    assert view.deadlines.keys() == {"rescreening"}


async def test_screening_deadline_notifies_the_wmo_consultant_then_the_team_lead(env, worker):
    t = await start(env, worker, participant=ADULT)
    begin = await t.now()
    view = await t.view()
    assert view.state == "screening" and view.coach_id == COACH
    screening = view.deadlines["screening"]
    assert view.deadlines.keys() == {"screening"} and close(screening, due_at(begin + timedelta(weeks=4)))
    await t.sleep_until(screening)
    [due] = notifications(await t.view(), "screening_due")
    assert (due.recipient, due.due) == (COACH, screening) and due.at >= screening
    await t.sleep_until(due_at(screening + timedelta(weeks=2)))
    [overdue] = notifications(await t.view(), "screening_overdue")
    assert overdue.recipient == TEAM_LEAD and overdue.due == due_at(screening + timedelta(weeks=2))
    assert overdue.at >= overdue.due


async def test_capacity_plan_and_owners_follow_the_route(env, worker):
    """Young with a benefit: youth consultant; sheltered work: the arbeidsdeskundige; notifications follow."""
    t = await start(env, worker, participant=YOUNG)
    view = await t.send(
        "screening_completed", capacity=True, reason="potential", arbeidsdeskundige_id=AD, ladder_step=2
    )
    assert view.state == "planning" and view.coach_id == YOUTH_TEAM
    assert view.case["owner_role"] == "youth_consultant"
    view = await t.send("plan_recorded", goals=["learn a routine"], provider_supervisor_joined=True)
    assert view.state == "development" and view.case["goals"] == ["learn a routine"]
    view = await t.send("work_track_chosen", track="sheltered_work")
    assert view.state == "awaiting_advice" and view.coach_id == AD
    view = await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")
    assert view.state == "job_search" and view.coach_id == AD
    view = await t.send("work_started", employer_id="employer-ibn", start_date=await t.today())
    assert view.state == "employed" and view.coach_id == AD
    assigned = [n.recipient for n in notifications(await settled(t), "trajectory_assigned")]
    assert assigned == [YOUTH_TEAM, AD]
    assert await search_attribute(t, COACH_ID.name) == AD


async def test_banenafspraak_is_owned_by_the_work_consultant(env, worker):
    t = await start(env, worker, participant=ADULT)
    view = await to_development(t)
    assert view.coach_id == WORK_CONSULTANT
    view = await t.send("work_track_chosen", track="banenafspraak")
    assert view.state == "job_search" and view.coach_id == WORK_CONSULTANT
    view = await t.send("consultant_assigned", role="work_consultant", staff_id="wc-gijs")
    assert view.coach_id == "wc-gijs"
    assert notifications(await settled(t), "trajectory_assigned")[-1].recipient == "wc-gijs"


async def test_turning_28_hands_the_trajectory_to_the_work_consultant(env, worker):
    today = (await t_now(env)).date()
    birthday_28 = add_months(today, 2)
    birth_date = birthday_28.replace(year=birthday_28.year - 28)
    t = await start(
        env, worker, participant={"has_benefit": True, "birth_date": birth_date.isoformat(), "hours_per_week": 12}
    )
    view = await to_development(t)
    assert view.coach_id == YOUTH_TEAM and "youth_evaluation" in view.deadlines
    next_deadline = await search_attribute(t, NEXT_DEADLINE.name)
    turns_28 = due_at(start_of_day(birthday_28))
    assert next_deadline and not next_deadline.startswith(turns_28.strftime("%Y-%m-%d"))
    await t.sleep_until(turns_28)
    view = await t.view()
    assert view.coach_id == WORK_CONSULTANT and view.case["young"] is False
    assert view.history[-1].event == "turned_28" and view.history[-1].actor == "system:deadline"
    [handover] = [n for n in notifications(view, "trajectory_assigned") if n.recipient == WORK_CONSULTANT]
    assert handover.at >= turns_28
    assert "youth_evaluation" not in view.deadlines and "evaluation_recorded" not in view.allowed_events
    assert await search_attribute(t, COACH_ID.name) == WORK_CONSULTANT


async def t_now(env) -> datetime:
    return await env.get_current_time()


async def test_youth_evaluations_every_six_months_escalate_when_missed(env, worker):
    t = await start(env, worker, participant=YOUNG)
    begin = start_of_day((await t.now()).date())
    await to_development(t)
    first = due_at(add_months(begin, 6))
    await t.sleep_until(first)
    [due] = notifications(await t.view(), "youth_evaluation_due")
    assert (due.recipient, due.due) == (YOUTH_TEAM, first)
    await t.sleep_until(due_at(first + timedelta(weeks=4)))
    [overdue] = notifications(await t.view(), "youth_evaluation_overdue")
    assert overdue.recipient == TEAM_LEAD
    evaluated = await t.today()
    view = await t.send("evaluation_recorded", evaluated_on=evaluated)
    assert view.deadlines["youth_evaluation"] == due_at(add_months(start_of_day(evaluated), 6))
    assert "youth_evaluation_escalation" not in view.deadlines
    await t.sleep_until(due_at(add_months(start_of_day(evaluated), 6)))
    assert len(notifications(await t.view(), "youth_evaluation_due")) == 2
    assert len(notifications(await t.view(), "youth_evaluation_overdue")) == 1


async def test_adults_have_no_youth_evaluation(env, worker):
    t = await start(env, worker, participant=ADULT)
    view = await to_development(t)
    assert "youth_evaluation" not in view.deadlines and "evaluation_recorded" not in view.allowed_events


async def test_vso_pupil_is_assessed_at_the_end_of_the_last_school_year(env, worker):
    today = (await t_now(env)).date()
    leaving = add_months(today, 12)
    t = await start(env, worker, participant=YOUNG, referral_source="vso_pro_school", school_leaving_date=leaving)
    view = await t.view()
    assert view.state == "vso_follow_up" and view.coach_id == COACH
    assessment = due_at(start_of_day(leaving) - OSS.vso_assessment_notice)
    assert view.deadlines["vso_assessment"] == assessment
    await t.sleep_until(assessment)
    [due] = notifications(await t.view(), "vso_assessment_due")
    assert (due.recipient, due.due) == (COACH, assessment)
    await t.sleep_until(due_at(assessment + OSS.vso_assessment_notice))
    [overdue] = notifications(await t.view(), "vso_assessment_overdue")
    assert overdue.recipient == TEAM_LEAD
    view = await t.send("vso_assessed", outcome="banenafspraak", reason="can work with some support")
    assert view.state == "job_search" and view.coach_id == "oss-team-werk"
    assert not {"vso_assessment", "vso_assessment_escalation"} & view.deadlines.keys()


@pytest.mark.parametrize(
    ("outcome", "state"),
    [
        ("regular_work", "closed_regular_work"),
        ("sheltered_work", "awaiting_advice"),
        ("day_activities", "awaiting_rescreening"),
        ("van_zorg_naar_werk", "planning"),
    ],
)
async def test_vso_outcomes(env, worker, outcome, state):
    leaving = add_months((await t_now(env)).date(), 30)
    t = await start(env, worker, participant=YOUNG, school_leaving_date=leaving)
    view = await t.send("vso_assessed", outcome=outcome, reason="assessed by the arbeidsdeskundige")
    assert view.state == state and view.case["vso_outcome"] == outcome


async def test_vso_pupil_more_than_three_years_ahead_is_refused(env, worker):
    leaving = add_months((await t_now(env)).date(), 40)
    t = await start(env, worker, participant=YOUNG, school_leaving_date=leaving)
    with pytest.raises(WorkflowFailureError) as failure:
        await t.handle.result()
    assert "3 years" in str(failure.value.cause)


async def test_threat_of_fallback_meeting_and_return_to_a_day_programme(env, worker):
    t = await start(env, worker, participant=ADULT)
    await to_employed(t)
    view = await t.send("fallback_threatened", reason="tasks changed, routine disturbed")
    assert view.state == "fallback_risk"
    threatened = await t.now()
    await t.sleep(timedelta(seconds=1))
    [needed] = notifications(await t.view(), "fallback_meeting_needed")
    assert needed.recipient == AD
    meeting_due = due_at(threatened + OSS.fallback_meeting_within)
    await t.sleep_until(meeting_due)
    [overdue] = notifications(await t.view(), "fallback_meeting_overdue")
    assert overdue.recipient == AD
    await t.sleep_until(due_at(meeting_due + OSS.fallback_meeting_escalation_after))
    assert [n.recipient for n in notifications(await t.view(), "fallback_meeting_overdue")] == [AD, TEAM_LEAD]
    view = await t.send(
        "fallback_meeting_held",
        held_on=await t.today(),
        attendees=["employer", "job_coach", "wmo_consultant", "ambulant_supervisor"],
    )
    assert view.state == "employed" and set(view.deadlines) == {"ladder_measurement", "payment:supervision_fee"}
    assert len(view.case["fallback_meetings"]) == 1
    await t.send("fallback_threatened", reason="again")
    view = await t.send("employment_ended", reason="paid work temporarily not possible")
    assert view.state == "day_programme" and not view.closed
    assert view.coach_id == WORK_CONSULTANT and view.case["work_track"] is None
    ended = await t.now()
    assert view.deadlines.keys() == {"plan", "ladder_measurement"}
    assert close(view.deadlines["plan"], due_at(ended + OSS.plan_within))
    await t.sleep(timedelta(seconds=1))
    back = notifications(await t.view(), "back_to_day_programme")
    assert sorted(n.recipient for n in back) == sorted([WORK_CONSULTANT, TEAM_LEAD])
    await t.sleep_until(view.deadlines["plan"])
    [plan_due] = notifications(await t.view(), "plan_due")
    assert plan_due.recipient == WORK_CONSULTANT
    view = await t.send("plan_recorded", goals=["back to work within a year"])
    assert view.state == "development" and view.case["plans_recorded"] == 2


async def test_participation_ladder_is_recorded_over_time(env, worker):
    t = await start(env, worker, participant=ADULT)
    await to_development(t)
    await t.send("ladder_step_recorded", step=3, measured_on=await t.today())
    await t.sleep(timedelta(days=90))
    view = await t.send("ladder_step_recorded", step=4, measured_on=await t.today())
    assert [(s["step"], s["label"]) for s in view.case["ladder"]] == [
        (2, "social contacts outside the home"),  # the baseline, from the screening
        (3, "taking part in organised activities"),
        (4, "unpaid work"),
    ]


async def meaningful_events(t: Trajectory) -> list[str]:
    """History without workflow-task bookkeeping: a rejected Update must add nothing else."""
    history = await t.handle.fetch_history()
    return [EventType.Name(e.event_type) for e in history.events if "WORKFLOW_TASK" not in EventType.Name(e.event_type)]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"event": "turned_28"}, "unknown"),
        ({"event": "no_such_event"}, "unknown"),
        ({"event": "work_started", "employer_id": "employer-ibn", "start_date": "2020-01-01"}, "not_allowed"),
        ({"event": "screening_completed", "capacity": True}, "invalid"),
        ({"event": "evaluation_recorded", "evaluated_on": date.today().isoformat()}, "not_allowed"),
    ],
)
async def test_rejected_events_leave_history_unchanged(env, worker, payload, reason):
    t = await start(env, worker, participant=ADULT)
    await settle(t.handle)  # the start's outcome fact is written by an activity after the first workflow task
    before = await meaningful_events(t)
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await t.send(**payload)
    assert failure.value.cause.details[0]["reason"] == reason
    assert await meaningful_events(t) == before
    view = await t.view()
    assert view.state == "screening" and view.history == []
    assert "turned_28" not in view.allowed_events


async def test_plan_goals_must_not_be_empty(env, worker):
    t = await start(env, worker, participant=ADULT)
    await t.send("screening_completed", capacity=True, reason="potential", ladder_step=1)
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await t.send("plan_recorded", goals=[])
    assert "goals" in failure.value.cause.details[0]["fields"]


async def test_plan_and_uwv_advice_deadlines_escalate_and_withdrawal_closes(env, worker):
    t = await start(env, worker, participant=ADULT)
    view = await t.send(
        "screening_completed", capacity=True, reason="potential", arbeidsdeskundige_id=AD, ladder_step=3
    )
    plan = view.deadlines["plan"]
    assert view.state == "planning" and close(plan, due_at(await t.now() + OSS.plan_within))
    await t.sleep_until(due_at(plan + OSS.plan_escalation_after))
    view = await t.view()
    assert [(n.kind, n.recipient) for n in view.notifications if n.kind.startswith("plan_")] == [
        ("plan_due", "oss-team-werk"),
        ("plan_overdue", TEAM_LEAD),
    ]
    await t.send("plan_recorded", goals=["work in a team"])
    view = await t.send("work_track_chosen", track="sheltered_work")
    advice = view.deadlines["uwv_advice"]
    assert close(advice, due_at(await t.now() + OSS.uwv_answer_within))
    await t.sleep_until(due_at(advice + OSS.uwv_escalation_after))
    assert [n.recipient for n in notifications(await t.view(), "uwv_advice_overdue")] == [AD, TEAM_LEAD]
    view = await t.send("withdrawn", reason="chooses to stay in day activities")
    assert view.state == "closed_withdrawn" and "voluntary" in view.case["closing_reason"]
    assert (await t.handle.result()).closed


async def test_samples_start_and_reach_their_states(env, worker):
    from trajectories.samples.oss import SAMPLES

    states = {}
    for sample in SAMPLES:
        t = await Trajectory.start(env, worker, region=sample.region, **sample.start)
        for event in sample.events(await t.today()):
            await t.send(**event)
        view = await t.view()
        states[sample.start["trajectory_id"]] = (view.state, view.coach_id)
    assert states == {
        "sample-oss-screening": ("screening", "wmo-consultant-1"),
        "sample-oss-development": ("development", "oss-youth-team"),
        "sample-oss-fallback": ("fallback_risk", "arbeidsdeskundige-1"),
    }


def test_documented_examples_are_valid_events():
    """Every JSON example in docs/oss.md parses today, with its relative dates filled in as a reader would
    (a fixed date goes stale: "measured_on" 2031 was refused); every event is documented."""
    from pathlib import Path

    from domain.events import EventContext
    from domain.oss import OSS, OSS_EVENTS, OssCase
    from tests import doc_dates

    text = (Path(__file__).resolve().parent.parent / "docs" / "oss.md").read_text(encoding="utf-8")
    text = doc_dates.substitute(text)
    # a trajectory on the current route (revision 1) waiting for a re-screening, where every example applies
    case = OssCase(
        staff=dict(OSS.default_staff),
        young=True,
        municipal_benefit=True,
        route_revision=1,
        benefit_source="municipality",
        state="awaiting_rescreening",
    )
    context = EventContext(today=doc_dates.today(), policy=OSS, case=case)
    documented = [json.loads(line) for line in text.splitlines() if line.startswith('{"event"')]
    for payload in documented:
        OSS_EVENTS.parse(payload, OSS_EVENTS.names, context)
    assert set(p["event"] for p in documented) == set(OSS_EVENTS.names)
    assert "<!-- diagram:oss -->" in text
