"""Issue 16, one short scenario per bullet, through the documented contract only.

Every start and event is a JSON example copied from the docs (docs/almere.md "Each step as JSON", the README's start
input, docs/amsterdam.md "Events"), its ``{{today±N}}`` filled in with the trajectory's (virtual) day in Amsterdam
as a reader would, sent with the ``submit_event`` Update (or the HTTP API); everything is read back through the
``view`` Query. A documented example that does not work as written fails here. Deadlines are asserted at their
exact virtual moments (08:30 in Amsterdam on their working day, ``working_due``).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.amsterdam import AMSTERDAM
from domain.dates import add_months, start_of_day
from domain.policy import ALMERE
from domain.records import EventAccepted, TrajectoryView
from tests import doc_dates
from tests.scenario import STARTED, Trajectory, assert_fired_at, notifications, sent, working_due
from trajectories.client import start_trajectory

ROOT = Path(__file__).resolve().parent.parent
ZONE = ZoneInfo("Europe/Amsterdam")
ADVISOR, OTHER_ADVISOR = "almere-advisor-1", "almere-advisor-2"
CLIENT_MANAGER = "amsterdam-client-manager-work-income"
COACH_ANNA = "coach-anna"  # the README start's coach


# --- the docs, as a reader finds them ---------------------------------------------------------------------------


@cache
def docs(name: str) -> str:
    if name == "README":
        return (ROOT / "README.md").read_text(encoding="utf-8")
    return (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")


def event_example(doc: str, event: str, **fields: Any) -> str:
    """The documented JSON of ``event`` (placeholders unfilled) whose fields include ``fields`` (``...``: the field is
    there, ``None``: it is not): exactly one."""
    found = []
    for raw in re.findall(r'`(\{"event": "' + event + r'".*?\})`', docs(doc)):
        example = json.loads(doc_dates.substitute(raw))
        if all((k in example) if v is ... else example.get(k) == v for k, v in fields.items()):
            found.append(raw)
    assert len(set(found)) == 1, f"{doc}: one documented example of {event} with {fields}, found {found}"
    return found[0]


def start_example(doc: str, **fields: Any) -> str:
    """A documented start input (a ```json block, or the README contract's) whose fields include ``fields``."""
    blocks = re.findall(r"```json\n(.*?)\n```", docs(doc), flags=re.S)
    found = [b for b in blocks if "participant_ref" in b and all(json.loads(b).get(k) == v for k, v in fields.items())]
    assert found, f"{doc}: no documented start with {fields}"
    return found[0]


async def amsterdam_today(t: Trajectory | None, env: Any = None) -> Any:
    now = await (t.now() if t else env.get_current_time())
    return now.astimezone(ZONE).date()


async def start(env, worker, region: str, doc: str, **fields: Any) -> Trajectory:
    """Start the documented start input; only its ``trajectory_id`` is made unique (ids are never reused)."""
    raw = doc_dates.substitute(start_example(doc, **fields), on=await amsterdam_today(None, env))
    start_input = {**json.loads(raw), "trajectory_id": f"s16-{uuid.uuid4().hex[:10]}"}
    handle = await start_trajectory(env.client, region, start_input, task_queue=worker.task_queue)
    STARTED.append(handle)
    t = Trajectory(env, handle)
    await t.view()
    return t


async def send(t: Trajectory, doc: str, event: str, **fields: Any) -> TrajectoryView:
    """Send the documented example of ``event`` as written (dates filled in for today); return the view."""
    payload = json.loads(doc_dates.substitute(event_example(doc, event, **fields), on=await amsterdam_today(t)))
    accepted = await t.handle.execute_update("submit_event", payload, result_type=EventAccepted)
    view = await t.view()
    assert (accepted.event, accepted.state) == (event, view.state)
    return view


async def refused(t: Trajectory, payload: dict[str, Any]) -> ApplicationError:
    before = len((await t.view()).history)
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await t.handle.execute_update("submit_event", payload, result_type=EventAccepted)
    assert len((await t.view()).history) == before, "a refused event adds nothing"
    assert isinstance(failed.value.cause, ApplicationError)
    return failed.value.cause


async def last_at(t: Trajectory) -> datetime:
    return (await t.view()).history[-1].at


# --- Almere -----------------------------------------------------------------------------------------------------

A = "almere"


async def almere(env, worker, **fields: Any) -> Trajectory:
    return await start(env, worker, "almere", A, **({"referral_source": "day_activities_provider"} | fields))


async def to_awaiting_advice(t: Trajectory) -> TrajectoryView:
    await send(t, A, "observation_started")
    view = await send(t, A, "observation_completed", hours_per_week=32)
    assert view.state == "awaiting_advice"
    return view


async def to_employed(t: Trajectory) -> TrajectoryView:
    await to_awaiting_advice(t)
    await send(t, A, "advice_received", outcome="positive")
    await send(t, A, "advice_talk_recorded", decision=None)
    await send(t, A, "trial_started")
    await send(t, A, "wage_value_assessed")
    view = await send(t, A, "contract_signed")
    assert view.state == "employed"
    return view


async def test_almere_trial_before_the_advice_and_a_negative_advice_puts_a_decision(env, worker):
    t = await almere(env, worker)
    await to_awaiting_advice(t)
    view = await send(t, A, "trial_started")
    assert view.state == "trial" and view.case["trial_before_advice"] is True
    assert "contract_signed" not in view.allowed_events, "no sheltered-work contract without the advice"
    await t.sleep(timedelta(weeks=2))
    view = await send(t, A, "advice_received", outcome="negative")
    received = view.history[-1].at
    assert view.state == "trial" and not {"trial_failed", "contract_signed"} & set(view.allowed_events)
    await t.settle()
    assert sent(await t.view(), "advice_negative_in_trial") == [(ADVISOR, None)]
    await assert_fired_at(t, "advice_talk_due", ADVISOR, working_due(received + ALMERE.advice_talk_within))
    view = await send(t, A, "advice_talk_recorded", decision="close")
    assert view.state == "closed_advice_negative" and view.closed


async def test_almere_a_negative_advice_closes_only_after_the_talk_or_escalates(env, worker):
    t = await almere(env, worker)
    await to_awaiting_advice(t)
    view = await send(t, A, "advice_received", outcome="negative")
    received = view.history[-1].at
    assert view.state == "advice_talk" and not view.closed
    no_decision = json.loads(doc_dates.substitute(event_example(A, "advice_talk_recorded", decision=None)))
    cause = await refused(t, no_decision)
    assert cause.type == "EventInvalid" and cause.details[0]["fields"] == ["decision"]
    due = working_due(received + ALMERE.advice_talk_within)
    await assert_fired_at(t, "advice_talk_due", ADVISOR, due)
    await assert_fired_at(
        t, "advice_talk_overdue", OTHER_ADVISOR, working_due(due + ALMERE.advice_talk_escalation_after)
    )
    assert (await t.view()).state == "advice_talk", "no talk, no close"
    view = await send(t, A, "advice_talk_recorded", decision="reapply")
    assert view.state == "awaiting_advice"
    assert view.deadlines["uwv_advice"] == working_due(view.history[-1].at + ALMERE.uwv_answer_within)


async def test_almere_uwv_consults_first_and_a_positive_advice_is_talked_over(env, worker):
    t = await almere(env, worker)
    await to_awaiting_advice(t)
    view = await send(t, A, "uwv_consultation_recorded")
    assert view.case["uwv_consulted_on"] == (await amsterdam_today(t)).isoformat()
    view = await send(t, A, "advice_received", outcome="positive")
    assert view.state == "seeking_placement"
    due = working_due(view.history[-1].at + ALMERE.advice_talk_within)
    assert view.deadlines["advice_talk"] == due
    await assert_fired_at(t, "advice_talk_due", ADVISOR, due)
    view = await send(t, A, "advice_talk_recorded", decision=None)
    assert "advice_talk" not in view.deadlines and "advice_talk_escalation" not in view.deadlines


async def test_almere_reexamination_is_requested_chased_and_decided(env, worker, outbox):
    t = await almere(env, worker)
    await to_employed(t)
    view = await send(t, A, "reexamination_requested")
    due = working_due(view.history[-1].at + ALMERE.uwv_answer_within)
    assert view.deadlines["reexamination"] == due
    await t.settle()
    kinds = sorted(json.loads(p.read_text())["kind"] for p in (outbox / "uwv-advice-requests").glob("*.json"))
    assert kinds == ["reexamination", "sheltered_work_advice"], "filed by the UWV activity like the advice"
    await assert_fired_at(t, "reexamination_overdue", ADVISOR, due)
    await assert_fired_at(t, "reexamination_overdue", OTHER_ADVISOR, working_due(due + ALMERE.uwv_escalation_after))
    view = await send(t, A, "reexamination_decided", outcome="stays_sheltered")
    assert view.state == "employed" and "reexamination" not in view.deadlines
    await send(t, A, "reexamination_requested")
    view = await send(t, A, "reexamination_decided", outcome="regular_work")
    assert view.state == "closed_regular_work" and view.case["employer_id"] == "employer-supermarket"


async def test_almere_absence_is_followed_up_a_long_one_reaches_the_employer_and_social_problems_go_out(
    env, worker, outbox
):
    t = await almere(env, worker)
    await to_employed(t)
    view = await send(t, A, "absence_reported")
    reported = view.history[-1].at
    first_day_absent = start_of_day(await amsterdam_today(t)) - timedelta(days=2)  # "days_absent": 3
    follow_up = working_due(reported + ALMERE.absence_follow_up_within)
    claim = working_due(first_day_absent + ALMERE.long_absence_after)
    assert (view.deadlines["absence_follow_up"], view.deadlines["long_absence"]) == (follow_up, claim)
    await assert_fired_at(t, "absence_follow_up_due", ADVISOR, follow_up)
    view = await send(t, A, "absence_followed_up")
    assert "absence_follow_up" not in view.deadlines and "long_absence" in view.deadlines
    await assert_fired_at(t, "no_risk_policy_claim", "employer-jungle", claim)
    view = await send(t, A, "absence_ended")
    assert "long_absence" not in view.deadlines
    view = await send(t, A, "neighbourhood_team_referred")
    assert view.state == "employed" and view.case["neighbourhood_referrals"] == ["debts"]
    await t.settle()
    assert [n.recipient for n in notifications(await t.view(), "neighbourhood_team_referral")] == [
        ALMERE.neighbourhood_team_id
    ]
    [text] = [p.read_text() for p in (outbox / "notifications").glob("*.json") if "neighbourhood_team" in p.read_text()]
    assert "debts" not in text and ADVISOR in text, "the notification names the advisor, never the problem"


async def test_almere_a_school_leaver_is_discussed_months_before_leaving_school(env, worker):
    t = await start(env, worker, "almere", A, referral_source="vso_pro_school")
    leaving = json.loads(
        doc_dates.substitute(start_example(A, referral_source="vso_pro_school"), on=await amsterdam_today(t))
    )
    months = ALMERE.school_leaver_meeting_months_before
    due = working_due(add_months(start_of_day(datetime.fromisoformat(leaving["school_leaving_date"]).date()), -months))
    assert (await t.view()).deadlines["school_leaver_meeting"] == due
    view = await send(t, A, "school_internship_assessed")
    assert view.case["school_internships"] == ["provider-kringloop"] and view.case["sheltered_work_feasible"] is True
    await assert_fired_at(t, "school_leaver_meeting_due", ADVISOR, due)


async def test_almere_hours_build_up_to_28_with_a_recheck_until_reached_or_excepted(env, worker):
    t = await start(env, worker, "almere", A, referral_source="vso_pro_school")
    started = (await t.handle.describe()).start_time.astimezone(UTC)
    due = working_due(started + ALMERE.hours_recheck_every)
    assert (await t.view()).deadlines["hours_recheck"] == due
    await assert_fired_at(t, "hours_recheck_due", ADVISOR, due)
    again = working_due(due + ALMERE.hours_recheck_every)
    assert (await t.view()).deadlines["hours_recheck"] == again, "the re-check recurs while under 28"
    await assert_fired_at(t, "hours_recheck_due", ADVISOR, again)
    view = await send(t, A, "hours_recorded", hours_per_week=24)
    assert view.deadlines["hours_recheck"] == working_due(view.history[-1].at + ALMERE.hours_recheck_every)
    view = await send(t, A, "hours_recorded", hours_per_week=28)
    assert "hours_recheck" not in view.deadlines and view.case["hours_per_week"] == 28

    other = await start(env, worker, "almere", A, referral_source="vso_pro_school")
    await send(other, A, "observation_started")
    view = await send(other, A, "observation_completed", hours_per_week=24)
    assert view.state == "awaiting_advice" and "hours_recheck" not in view.deadlines, "an exception ends the re-check"
    assert view.case["hours_per_week"] == 24


async def test_almere_escalations_go_to_the_other_advisor(env, worker):
    assert ALMERE.escalation_to == "other_advisor" and ALMERE.advisor_ids == (ADVISOR, OTHER_ADVISOR)
    t = await almere(env, worker)
    await to_awaiting_advice(t)
    view = await send(t, A, "advice_received", outcome="positive")
    due = working_due(view.history[-1].at + ALMERE.placement_search_within)
    await assert_fired_at(t, "placement_overdue", ADVISOR, due)
    await assert_fired_at(t, "placement_overdue", OTHER_ADVISOR, working_due(due + ALMERE.placement_escalation_after))
    assert ALMERE.team_lead_id not in {n.recipient for n in (await t.view()).notifications}


async def test_almere_three_trials_in_all_then_back_to_day_activities(env, worker):
    assert ALMERE.max_match_attempts == 3
    text = " ".join(docs(A).split())  # quotes wrap across lines
    for quote in ("maximaal drie keer op zoek naar", "lukt het na drie keer niet", "max_match_attempts = 3"):
        assert quote in text, f"docs/almere.md quotes the seeds and says what was chosen: {quote!r}"
    t = await almere(env, worker)
    await to_awaiting_advice(t)
    await send(t, A, "advice_received", outcome="positive")
    for attempt in (1, 2, 3):
        await send(t, A, "trial_started")
        view = await send(t, A, "trial_failed")
        assert view.case["match_attempts"] == attempt
        assert view.state == ("closed_back_to_day_activities" if attempt == 3 else "seeking_placement")
    await t.settle()
    assert sorted(r for r, _ in sent(await t.view(), "back_to_day_activities")) == [ADVISOR, OTHER_ADVISOR]


async def test_almere_over_http_a_negative_advice_in_a_trial_waits_for_the_talk(env, worker):
    """Bullets 1 and 2 as a backend drives them: the documented bodies POSTed to the HTTP API, answers as documented
    (200 with the view, 409 ``EventNotAllowed``, 422 ``EventInvalid`` naming the field)."""
    from tests.api_client import api
    from tests.api_client import start as start_over_http

    today = await amsterdam_today(None, env)
    body = {**json.loads(doc_dates.substitute(start_example(A, referral_source="day_activities_provider"), on=today))}
    body["trajectory_id"] = f"s16-{uuid.uuid4().hex[:10]}"
    events = f"/regions/almere/trajectories/{body['trajectory_id']}/events"

    def documented(event: str, **fields: Any) -> dict[str, Any]:
        return json.loads(doc_dates.substitute(event_example(A, event, **fields), on=today))

    async with api(env.client, worker.task_queue) as http:
        assert (await start_over_http(http, env.client, "almere", body)).status_code == 201
        for event, fields in [
            ("observation_started", {}),
            ("observation_completed", {"hours_per_week": 32}),
            ("trial_started", {}),
            ("advice_received", {"outcome": "negative"}),
        ]:
            answer = await http.post(events, json=documented(event, **fields))
            assert answer.status_code == 200, answer.text
        view = answer.json()
        assert view["state"] == "trial" and "advice_talk" in view["deadlines"]
        failed = await http.post(events, json=documented("trial_failed"))
        assert failed.status_code == 409 and failed.json()["error"] == "EventNotAllowed"
        undecided = await http.post(events, json=documented("advice_talk_recorded", decision=None))
        assert undecided.status_code == 422 and undecided.json()["fields"] == ["decision"]
        closed = await http.post(events, json=documented("advice_talk_recorded", decision="close"))
        assert closed.status_code == 200 and closed.json()["state"] == "closed_advice_negative"


# --- Amsterdam --------------------------------------------------------------------------------------------------

M = "amsterdam"


async def amsterdam(env, worker) -> Trajectory:
    """The README's start input (the contract's, shared by every region), in Amsterdam."""
    return await start(env, worker, "amsterdam", "README")


async def to_seeking_work(t: Trajectory, outflow: str = "sheltered_work") -> TrajectoryView:
    await send(t, M, "joint_decision_recorded")
    if outflow == "sw":
        return await send(t, M, "outflow_chosen", outflow="sw")
    await send(t, M, "outflow_chosen", outflow="sheltered_work")
    await send(t, M, "wage_value_assessed")
    return await send(t, M, "advice_received")


def amsterdam_due(nominal: datetime) -> datetime:
    return working_due(nominal, "", AMSTERDAM)


async def test_amsterdam_contract_renewed_meets_the_renewal_deadline(env, worker):
    t = await amsterdam(env, worker)
    await to_seeking_work(t)
    today = await amsterdam_today(t)
    view = await send(t, M, "employment_started")
    first = amsterdam_due(start_of_day(today + timedelta(days=371)) - AMSTERDAM.contract_renewal_notice)
    assert view.deadlines["contract_renewal"] == first
    view = await send(t, M, "contract_renewed", end_date=...)
    renewed = amsterdam_due(start_of_day(today + timedelta(days=736)) - AMSTERDAM.contract_renewal_notice)
    assert view.case["contract_end"] == (today + timedelta(days=736)).isoformat()
    assert view.deadlines["contract_renewal"] == renewed
    await t.sleep_until(first + timedelta(days=1))
    assert notifications(await t.view(), "contract_renewal_due") == [], "the renewal met the first deadline"


@pytest.mark.slow
async def test_amsterdam_a_durable_placement_is_followed_then_closed_by_the_consultant(env, worker):
    t = await amsterdam(env, worker)
    await to_seeking_work(t)
    await send(t, M, "employment_started")
    employed_from = start_of_day(await amsterdam_today(t) + timedelta(days=7))
    await t.sleep_until(employed_from + timedelta(days=1))
    await send(t, M, "work_split_changed", employer_days=5)
    await send(t, M, "contract_renewed", end_date=None)  # open-ended: the fees run through the follow-up
    completed = json.loads(event_example(M, "placement_completed"))
    cause = await refused(t, completed)
    assert cause.type == "EventInvalid" and f"{AMSTERDAM.min_transition_months} months" in cause.message
    await t.sleep_until(add_months(employed_from, AMSTERDAM.min_transition_months))
    view = await send(t, M, "placement_completed")
    until = add_months(start_of_day(await amsterdam_today(t)), AMSTERDAM.follow_up_months)
    assert view.state == "follow_up" and view.deadlines["follow_up_end"] == amsterdam_due(until)
    assert {"check_in", "payment:supervision_fee"} <= set(view.deadlines), "check-ins and fees go on"
    ended = json.loads(event_example(M, "follow_up_ended"))
    assert (await refused(t, ended)).type in {"EventInvalid", "EventNotAllowed"}
    checks, fees = (
        len(notifications(view, "check_in_due")),
        len([p for p in view.payments if p.kind == "supervision_fee"]),
    )
    await assert_fired_at(t, "follow_up_closing_due", COACH_ANNA, amsterdam_due(until))
    view = await t.view()
    assert len(notifications(view, "check_in_due")) >= checks + 7, "quarterly check-ins through the follow-up"
    assert len([p for p in view.payments if p.kind == "supervision_fee"]) >= fees + 7, "and the fees"
    view = await send(t, M, "follow_up_ended")
    assert view.state == "closed_in_work" and view.case["outcome"] == "work"


async def test_amsterdam_outflow_to_sw_for_people_with_old_rights(env, worker):
    t = await amsterdam(env, worker)
    await send(t, M, "joint_decision_recorded")
    cause = await refused(t, {"event": "outflow_chosen", "actor": "consultant-1", "outflow": "sw"})
    assert cause.type == "EventInvalid" and cause.details[0]["fields"] == ["old_sw_rights"]
    view = await send(t, M, "outflow_chosen", outflow="sw")
    assert view.state == "seeking_work" and view.case["outflow"] == "sw" and view.case["old_sw_rights"] is True
    assert "uwv_advice" not in view.deadlines, "no UWV advice on the SW outflow"


async def test_amsterdam_the_client_manager_hears_when_work_starts_changes_and_stops(env, worker):
    t = await amsterdam(env, worker)
    await to_seeking_work(t)
    await send(t, M, "employment_started")
    await send(t, M, "work_split_changed", employer_days=4)
    view = await send(t, M, "fallback_reported")
    assert view.state == "fallback_review"
    view = await send(t, M, "fallback_decided")
    assert view.state == "preparing"
    await t.settle()
    view = await t.view()
    for kind in ("work_started", "work_hours_changed", "work_stopped"):
        assert [n.recipient for n in notifications(view, kind)] == [CLIENT_MANAGER], kind
    assert view.case["hours_per_week"] == 32


async def test_amsterdam_provider_commitments_through_the_api_with_history(env, worker, tmp_path):
    from tests.api_client import api

    body = re.search(r"`PUT\s+/providers/\{provider_id\}/commitments` with `(\{.*?\})`", docs(M), flags=re.S)
    assert body, "docs/amsterdam.md documents the commitment's body"
    documented = json.loads(body.group(1).replace("\n", " "))
    async with api(env.client, worker.task_queue, audit_url=f"sqlite:///{tmp_path / 'records.db'}") as http:
        first = await http.put("/providers/provider-cordaan/commitments", json=documented)
        assert first.status_code == 200, first.text
        again = await http.put(
            "/providers/provider-cordaan/commitments", json=documented | {"trajectories": 14, "actor": "operator-2"}
        )
        assert again.status_code == 200, again.text
        got = (await http.get("/providers/provider-cordaan/commitments")).json()
    assert [(c["year"], c["trajectories"], c["set_by"]) for c in got["current"]] == [(2027, 14, "operator-2")]
    assert [(c["trajectories"], c["set_by"], c["reason"]) for c in got["history"]] == [
        (12, "operator-1", "tender round 2027"),
        (14, "operator-2", "tender round 2027"),
    ]
