"""Almere's machine on its own: pure, so these run without Temporal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.almere import ALMERE_EVENTS, AlmereCase
from domain.events import EventContext, EventRejected
from domain.policy import ALMERE
from statemachines.almere import AlmereRoute
from trajectories.diagrams import main as diagram_main


def drive(*payloads):
    case = AlmereCase(coach_id="coach-anna")
    route = AlmereRoute(case, ALMERE)
    for payload in payloads:
        event = ALMERE_EVENTS.parse(
            {"actor": "coach-anna", **payload}, route.allowed_now(), EventContext(date.today(), ALMERE, case)
        )
        route.send(event.name, payload=event)
    return route


def test_every_event_is_reachable_and_every_state_is_named():
    events_in_machine = {str(e.id) for e in AlmereRoute._events}
    internal = {"contract_expired"}  # sent by the contract_expiry deadline, never by a backend
    assert events_in_machine - internal == set(ALMERE_EVENTS.names), "catalogue and machine agree"
    assert {s.id for s in AlmereRoute.final_states} == {
        "closed_no_potential",
        "closed_advice_negative",
        "closed_back_to_day_activities",
        "closed_withdrawn",
        "closed_employment_ended",
        "closed_regular_work",
    }


def test_restoring_a_case_restores_the_state_without_side_effects():
    case = AlmereCase(coach_id="coach-anna", state="trial", match_attempts=2, trial_extensions=1)
    route = AlmereRoute(case, ALMERE)
    assert route.state_id == "trial"
    assert "trial_extended" not in route.allowed_now()
    assert case.match_attempts == 2


def test_third_failure_goes_back_to_day_activities():
    today = date.today().isoformat()
    steps = [
        {"event": "observation_started"},
        {"event": "observation_completed", "potential": True, "motivated": True, "hours_per_week": 30},
        {"event": "advice_received", "outcome": "positive"},
    ]
    for _ in range(3):
        steps += [
            {"event": "trial_started", "employer_id": "e-1", "start_date": today},
            {"event": "trial_failed", "motivated": True, "reason": "no fit"},
        ]
    route = drive(*steps)
    assert route.state_id == "closed_back_to_day_activities" and route.closed
    assert route.case.match_attempts == 3 and route.allowed_now() == []


def test_closed_route_accepts_nothing():
    route = drive({"event": "withdrawn", "reason": "moved"})
    with pytest.raises(EventRejected) as rejected:
        ALMERE_EVENTS.parse(
            {"event": "observation_started", "actor": "c-1"},
            route.allowed_now(),
            EventContext(date.today(), ALMERE, route.case),
        )
    assert "trajectory closed" in rejected.value.message


def test_readme_diagrams_are_generated_from_the_machines():
    assert diagram_main(["--check"]) == 0, "run `python -m trajectories.diagrams` and commit README.md"


def test_readme_event_examples_are_valid_events():
    """Every JSON example in the README's Almere event table parses as that event."""
    import json
    import re
    from pathlib import Path

    from tests import doc_dates

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The Almere route") : readme.index("## The Amsterdam route")]
    written_on = date(2026, 11, 22)  # any day: the examples' dates are relative to the day they are sent
    section = doc_dates.substitute(section, on=written_on)
    examples = [json.loads(m) for m in re.findall(r"`(\{\"event\": \"[a-z_]+\".*?\})`", section)]
    assert {e["event"] for e in examples} == set(ALMERE_EVENTS.names), "one example per event"
    case = AlmereCase(coach_id="coach-anna", contract_end=written_on + timedelta(days=400))
    for example in examples:
        ALMERE_EVENTS.parse(example, ALMERE_EVENTS.names, EventContext(written_on, ALMERE, case))


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"event": "trial_started", "employer_id": "e-1", "start_date": "2025-11-22"}, "start_date"),
        ({"event": "trial_started", "employer_id": "e-1", "start_date": "2027-11-22"}, "start_date"),
        ({"event": "visit_recorded", "visited_on": "2026-11-23"}, "visited_on"),
        ({"event": "permanent_contract_signed", "start_date": "2026-09-01"}, "start_date"),
    ],
)
def test_dates_must_lie_near_today(payload, field):
    today = date(2026, 11, 22)
    case = AlmereCase(coach_id="coach-anna")
    with pytest.raises(EventRejected) as rejected:
        ALMERE_EVENTS.parse({"actor": "coach-anna", **payload}, ALMERE_EVENTS.names, EventContext(today, ALMERE, case))
    assert rejected.value.fields == [field] and "must lie between" in rejected.value.message
