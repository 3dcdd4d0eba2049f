"""Amsterdam's route on a time-skipping server: every branch, timer, escalation and rejection."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.amsterdam import AMSTERDAM
from domain.dates import add_months, start_of_day
from tests.amsterdam_steps import (
    ALL_PARTIES,
    SPECIALIST,
    TEAM_LEAD,
    decide,
    start,
    start_employment,
    start_internship,
    to_employed,
)
from tests.scenario import COACH, OTHER_COACH, notifications, working_due


def payments(view, kind):
    return [p for p in view.payments if p.kind == kind]


async def recorded_events(t) -> list[str]:
    """The history's events apart from workflow tasks (the test server records a task for a rejected update)."""
    events = (await t.handle.fetch_history()).events
    return [EventType.Name(e.event_type) for e in events if "WORKFLOW_TASK" not in EventType.Name(e.event_type)]


async def rejected(t, event, **fields) -> ApplicationError:
    """Send an event that must be refused; assert nothing entered the history or the view."""
    await t.sleep(timedelta(seconds=1))  # let running activities finish first
    before, view = await recorded_events(t), await t.view()
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await t.send(event, **fields)
    assert await recorded_events(t) == before
    assert await t.view() == view
    assert isinstance(failed.value.cause, ApplicationError)
    return failed.value.cause


def due_at(nominal, deadline: str = ""):
    """Where a deadline whose arithmetic gives ``nominal`` falls due: 08:30 in Amsterdam on its working day (a
    payment on the working day before)."""
    return working_due(nominal, deadline, AMSTERDAM)


async def test_workflow_id_and_start(env, worker):
    t = await start(env, worker, trajectory_id="ams-contract")
    assert t.handle.id == "trajectory-amsterdam-ams-contract"
    view = await t.view()
    assert (view.region, view.state, view.closed) == ("amsterdam", "intake", False)
    assert view.case["provider_id"] == "provider-de-schoor"
    assert "joint_decision_recorded" in view.allowed_events
    assert "employment_started" not in view.allowed_events


async def test_joint_decision_no_step_closes_without_work(env, worker):
    t = await start(env, worker)
    view = await t.send("joint_decision_recorded", parties=ALL_PARTIES, step_to_work=False)
    assert view.state == "closed_no_step" and view.closed
    assert view.case["outcome"] == "no_work"
    assert view.deadlines == {}  # the check-in stops with the trajectory


async def test_internship_timer_then_escalation(env, worker):
    t = await start(env, worker)
    await decide(t)
    view = await start_internship(t)
    assert view.state == "internship" and view.case["internship_months"] == 3
    begin = start_of_day(await t.today())
    end = due_at(add_months(begin, AMSTERDAM.internship_length_months))
    assert view.deadlines["internship_end"] == end

    await t.sleep_until(end)
    view = await t.view()
    [due] = notifications(view, "outflow_decision_due")
    assert (due.recipient, due.due) == (COACH, end)
    assert not notifications(view, "outflow_decision_overdue")

    await t.sleep_until(due_at(end + AMSTERDAM.outflow_decision_grace))
    [overdue] = notifications(await t.view(), "outflow_decision_overdue")
    assert (overdue.recipient, overdue.due) == (TEAM_LEAD, due_at(end + AMSTERDAM.outflow_decision_grace))
    assert overdue.at >= overdue.due


async def test_internship_length_agreed_and_ended_early(env, worker):
    t = await start(env, worker)
    await decide(t)
    view = await start_internship(t, host="milieuwerk", months=2)
    assert view.deadlines["internship_end"] == due_at(add_months(start_of_day(await t.today()), 2))
    view = await t.send("internship_ended", reason="participant prefers the day-activities group")
    assert view.state == "preparing" and "internship_end" not in view.deadlines
    error = await rejected(t, "internship_started", host="cordaan", start_date=(await t.today()).isoformat())
    assert "pantar, milieuwerk" in error.message


async def test_outflow_sheltered_goes_through_uwv_and_wage_value(env, worker):
    t = await start(env, worker)
    await decide(t)
    await start_internship(t)
    await t.sleep(timedelta(weeks=6))
    view = await t.send("outflow_chosen", outflow="sheltered_work")
    assert view.state == "awaiting_advice"
    assert "internship_end" not in view.deadlines
    assert {"uwv_advice", "wage_value_assessment"} <= set(view.deadlines)
    await t.sleep(timedelta(seconds=1))
    [requested] = notifications(await t.view(), "wage_value_assessment_requested")
    assert requested.recipient == SPECIALIST

    # the UWV answer timer and its escalation
    asked = view.history[-1].at
    await t.sleep_until(due_at(due_at(asked + AMSTERDAM.uwv_answer_within) + AMSTERDAM.uwv_escalation_after))
    view = await t.view()
    overdue = notifications(view, "uwv_advice_overdue")
    assert [n.recipient for n in overdue] == [COACH, TEAM_LEAD]
    [wage_overdue] = notifications(view, "wage_value_assessment_overdue")
    assert wage_overdue.due == due_at(asked + AMSTERDAM.wage_value_assessment_within)

    await t.send("wage_value_assessed", wage_value_percent=45)
    view = await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")
    assert view.state == "seeking_work" and view.case["wage_value_percent"] == 45


async def test_negative_advice_returns_to_choosing_the_outflow(env, worker):
    t = await start(env, worker)
    await decide(t)
    await t.send("outflow_chosen", outflow="sheltered_work")
    view = await t.send("advice_received", outcome="negative", actor="backend:uwv-gateway")
    assert view.state == "preparing" and view.case["advice"] == "negative"
    await t.sleep(timedelta(seconds=1))
    assert notifications(await t.view(), "outflow_rechoice_needed")[0].recipient == COACH
    view = await t.send("outflow_chosen", outflow="banenafspraak")
    assert view.state == "seeking_work"


@pytest.mark.parametrize("outflow", ["regular_work", "banenafspraak"])
async def test_regular_and_banenafspraak_skip_uwv_and_are_not_paid(env, worker, outflow):
    t = await start(env, worker)
    await decide(t)
    view = await t.send("outflow_chosen", outflow=outflow)
    assert view.state == "seeking_work"
    assert "uwv_advice" not in view.deadlines and "wage_value_assessment" not in view.deadlines
    assert "wage_value_assessed" not in view.allowed_events
    view = await start_employment(t, employer="employer-regular-bakery", split=(2, 3))
    assert view.state == "employed"
    await t.sleep(timedelta(days=200))
    view = await t.view()
    assert view.payments == []
    assert not notifications(view, "wage_value_assessment_requested")


async def test_sheltered_employment_needs_the_wage_value_first(env, worker):
    t = await start(env, worker)
    await decide(t)
    await t.send("outflow_chosen", outflow="sheltered_work")
    await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")
    error = await rejected(
        t,
        "employment_started",
        employer_id="employer-pantar",
        start_date=(await t.today()).isoformat(),
        employer_days=3,
        day_activities_days=2,
    )
    assert "wage-value assessment" in error.message


async def test_gradual_transition_split_and_completion(env, worker):
    t = await start(env, worker)
    view = await to_employed(t)
    assert view.case["work_split"]["employer_days"] == 3 and view.case["work_split"]["day_activities_days"] == 2
    assert "placement_completed" not in view.allowed_events  # still two days in day activities

    await t.sleep(timedelta(days=120))
    view = await t.send(
        "work_split_changed", since=(await t.today()).isoformat(), employer_days=4, day_activities_days=1
    )
    assert (view.case["work_split"]["employer_days"], view.case["work_split"]["day_activities_days"]) == (4, 1)
    await rejected(t, "work_split_changed", since=(await t.today()).isoformat(), employer_days=4, day_activities_days=2)

    await t.sleep(timedelta(days=120))
    view = await t.send(
        "work_split_changed", since=(await t.today()).isoformat(), employer_days=5, day_activities_days=0
    )
    assert [(s["employer_days"], s["day_activities_days"]) for s in view.case["split_history"]] == [
        (3, 2),
        (4, 1),
        (5, 0),
    ]
    assert [h.event for h in view.history].count("work_split_changed") == 2
    view = await t.send("placement_completed")
    assert view.state == "follow_up" and not view.closed  # closing is the consultant's decision after the follow-up


async def test_job_coaching_once_and_supervision_fee_every_quarter(env, worker):
    t = await start(env, worker)
    view = await to_employed(t)
    begin = start_of_day(await t.today())
    await t.sleep(timedelta(seconds=1))
    [coaching] = payments(await t.view(), "job_coaching")
    assert coaching.amount == Decimal("2500.00") and coaching.payee == "employer-milieuwerk"

    await t.sleep_until(due_at(add_months(begin, 12), "payment:supervision_fee"))
    view = await t.view()
    assert len(payments(view, "job_coaching")) == 1
    fees = payments(view, "supervision_fee")
    assert [f.period_start for f in fees] == [add_months(begin, 3 * n).date() for n in range(4)]
    assert all(f.amount_cents == 190_000 for f in fees), "a 36-hour contract, first year: the full default amount"

    # a fallback to another workplace and a new employment: job coaching is never paid twice
    await t.send("fallback_reported", reason="conflict with the supervisor")
    await t.send("fallback_decided", outcome="other_workplace", reason="a better fitting social firm")
    view = await start_employment(t, employer="employer-cordaan")
    await t.sleep(timedelta(days=100))
    view = await t.view()
    assert len(payments(view, "job_coaching")) == 1
    assert payments(view, "supervision_fee")[-1].payee == "employer-cordaan"


async def test_quarterly_check_ins_over_two_years(env, worker):
    t = await start(env, worker)
    started = (await t.handle.describe()).start_time
    view = await t.view()
    [first] = [d.nominal for d in view.due if d.name == "check_in"]
    assert abs(first - add_months(started, AMSTERDAM.check_in_every_months)) < timedelta(seconds=1)
    assert view.deadlines["check_in"] == due_at(first)
    await decide(t)
    await t.sleep_until(due_at(add_months(first, 21)))
    view = await t.view()
    check_ins = notifications(view, "check_in_due")
    assert [n.due for n in check_ins] == [due_at(add_months(first, 3 * n)) for n in range(8)]
    assert {n.recipient for n in check_ins} == {COACH}
    assert view.deadlines["check_in"] == due_at(add_months(first, 24))
    view = await t.send("check_in_recorded", checked_on=(await t.today()).isoformat())
    assert view.case["last_check_in"] == (await t.today()).isoformat()


async def test_fallback_is_an_explicit_escalated_decision(env, worker):
    t = await start(env, worker)
    await to_employed(t)
    await t.sleep(timedelta(days=30))
    view = await t.send("fallback_reported", reason="absent for weeks")
    assert view.state == "fallback_review"
    reported = view.history[-1].at
    decision_due = due_at(reported + AMSTERDAM.fallback_decision_within)
    assert view.deadlines["fallback_decision"] == decision_due
    assert "payment:supervision_fee" in view.deadlines  # employment runs on while the consultant decides
    await t.sleep(timedelta(seconds=1))
    [needed] = notifications(await t.view(), "fallback_decision_needed")
    assert needed.recipient == COACH

    await t.sleep_until(decision_due)
    [overdue] = notifications(await t.view(), "fallback_decision_overdue")
    assert (overdue.recipient, overdue.due) == (TEAM_LEAD, decision_due)

    view = await t.send("fallback_decided", outcome="back_to_day_activities", reason="work is too heavy now")
    assert view.state == "preparing" and view.case["outflow"] is None
    assert "payment:supervision_fee" not in view.deadlines and "check_in" in view.deadlines
    await t.sleep(timedelta(seconds=1))
    assert {n.recipient for n in notifications(await t.view(), "back_to_day_activities")} == {COACH, TEAM_LEAD}


async def test_fallback_decided_to_stay_keeps_employment(env, worker):
    t = await start(env, worker)
    await to_employed(t)
    await t.send("fallback_reported", reason="a difficult month")
    view = await t.send("fallback_decided", outcome="stay_in_work", reason="extra coaching helps")
    assert view.state == "employed" and view.case["employer_id"] == "employer-milieuwerk"
    assert "fallback_decision" not in view.deadlines and "payment:supervision_fee" in view.deadlines


async def test_stabilisation_runs_alongside_the_work_track(env, worker):
    t = await start(env, worker)
    await t.send("stabilisation_started", problem="debts", partner="neighbourhood-team")
    await decide(t)
    view = await t.send("stabilisation_started", problem="psychological", partner="mee")
    assert view.case["stabilising"] == {"debts": "neighbourhood-team", "psychological": "mee"}
    assert "outflow_chosen" in view.allowed_events and "internship_started" in view.allowed_events
    view = await t.send("outflow_chosen", outflow="regular_work")
    assert view.state == "seeking_work"
    view = await t.send("stabilisation_ended", problem="debts")
    assert view.case["stabilising"] == {"psychological": "mee"} and view.case["stabilised"] == ["debts"]
    await rejected(t, "stabilisation_ended", problem="addiction")
    await t.sleep(timedelta(seconds=1))
    assert all("debts" not in n.kind and "mee" not in n.kind for n in (await t.view()).notifications)


async def test_rejected_events_leave_history_unchanged(env, worker):
    t = await start(env, worker)
    error = await rejected(t, "joint_decision_recorded", parties=ALL_PARTIES[:3], step_to_work=True)
    assert "client_manager_work_income" in error.message and error.type == "EventInvalid"
    error = await rejected(
        t, "employment_started", employer_id="e-1", start_date="2030-01-01", employer_days=3, day_activities_days=2
    )
    assert error.type == "EventNotAllowed" and "joint_decision_recorded" in error.message
    error = await rejected(t, "trial_started", employer_id="e-1")
    assert error.type == "EventUnknown"
    await decide(t)
    await t.send("outflow_chosen", outflow="regular_work")
    error = await rejected(
        t,
        "employment_started",
        employer_id="e-1",
        start_date=(await t.today()).isoformat(),
        employer_days=4,
        day_activities_days=2,
    )
    assert "must not exceed 5" in error.message
    assert [h.event for h in (await t.view()).history] == ["joint_decision_recorded", "outflow_chosen"]


async def test_provider_is_required_for_the_outcome_figure(env, worker):
    t = await start(env, worker, provider_id=None)
    error = await rejected(t, "joint_decision_recorded", parties=ALL_PARTIES, step_to_work=True)
    assert "provider" in error.message
    view = await t.send(
        "joint_decision_recorded", parties=ALL_PARTIES, step_to_work=True, provider_id="provider-cordaan"
    )
    assert view.case["provider_id"] == "provider-cordaan"


async def test_coach_reassigned(env, worker):
    t = await start(env, worker)
    view = await t.send("coach_reassigned", coach_id=OTHER_COACH)
    assert view.coach_id == OTHER_COACH
    await t.sleep(timedelta(seconds=1))
    assert notifications(await t.view(), "trajectory_assigned")[0].recipient == OTHER_COACH


@pytest.mark.parametrize("index", range(5))
async def test_samples_reach_their_state(env, worker, index):
    from trajectories.samples.amsterdam import SAMPLES

    sample = SAMPLES[index]
    overrides = {**sample.start, "trajectory_id": f"{sample.start['trajectory_id']}-{uuid.uuid4().hex[:6]}"}
    t = await start(env, worker, **overrides)
    for event in sample.events(await t.today()):
        await t.handle.execute_update("submit_event", event)
    view = await t.view()
    assert not view.closed and len(view.history) == len(sample.events(await t.today()))


def test_documented_examples_are_valid_events():
    """Every JSON example in docs/amsterdam.md parses; every event is documented."""
    import json
    import re
    from pathlib import Path

    from domain.amsterdam import AMSTERDAM_EVENTS, AmsterdamCase
    from domain.events import EventContext
    from tests import doc_dates

    text = (Path(__file__).resolve().parent.parent / "docs" / "amsterdam.md").read_text(encoding="utf-8")
    text = doc_dates.substitute(text)  # relative dates, filled in as a reader would on the day
    case = AmsterdamCase(coach_id=COACH, outflow="sheltered_work", wage_value_percent=40, stabilising={"debts": "mee"})
    context = EventContext(today=doc_dates.today(), policy=AMSTERDAM, case=case)
    documented = [json.loads(m) for m in re.findall(r'`(\{"event".*?\})`', text)]
    for payload in documented:
        AMSTERDAM_EVENTS.parse(payload, AMSTERDAM_EVENTS.names, context)
    assert {p["event"] for p in documented} == set(AMSTERDAM_EVENTS.names), "every event has an example"
    assert "<!-- diagram:amsterdam -->" in text
