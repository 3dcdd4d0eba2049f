"""Deadlines fall due at the start of a working day in Amsterdam, through a real time-skipping server.

Expected moments are worked out here from the ``holidays`` package and ``zoneinfo`` directly, not through
``domain.calendar``: the test says what a coach expects, the code under test must agree."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest

from tests.scenario import COACH, Trajectory, notifications
from workflows.contract import NEXT_DEADLINE_KIND

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DUTCH_HOLIDAYS = holidays.country_holidays("NL", years=range(date.today().year - 1, date.today().year + 8))


def working_day_on_or_after(day: date) -> date:
    while day.weekday() >= 5 or day in DUTCH_HOLIDAYS:
        day += timedelta(days=1)
    return day


def at_half_past_eight(day: date) -> datetime:
    return datetime.combine(day, time(8, 30), tzinfo=AMSTERDAM).astimezone(UTC)


async def search_attribute(t: Trajectory, name: str):
    request = DescribeWorkflowExecutionRequest(
        namespace=t.client.namespace, execution=WorkflowExecution(workflow_id=t.handle.id)
    )
    described = await t.client.workflow_service.describe_workflow_execution(request)
    fields = described.workflow_execution_info.search_attributes.indexed_fields
    return json.loads(fields[name].data) if name in fields else None


def assessments(view):
    return [n for n in notifications(view, "wage_value_assessment_due") if n.recipient == COACH]


async def trial_from(t: Trajectory, start: date):
    await t.to_seeking_placement()
    await t.send("advice_talk_recorded", held_on=await t.today())  # the talk after a positive advice is held
    return await t.send("trial_started", employer_id="employer-jungle", start_date=start)


async def assert_assessment_notified_at(t: Trajectory, due: datetime) -> None:
    """Nothing two minutes before ``due``; at ``due`` exactly one notification, sent within a minute of it."""
    await t.sleep_until(due - timedelta(minutes=2), plus=timedelta(0))
    assert assessments(await t.view()) == [], "notified before the working day began"
    await t.sleep_until(due)
    [sent] = assessments(await t.view())
    assert sent.due == due
    assert timedelta(0) <= sent.at - due < timedelta(minutes=1)


async def test_week_six_assessment_of_a_trial_started_on_a_saturday_is_notified_on_the_next_working_day(env, worker):
    t = await Trajectory.start(env, worker)
    today = await t.today()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    while working_day_on_or_after(saturday + timedelta(days=42)) != saturday + timedelta(days=44):
        saturday += timedelta(weeks=1)  # a Monday that is a holiday would test something else
    view = await trial_from(t, saturday)
    week_six = saturday + timedelta(days=42)
    due = at_half_past_eight(week_six + timedelta(days=2))
    assert view.deadlines["wage_value_assessment"] == due
    [shown] = [d for d in view.due if d.name == "wage_value_assessment"]
    assert (shown.kind, shown.moved) == ("wage_value_assessment_due", f"moved from Saturday {week_six.isoformat()}")
    assert await search_attribute(t, NEXT_DEADLINE_KIND.name) == "wage_value_assessment_due"
    await assert_assessment_notified_at(t, due)
    assert await search_attribute(t, NEXT_DEADLINE_KIND.name) == "trial_decision_due"


def next_occurrence(name: str, after: date) -> date:
    return min(day for day, holiday in DUTCH_HOLIDAYS.items() if holiday == name and day > after)


async def clock_date(env) -> date:
    return (await env.get_current_time()).date()


async def test_kings_day_christmas_and_easter_monday_move_to_the_next_working_day_at_half_past_eight(env, worker):
    """Each holiday's week-6 assessment, for a trial started 42 days before it: virtual time goes forward to the
    day before that start, then to the assessment. Christmas falls in winter time, King's Day and Easter Monday
    in summer time: the same 08:30 in Amsterdam is 07:30 and 06:30 UTC."""
    for name in ("King's Day", "Christmas Day", "Easter Monday"):
        holiday = next_occurrence(name, await clock_date(env) + timedelta(days=43))
        trial_start = holiday - timedelta(days=42)
        day_before = datetime.combine(trial_start - timedelta(days=1), time(12), tzinfo=UTC)
        await env.sleep(day_before - await env.get_current_time())
        t = await Trajectory.start(env, worker)
        view = await trial_from(t, trial_start)
        due = at_half_past_eight(working_day_on_or_after(holiday))
        [shown] = [d for d in view.due if d.name == "wage_value_assessment"]
        assert (shown.due, shown.moved) == (due, f"moved from {name} {holiday.isoformat()}"), name
        assert due.astimezone(AMSTERDAM).time() == time(8, 30)
        await assert_assessment_notified_at(t, due)
