"""Issue 17, Rijk van Nijmegen: the steps seed 001 names, at exact virtual times on the time-skipping server.

UWV's advice before sheltered work, wage-value measurements during a wage-value arrangement, the school
leaver's benefit check, secondment (employer of record and hirer), the evaluation's grace, the hand-over.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.dates import add_months, start_of_day
from domain.rijk_van_nijmegen import RIJK_VAN_NIJMEGEN as POLICY
from tests.rijk_van_nijmegen_steps import BUSINESS_CONSULTANT, SUPERVISOR, TEAM_LEAD, NijmegenTrajectory
from tests.scenario import COACH, OTHER_COACH, notifications, working_due


@pytest.fixture(autouse=True)
async def settle(env, worker):
    """Let queued notifications finish before the worker stops (see test_rijk_van_nijmegen.py)."""
    yield
    await env.sleep(timedelta(seconds=1))


def due_at(nominal):
    """Where a deadline whose arithmetic gives ``nominal`` falls due: 08:30 in Amsterdam on its working day."""
    return working_due(nominal, policy=POLICY)


def only(view, kind):
    found = notifications(view, kind)
    assert len(found) == 1, (kind, found)
    return found[0]


async def rejected(t, event, **fields):
    with pytest.raises(WorkflowUpdateFailedError) as caught:
        await t.send(event, **fields)
    return caught.value.cause


async def test_sheltered_work_asks_uwv_before_placement_and_escalates(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.to_development()
    view = await t.send("evaluation_completed", goals_met=True, next_step="sheltered_work")
    asked = view.history[-1].at
    answer_due = due_at(asked + POLICY.uwv_answer_within)
    assert view.state == "awaiting_advice" and view.case["track"] == "sheltered"
    assert view.deadlines == {"uwv_advice": answer_due}
    assert "work_step_started" not in view.allowed_events and "advice_received" in view.allowed_events
    await t.sleep_until(answer_due)
    overdue = only(await t.view(), "uwv_advice_overdue")
    assert (overdue.recipient, overdue.due) == (COACH, answer_due)
    await t.sleep_until(due_at(answer_due + POLICY.uwv_escalation_after))
    chased = notifications(await t.view(), "uwv_advice_overdue")
    assert [(n.recipient, n.due) for n in chased] == [
        (COACH, answer_due),
        (TEAM_LEAD, due_at(answer_due + POLICY.uwv_escalation_after)),
    ]
    view = await t.send("advice_received", actor="backend:uwv-gateway", outcome="positive", uwv_reference="uwv-118")
    assert (view.state, view.case["advice"]) == ("seeking_work", "positive")
    assert view.deadlines.keys() == {"work_step"}


async def test_negative_advice_returns_to_the_basic_arrangement(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.to_development()
    await t.send("evaluation_completed", goals_met=True, next_step="sheltered_work")
    view = await t.send("advice_received", actor="backend:uwv-gateway", outcome="negative")
    assert (view.state, view.case["advice"], view.case["track"]) == ("basic_arrangement", "negative", None)
    assert view.deadlines == {}
    await t.sleep(timedelta(seconds=2))
    assert only(await t.view(), "uwv_advice_negative").recipient == COACH


async def test_banenafspraak_needs_no_uwv_advice(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.to_development()
    view = await t.send("evaluation_completed", goals_met=True, next_step="banenafspraak_work")
    assert view.state == "seeking_work" and "uwv_advice" not in view.deadlines


async def test_switching_to_sheltered_work_after_a_fallback_asks_uwv(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.to_development()
    await t.send("evaluation_completed", goals_met=True, next_step="banenafspraak_work")
    await t.start_work_step(form="direct_contract")
    await t.fall_back()
    view = await t.send("fallback_decided", actor=BUSINESS_CONSULTANT, decision="switch_to_sheltered_work")
    assert (view.state, view.case["track"]) == ("awaiting_advice", "sheltered")
    assert view.deadlines.keys() == {"uwv_advice"}


async def test_wage_value_is_measured_every_three_months_and_kept_dated(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    view = await t.to_development()
    begin = start_of_day(await t.today())
    every = POLICY.wage_value_measurement_every_months
    first = due_at(add_months(begin, every))
    assert view.deadlines["wage_value_measurement"] == first
    await t.sleep_until(first)
    due = only(await t.view(), "wage_value_measurement_due")
    assert (due.recipient, due.due) == (COACH, first)
    measured = await t.today()
    view = await t.send("wage_value_measured", wage_value_percent=35, measured_on=measured)
    assert view.deadlines["wage_value_measurement"] == due_at(add_months(begin, 2 * every))
    await t.sleep_until(due_at(add_months(begin, 2 * every)))
    second = await t.today()
    view = await t.send("wage_value_measured", wage_value_percent=42, measured_on=second)
    assert view.case["wage_values"] == [
        {"wage_value_percent": 35, "measured_on": measured.isoformat()},
        {"wage_value_percent": 42, "measured_on": second.isoformat()},
    ]
    assert [n.due for n in notifications(view, "wage_value_measurement_due")] == [
        first, due_at(add_months(begin, 2 * every)),
    ]  # fmt: skip
    cause = await rejected(t, "wage_value_measured", wage_value_percent=120, measured_on=second)
    assert cause.type == "EventInvalid" and "wage_value_percent" in cause.message


async def test_a_pause_moves_the_wage_value_measurement(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    view = await t.to_development()
    [planned] = [d.nominal for d in view.due if d.name == "wage_value_measurement"]
    await t.sleep(timedelta(days=30))
    await t.send("arrangement_paused", reason="illness")
    await t.sleep(timedelta(days=20, hours=3))
    view = await t.send("arrangement_resumed")
    paused = view.history[-1].at - view.history[-2].at
    assert view.deadlines["wage_value_measurement"] == due_at(planned + paused)


async def test_self_reliance_has_no_wage_value_measurement(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    view = await t.to_development("basic_plus_self_reliance")
    assert "wage_value_measurement" not in view.deadlines and "wage_value_measured" not in view.allowed_events


async def test_school_leaver_benefit_check_is_due_before_the_diploma_and_escalates(env, worker):
    today = (await env.get_current_time()).date()
    diploma = date(today.year + 1, 7, 1)
    t = await NijmegenTrajectory.begin(env, worker, referral_source="vso_pro_school", diploma_date=diploma.isoformat())
    view = await t.view()
    due = due_at(add_months(start_of_day(diploma), -POLICY.benefit_check_before_diploma_months))
    assert view.deadlines["benefit_check"] == due
    assert "benefit_check_completed" in view.allowed_events
    await t.send("school_meeting_joined", joined_on=await t.today())
    view = await t.send("indication_requested")
    assert view.state == "awaiting_case_meeting" and view.deadlines["benefit_check"] == due
    await t.case_meeting("basic")
    await t.sleep_until(due)
    check = only(await t.view(), "benefit_check_due")
    assert (check.recipient, check.due) == (POLICY.youth_team_id, due)  # the youth team checks (seed 001)
    await t.sleep_until(due_at(due + POLICY.escalation_after))
    late = only(await t.view(), "benefit_check_overdue")
    assert (late.recipient, late.due) == (TEAM_LEAD, due_at(due + POLICY.escalation_after))
    view = await t.send(
        "benefit_check_completed", actor="youth-consultant-2", outcome="applied", checked_on=await t.today()
    )
    assert (view.case["benefit_check"], view.case["benefit_checked_on"]) == ("applied", (await t.today()).isoformat())
    assert not {"benefit_check", "benefit_check_escalation"} & view.deadlines.keys()
    assert "benefit_check_completed" not in view.allowed_events


async def test_no_benefit_check_without_a_diploma_date(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    cause = await rejected(t, "benefit_check_completed", outcome="not_eligible", checked_on=await t.today())
    assert cause.type == "EventNotAllowed"


async def test_secondment_records_employer_of_record_and_hirer(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.to_development()
    await t.send("evaluation_completed", goals_met=True, next_step="sheltered_work")
    await t.send("advice_received", actor="backend:uwv-gateway", outcome="positive")
    cause = await rejected(
        t,
        "work_step_started",
        form="trial_placement",
        employer_id="employer-dela",
        supervisor_id=SUPERVISOR,
        secondment=False,
        employer_of_record_id="breed",
        start_date=await t.today(),
    )
    assert "employer_of_record_id" in cause.message
    view = await t.send(
        "work_step_started",
        form="trial_placement",
        employer_id="employer-dela",
        supervisor_id=SUPERVISOR,
        secondment=True,
        start_date=await t.today(),
    )
    assert (view.case["employer_of_record_id"], view.case["hirer_id"]) == (
        POLICY.secondment_employer_of_record_id,
        "employer-dela",
    )
    await t.fall_back()
    view = await t.send("fallback_decided", actor=BUSINESS_CONSULTANT, decision="other_workplace")
    assert (view.case["employer_of_record_id"], view.case["hirer_id"]) == (None, None)
    view = await t.send(
        "work_step_started",
        form="direct_contract",
        employer_id="employer-jumbo",
        supervisor_id=SUPERVISOR,
        secondment=True,
        employer_of_record_id="breed",
        start_date=await t.today(),
    )
    assert (view.case["employer_of_record_id"], view.case["hirer_id"]) == ("breed", "employer-jumbo")


async def test_a_missed_evaluation_escalates_after_the_evaluation_grace(env, worker):
    assert POLICY.evaluation_grace != POLICY.escalation_after  # else this test could not tell them apart
    t = await NijmegenTrajectory.begin(env, worker)
    view = await t.to_development("basic_plus_self_reliance", months=6)
    end = view.deadlines["arrangement_end"]
    await t.sleep_until(due_at(end + POLICY.escalation_after))
    assert notifications(await t.view(), "evaluation_overdue") == []
    await t.sleep_until(due_at(end + POLICY.evaluation_grace))
    overdue = only(await t.view(), "evaluation_overdue")
    assert (overdue.recipient, overdue.due) == (TEAM_LEAD, due_at(end + POLICY.evaluation_grace))


async def test_handing_over_notifies_the_new_owner(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    await t.send("indication_requested")
    view = await t.send("coach_reassigned", coach_id=OTHER_COACH)
    assert view.coach_id == OTHER_COACH
    await t.sleep(timedelta(seconds=2))
    handed = only(await t.view(), "trajectory_assigned")
    assert handed.recipient == OTHER_COACH and handed.at == view.history[-1].at
    await t.sleep_until(view.deadlines["case_meeting"])
    assert only(await t.view(), "case_meeting_due").recipient == OTHER_COACH
