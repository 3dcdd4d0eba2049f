"""Amsterdam's steps from seed 001 (issue 16), each at its exact virtual time on the time-skipping server."""

from __future__ import annotations

from datetime import timedelta

from domain.amsterdam import AMSTERDAM
from domain.dates import add_months, start_of_day
from tests.amsterdam_steps import (
    TEAM_LEAD,
    decide,
    start,
    start_employment,
    to_employed,
)
from tests.scenario import COACH, assert_fired_at, due_by, notifications
from tests.test_amsterdam import due_at, rejected

CLIENT_MANAGER = AMSTERDAM.client_manager_id


async def full_week(t):
    return await t.send(
        "work_split_changed",
        since=(await t.today()).isoformat(),
        employer_days=5,
        day_activities_days=0,
    )


async def test_contract_renewed_moves_the_renewal_deadline(env, worker):
    t = await start(env, worker)
    await decide(t)
    await t.send("outflow_chosen", outflow="regular_work")
    today = await t.today()
    view = await t.send(
        "employment_started",
        employer_id="employer-albert",
        start_date=today,
        end_date=add_months(today, 12),
        employer_days=3,
        day_activities_days=2,
    )
    first_end = start_of_day(add_months(today, 12))
    assert view.deadlines["contract_renewal"] == due_at(first_end - AMSTERDAM.contract_renewal_notice)
    await t.sleep(timedelta(days=250))
    renewed_to = add_months(today, 24)
    view = await t.send("contract_renewed", end_date=renewed_to)
    due = due_at(start_of_day(renewed_to) - AMSTERDAM.contract_renewal_notice)
    assert view.case["contract_end"] == renewed_to.isoformat() and view.deadlines["contract_renewal"] == due
    await rejected(t, "contract_renewed", end_date=today.isoformat())
    await assert_fired_at(t, "contract_renewal_due", COACH, due)
    assert [n.due for n in notifications(await t.view(), "contract_renewal_due")] == [due]


async def test_a_durable_placement_is_followed_then_closed_by_the_consultant(env, worker):
    t = await start(env, worker)
    view = await to_employed(t)
    employed_since = start_of_day(await t.today())
    await t.sleep(timedelta(days=60))
    await full_week(t)
    cause = await rejected(t, "placement_completed")
    assert cause.type == "EventInvalid" and f"at least {AMSTERDAM.min_transition_months} months" in cause.message

    await t.sleep_until(add_months(employed_since, AMSTERDAM.min_transition_months))
    view = await t.send("placement_completed")
    assert view.state == "follow_up" and not view.closed
    completed = start_of_day(await t.today())
    until = add_months(completed, AMSTERDAM.follow_up_months)
    assert view.case["follow_up_until"] == until.date().isoformat()
    assert view.deadlines["follow_up_end"] == due_at(until)
    assert {"check_in", "payment:supervision_fee"} <= set(view.deadlines), "check-ins and fees go on"
    assert "follow_up_ended" in view.allowed_events
    await rejected(t, "follow_up_ended", reason="stable")

    await t.sleep(timedelta(days=100))
    view = await t.view()
    assert notifications(view, "check_in_due") and view.state == "follow_up"
    before = await t.now()
    await t.sleep(timedelta(days=92))
    fees = [p for p in (await t.view()).payments if p.kind == "supervision_fee"]
    assert len(due_by(fees, await t.now())) > len(due_by(fees, before)), "a quarter's fee fell due and was ordered"

    await assert_fired_at(t, "follow_up_closing_due", COACH, due_at(until))
    await assert_fired_at(
        t, "follow_up_closing_due", TEAM_LEAD, due_at(due_at(until) + AMSTERDAM.follow_up_closing_grace)
    )
    view = await t.send("follow_up_ended", reason="stable in work for two years")
    assert view.state == "closed_in_work" and view.case["outcome"] == "work"


async def test_a_fallback_in_the_follow_up_returns_to_it(env, worker):
    t = await start(env, worker)
    await to_employed(t)
    await t.sleep(timedelta(days=10))
    await full_week(t)
    await t.sleep(timedelta(days=31 * AMSTERDAM.min_transition_months))
    view = await t.send("placement_completed")
    until = view.deadlines["follow_up_end"]
    await t.send("fallback_reported", reason="conflict with the supervisor")
    view = await t.send("fallback_decided", outcome="stay_in_work", reason="talked it through")
    assert view.state == "follow_up" and view.deadlines["follow_up_end"] == until


async def test_outflow_to_sw_needs_old_rights(env, worker):
    t = await start(env, worker)
    await decide(t)
    cause = await rejected(t, "outflow_chosen", outflow="sw")
    assert cause.details[0]["fields"] == ["old_sw_rights"]
    view = await t.send("outflow_chosen", outflow="sw", old_sw_rights=True)
    assert view.state == "seeking_work" and view.case["outflow"] == "sw" and view.case["old_sw_rights"] is True


async def test_the_client_manager_hears_when_work_starts_changes_and_stops(env, worker):
    t = await start(env, worker)
    await decide(t)
    await t.send("outflow_chosen", outflow="banenafspraak")
    await start_employment(t)
    await t.settle()
    assert [n.recipient for n in notifications(await t.view(), "work_started")] == [CLIENT_MANAGER]
    await t.sleep(timedelta(days=30))
    await t.send(
        "work_split_changed",
        since=(await t.today()).isoformat(),
        employer_days=4,
        day_activities_days=1,
        hours_per_week=32,
    )
    await t.settle()
    view = await t.view()
    assert [n.recipient for n in notifications(view, "work_hours_changed")] == [CLIENT_MANAGER]
    assert view.case["hours_per_week"] == 32
    await t.send("fallback_reported", reason="the work is too heavy")
    await t.send(
        "fallback_decided",
        outcome="back_to_day_activities",
        reason="needs more support first",
    )
    await t.settle()
    assert [n.recipient for n in notifications(await t.view(), "work_stopped")] == [CLIENT_MANAGER]
