"""Almere's route end to end on a time-skipping server: the happy path, the failures and the ends."""

from __future__ import annotations

from datetime import timedelta

from domain.payments import AMSTERDAM_TIME as AMSTERDAM
from tests.scenario import COACH, TEAM_LEAD, Trajectory, notifications, working_due


async def test_happy_path_to_permanent(env, worker, outbox):
    t = await Trajectory.start(env, worker)
    assert (await t.view()).state == "referred"

    await t.send("observation_started", provider_id="provider-de-schoor", period_weeks=3)
    view = await t.send("observation_completed", potential=True, motivated=True, hours_per_week=32)
    assert view.state == "awaiting_advice"
    await t.sleep(timedelta(seconds=5))  # the UWV request activity runs
    assert len(list((outbox / "uwv-advice-requests").glob("*.json"))) == 1

    view = await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")
    assert view.state == "seeking_placement"
    view = await t.start_trial()
    assert view.state == "trial" and view.match_attempts == 1
    view = await t.send("wage_value_assessed", wage_value_percent=60)
    assert view.case["wage_value_percent"] == 60
    view = await t.sign_contract()
    assert view.state == "employed"
    view = await t.send("permanent_contract_signed", start_date=await t.today())
    assert view.state == "permanent"
    assert view.case["permanent_since"] == (await t.today()).isoformat()

    assert [h.event for h in view.history] == [
        "observation_started",
        "observation_completed",
        "advice_received",
        "trial_started",
        "wage_value_assessed",
        "contract_signed",
        "permanent_contract_signed",
    ]
    assert view.history[-1].from_state == "employed" and view.history[-1].to_state == "permanent"
    assert set(view.deadlines) == {"payment:supervision_fee", "payment:wage_cost_subsidy", "aftercare_visit"}, (
        "temporary-contract deadlines cleared"
    )
    assert "employment_ended" in view.allowed_events and "contract_renewed" not in view.allowed_events


async def test_three_failed_trials_fall_back_to_day_activities(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_seeking_placement()
    for attempt in (1, 2):
        await t.start_trial(employer=f"employer-{attempt}")
        view = await t.send("trial_failed", motivated=True, reason="the work did not fit")
        assert view.state == "seeking_placement"
        assert view.match_attempts == attempt
        assert "placement_search" in view.deadlines, "a new placement search starts"
        await t.sleep(timedelta(seconds=2))
        view = await t.view()
        assert [n.recipient for n in notifications(view, "rematch_needed")] == [COACH] * attempt

    await t.start_trial(employer="employer-3")
    view = await t.send("trial_failed", motivated=True, reason="the work did not fit")
    assert view.state == "closed_back_to_day_activities"
    assert view.closed and view.allowed_events == [] and view.deadlines == {}
    final = await t.handle.result()  # the trajectory ends
    assert final.state == "closed_back_to_day_activities"
    assert final.match_attempts == 3
    assert sorted(n.recipient for n in notifications(final, "back_to_day_activities")) == [TEAM_LEAD, COACH]
    assert "3 time(s)" in final.case["closing_reason"]


async def test_failed_trial_with_poor_motivation_ends_at_once(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_trial()
    view = await t.send("trial_failed", motivated=False, reason="no longer wants this work")
    assert view.state == "closed_back_to_day_activities"
    assert view.match_attempts == 1


async def test_trial_extension_once_moves_the_decision(env, worker):
    t = await Trajectory.start(env, worker)
    view = await t.to_trial()
    original_end = view.deadlines["trial_end"]
    view = await t.send("trial_extended", weeks=3)
    # three weeks later at the same time of day in Amsterdam (08:30 on a working day), across a change of clocks
    assert view.deadlines["trial_end"] == working_due(
        original_end.astimezone(AMSTERDAM) + timedelta(weeks=3), "trial_end"
    )
    assert view.case["trial_extensions"] == 1
    assert "trial_extended" not in view.allowed_events, "only one extension per trial"

    await t.sleep_until(original_end)
    assert notifications(await t.view(), "trial_decision_due") == [], "the original end passed silently"
    await t.sleep_until(original_end + timedelta(weeks=3))
    due = notifications(await t.view(), "trial_decision_due")
    assert [(n.recipient, n.due) for n in due] == [(COACH, original_end + timedelta(weeks=3))]


async def test_no_potential_ends_the_trajectory(env, worker):
    t = await Trajectory.start(env, worker)
    await t.send("observation_started")
    view = await t.send("observation_completed", potential=True, motivated=True, hours_per_week=16)
    assert view.state == "closed_no_potential", "fewer than 28 hours without an exception"
    assert (await t.handle.result()).case["closing_reason"] == "conditions for sheltered work not met"


async def test_hours_exception_lets_fewer_hours_through(env, worker):
    t = await Trajectory.start(env, worker)
    await t.send("observation_started")
    view = await t.send(
        "observation_completed",
        potential=True,
        motivated=True,
        hours_per_week=20,
        hours_exception_reason="very-low-learning pupil from VSO",
    )
    assert view.state == "awaiting_advice"
    await t.send("advice_received", outcome="positive")
    await t.start_trial()
    view = await t.sign_contract(hours=20)
    assert view.state == "employed", "the recorded exception also admits a 20-hour contract"


async def test_negative_advice_ends_the_trajectory_after_the_talk(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_awaiting_advice()
    view = await t.send("advice_received", outcome="negative")
    assert view.state == "advice_talk"
    view = await t.send("advice_talk_recorded", held_on=await t.today(), decision="close")
    assert view.state == "closed_advice_negative"


async def test_withdrawal_from_any_open_state_clears_deadlines(env, worker):
    t = await Trajectory.start(env, worker)
    view = await t.to_trial()
    assert view.deadlines
    view = await t.send("withdrawn", reason="chose to stay in day activities")
    assert view.state == "closed_withdrawn" and view.deadlines == {}
    assert (await t.handle.result()).case["closing_reason"] == "chose to stay in day activities"


async def test_employment_ended(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_employed()
    view = await t.send("employment_ended", reason="moved away")
    assert view.state == "closed_employment_ended" and view.closed


async def test_coach_handover_redirects_notifications(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_employed()
    view = await t.send("coach_reassigned", coach_id="coach-bram", actor="coach-anna")
    assert view.coach_id == "coach-bram"
    await t.send("absence_reported", days_absent=2, actor="employer-jungle")
    await t.sleep(timedelta(seconds=2))
    view = await t.view()
    assert [n.recipient for n in notifications(view, "trajectory_assigned")] == ["coach-bram"]
    assert [n.recipient for n in notifications(view, "absence_reported")] == ["coach-bram"]
