"""Almere's steps from the seeds (issue 16), each at its exact virtual time on the time-skipping server.

Escalations go to the other advisor: a trajectory of ``almere-advisor-1`` escalates to ``almere-advisor-2``.
"""

from __future__ import annotations

import json
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from domain.dates import add_months, start_of_day
from domain.policy import ALMERE
from tests.scenario import Trajectory, assert_fired_at, notifications, sent, working_due
from tests.test_amsterdam import rejected

ADVISOR, OTHER_ADVISOR = ALMERE.advisor_ids
UWV = "backend:uwv-gateway"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


async def start(env, worker, **overrides) -> Trajectory:
    return await Trajectory.start(env, worker, coach_id=ADVISOR, **overrides)


async def test_escalations_go_to_the_other_advisor(env, worker):
    t = await start(env, worker)
    view = await t.to_awaiting_advice()
    since = view.history[-1].at
    await assert_fired_at(t, "uwv_advice_overdue", ADVISOR, working_due(since + ALMERE.uwv_answer_within))
    await assert_fired_at(
        t,
        "uwv_advice_overdue",
        OTHER_ADVISOR,
        working_due(working_due(since + ALMERE.uwv_answer_within) + ALMERE.uwv_escalation_after),
    )
    assert "almere-team-lead" not in {n.recipient for n in (await t.view()).notifications}


async def test_a_negative_advice_closes_only_after_the_talk_or_escalates(env, worker):
    t = await start(env, worker)
    await t.to_awaiting_advice()
    view = await t.send("advice_received", outcome="negative", actor=UWV)
    received = view.history[-1].at
    assert view.state == "advice_talk" and not view.closed
    assert view.allowed_events == [
        "advice_talk_recorded",
        "neighbourhood_team_referred",
        "coach_reassigned",
        "withdrawn",
    ]
    await assert_fired_at(t, "advice_talk_due", ADVISOR, working_due(received + ALMERE.advice_talk_within))
    await assert_fired_at(
        t,
        "advice_talk_overdue",
        OTHER_ADVISOR,
        working_due(working_due(received + ALMERE.advice_talk_within) + ALMERE.advice_talk_escalation_after),
    )
    view = await t.send("advice_talk_recorded", held_on=await t.today(), decision="close")
    assert view.state == "closed_advice_negative" and view.deadlines == {}
    assert view.case["closing_reason"] == "sheltered-work advice negative: talk held, trajectory closed"


async def test_a_negative_advice_needs_a_decision_and_may_be_reapplied(env, worker, outbox):
    t = await start(env, worker)
    await t.to_awaiting_advice()
    await t.send("advice_received", outcome="negative", actor=UWV)
    cause = await rejected(t, "advice_talk_recorded", held_on=await t.today())
    assert cause.type == "EventInvalid" and cause.details[0]["fields"] == ["decision"]
    await t.sleep(timedelta(days=3))
    view = await t.send("advice_talk_recorded", held_on=await t.today(), decision="reapply")
    assert view.state == "awaiting_advice" and view.case["advice"] is None
    assert view.deadlines["uwv_advice"] == working_due(view.history[-1].at + ALMERE.uwv_answer_within)
    await t.settle()
    assert len(list((outbox / "uwv-advice-requests").glob("*.json"))) == 2, "a second request is filed"


async def test_a_positive_advice_is_followed_by_a_talk(env, worker):
    t = await start(env, worker)
    await t.to_awaiting_advice()
    view = await t.send("advice_received", outcome="positive", actor=UWV)
    assert view.state == "seeking_placement" and "uwv_advice" not in view.deadlines
    due = working_due(view.history[-1].at + ALMERE.advice_talk_within)
    assert view.deadlines["advice_talk"] == due
    await assert_fired_at(t, "advice_talk_due", ADVISOR, due)
    view = await t.send("advice_talk_recorded", held_on=await t.today())
    assert "advice_talk_escalation" not in view.deadlines and "advice_talk_recorded" not in view.allowed_events
    await t.sleep(ALMERE.advice_talk_escalation_after + timedelta(days=1))
    assert notifications(await t.view(), "advice_talk_overdue") == []


async def test_a_trial_before_the_advice_and_a_negative_advice_during_it(env, worker):
    t = await start(env, worker)
    await t.to_awaiting_advice()
    view = await t.send("uwv_consultation_recorded", consulted_on=await t.today(), actor=ADVISOR)
    assert view.case["uwv_consulted_on"] == (await t.today()).isoformat()
    requested = view.history[-2].at
    view = await t.start_trial()
    assert view.state == "trial" and view.case["trial_before_advice"] is True
    assert view.deadlines["uwv_advice"] == working_due(requested + ALMERE.uwv_answer_within), (
        "UWV's answer is still chased"
    )
    assert "contract_signed" not in view.allowed_events, "no sheltered-work contract without the advice"
    await t.sleep(timedelta(weeks=3))
    view = await t.send("advice_received", outcome="negative", actor=UWV)
    received = view.history[-1].at
    assert view.state == "trial" and "uwv_advice" not in view.deadlines
    assert "trial_failed" not in view.allowed_events and "contract_signed" not in view.allowed_events
    await t.settle()
    assert sent(await t.view(), "advice_negative_in_trial") == [(ADVISOR, None)]
    await assert_fired_at(t, "advice_talk_due", ADVISOR, working_due(received + ALMERE.advice_talk_within))
    view = await t.send("advice_talk_recorded", held_on=await t.today(), decision="close")
    assert view.state == "closed_advice_negative"


async def test_a_trial_before_the_advice_signs_once_the_advice_is_positive(env, worker):
    t = await start(env, worker)
    await t.to_awaiting_advice()
    await t.start_trial()
    await t.sleep(timedelta(weeks=4))
    view = await t.send("advice_received", outcome="positive", actor=UWV)
    assert view.state == "trial" and "contract_signed" in view.allowed_events
    view = await t.sign_contract()
    assert view.state == "employed"


async def test_reexamination_for_regular_work_is_chased_and_ends_the_placement(env, worker, outbox):
    t = await start(env, worker)
    await t.to_employed()
    await t.sleep(timedelta(days=100))
    view = await t.send("reexamination_requested")
    asked = view.history[-1].at
    assert view.deadlines["reexamination"] == working_due(asked + ALMERE.uwv_answer_within)
    assert "reexamination_requested" not in view.allowed_events
    await t.settle()
    kinds = sorted(json.loads(p.read_text())["kind"] for p in (outbox / "uwv-advice-requests").glob("*.json"))
    assert kinds == ["reexamination", "sheltered_work_advice"]
    await assert_fired_at(t, "reexamination_overdue", ADVISOR, working_due(asked + ALMERE.uwv_answer_within))
    await assert_fired_at(
        t,
        "reexamination_overdue",
        OTHER_ADVISOR,
        working_due(working_due(asked + ALMERE.uwv_answer_within) + ALMERE.uwv_escalation_after),
    )
    view = await t.send("reexamination_decided", outcome="stays_sheltered", actor=UWV)
    assert view.state == "employed" and "reexamination" not in view.deadlines
    view = await t.send("reexamination_requested")
    view = await t.send(
        "reexamination_decided",
        outcome="regular_work",
        employer_id="employer-supermarket",
        actor=UWV,
    )
    assert view.state == "closed_regular_work" and view.closed
    assert view.case["employer_id"] == "employer-supermarket"


async def test_absence_is_followed_up_and_a_long_one_reaches_the_employer(env, worker):
    t = await start(env, worker)
    await t.to_employed()
    await t.sleep(timedelta(days=30))
    view = await t.send("absence_reported", days_absent=3, actor="employer-jungle")
    reported = view.history[-1].at
    first_day = start_of_day(await t.today()) - timedelta(days=2)
    assert view.deadlines["absence_follow_up"] == working_due(reported + ALMERE.absence_follow_up_within)
    assert view.deadlines["long_absence"] == working_due(first_day + ALMERE.long_absence_after)
    await assert_fired_at(t, "absence_follow_up_due", ADVISOR, working_due(reported + ALMERE.absence_follow_up_within))
    view = await t.send("absence_followed_up", channel="visit")
    assert "absence_follow_up" not in view.deadlines
    await assert_fired_at(
        t,
        "no_risk_policy_claim",
        "employer-jungle",
        working_due(first_day + ALMERE.long_absence_after),
    )
    view = await t.send("absence_ended", returned_on=await t.today(), actor="employer-jungle")
    assert "absence_followed_up" not in view.allowed_events and "long_absence" not in view.deadlines


async def test_absence_that_ends_early_never_reaches_the_employer(env, worker):
    t = await start(env, worker)
    await t.to_employed()
    await t.send("absence_reported", days_absent=1, actor="employer-jungle")
    await t.send("absence_followed_up")
    await t.sleep(timedelta(weeks=2))
    view = await t.send("absence_ended", returned_on=await t.today(), actor="employer-jungle")
    assert "long_absence" not in view.deadlines
    await t.sleep(ALMERE.long_absence_after)
    assert notifications(await t.view(), "no_risk_policy_claim") == []


async def test_social_problems_go_to_the_neighbourhood_team(env, worker, outbox):
    t = await start(env, worker)
    await t.to_employed()
    view = await t.send("neighbourhood_team_referred", problem="debts")
    assert view.state == "employed" and view.case["neighbourhood_referrals"] == ["debts"]
    await t.settle()
    assert [n.recipient for n in notifications(await t.view(), "neighbourhood_team_referral")] == [
        ALMERE.neighbourhood_team_id
    ]
    texts = [p.read_text() for p in (outbox / "notifications").glob("*.json")]
    [sent_text] = [text for text in texts if "neighbourhood_team_referral" in text]
    assert "debts" not in sent_text and ADVISOR in sent_text, "the text names no problem"


async def test_a_school_leaver_is_discussed_months_before_leaving_school(env, worker):
    today = start_of_day((await env.get_current_time()).date())
    leaving = add_months(today, 18).date()
    t = await start(
        env,
        worker,
        referral_source="vso_pro_school",
        school_leaving_date=leaving.isoformat(),
    )
    due = working_due(add_months(start_of_day(leaving), -ALMERE.school_leaver_meeting_months_before))
    assert (await t.view()).deadlines["school_leaver_meeting"] == due
    view = await t.send(
        "school_internship_assessed",
        host_id="provider-kringloop",
        feasible=True,
        host_offers_place=True,
    )
    assert view.case["school_internships"] == ["provider-kringloop"] and view.case["sheltered_work_feasible"] is True
    await assert_fired_at(t, "school_leaver_meeting_due", ADVISOR, due)


async def test_hours_build_up_to_28_is_rechecked_until_reached(env, worker):
    t = await start(
        env,
        worker,
        participant={"has_benefit": True, "age_band": "18_to_27", "hours_per_week": 16},
    )
    first = (await t.view()).deadlines["hours_recheck"]
    assert first.astimezone(AMSTERDAM).time() == time(8, 30)  # on a working day: see test_calendar.py
    await assert_fired_at(t, "hours_recheck_due", ADVISOR, first)
    view = await t.send("hours_recorded", hours_per_week=24)
    assert view.deadlines["hours_recheck"] == working_due(view.history[-1].at + ALMERE.hours_recheck_every)
    view = await t.send("hours_recorded", hours_per_week=28)
    assert "hours_recheck" not in view.deadlines
    assert view.case["hours_per_week"] == 28


async def test_fewer_hours_with_an_exception_are_not_rechecked(env, worker):
    t = await start(
        env,
        worker,
        participant={
            "has_benefit": False,
            "age_band": "18_to_27",
            "hours_per_week": 16,
        },
    )
    assert "hours_recheck" in (await t.view()).deadlines
    view = await t.send(
        "hours_recorded",
        hours_per_week=20,
        hours_exception_reason="no benefit to leave",
    )
    assert "hours_recheck" not in view.deadlines
