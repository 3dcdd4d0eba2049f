"""Every Almere timer fires with the right notification, to the right person, at the right virtual time;
and a deadline that was met never fires."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.dates import start_of_day
from domain.policy import ALMERE
from tests.scenario import COACH, TEAM_LEAD, Trajectory, assert_fired_at, notifications, working_due


async def test_observation_period_ends_with_a_decision_due(env, worker):
    t = await Trajectory.start(env, worker)
    view = await t.send("observation_started")
    started = view.history[-1].at
    due = working_due(started + ALMERE.observation_period)
    assert view.deadlines["observation_end"] == due
    await assert_fired_at(t, "observation_decision_due", COACH, due)


@pytest.mark.parametrize(
    ("reach", "kind", "first", "then"),
    [
        ("to_awaiting_advice", "uwv_advice_overdue", ALMERE.uwv_answer_within, ALMERE.uwv_escalation_after),
        (
            "to_seeking_placement",
            "placement_overdue",
            ALMERE.placement_search_within,
            ALMERE.placement_escalation_after,
        ),
    ],
    ids=["no-uwv-answer-in-8-weeks", "no-trial-within-4-weeks"],
)
async def test_silence_escalates_to_coach_then_team_lead(env, worker, reach, kind, first, then):
    t = await Trajectory.start(env, worker)
    view = await getattr(t, reach)()
    since = view.history[-1].at
    due = working_due(since + first)
    await assert_fired_at(t, kind, COACH, due)
    await assert_fired_at(t, kind, TEAM_LEAD, working_due(due + then))


async def test_uwv_answer_in_time_silences_the_escalation(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_awaiting_advice()
    await t.sleep(ALMERE.uwv_answer_within - timedelta(days=1))
    view = await t.send("advice_received", outcome="positive")
    assert "uwv_advice" not in view.deadlines
    await t.sleep(ALMERE.uwv_answer_within + ALMERE.uwv_escalation_after)
    assert notifications(await t.view(), "uwv_advice_overdue") == []


async def test_trial_week_six_end_and_overdue_decision(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_trial()
    begin = start_of_day(await t.today())
    await assert_fired_at(t, "wage_value_assessment_due", COACH, working_due(begin + timedelta(weeks=6)))
    end = working_due(begin + timedelta(weeks=8))
    await assert_fired_at(t, "trial_decision_due", COACH, end)
    await assert_fired_at(t, "trial_decision_overdue", TEAM_LEAD, working_due(end + timedelta(weeks=1)))


async def test_met_deadlines_in_the_trial_never_fire(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_trial()
    await t.sleep(timedelta(weeks=5))
    view = await t.send("wage_value_assessed", wage_value_percent=45)
    assert "wage_value_assessment" not in view.deadlines
    await t.sleep(timedelta(weeks=2, days=6))
    view = await t.sign_contract()
    assert not {"trial_end", "trial_decision"} & set(view.deadlines)
    await t.sleep(timedelta(weeks=3))
    view = await t.view()
    assert notifications(view, "wage_value_assessment_due") == []
    assert notifications(view, "trial_decision_due") == []
    assert notifications(view, "trial_decision_overdue") == []
