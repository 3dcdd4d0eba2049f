"""Almere's sample trajectories: one in each kind of state, so the Web UI and its filters show something.

Every identifier is made up and pseudonymous (``ref-sample-…``); dates are relative to ``today`` because
the events' validators accept only dates near the trajectory's current date.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.dates import add_months
from trajectories.samples.base import Sample

ANNA, BRAM = "coach-anna", "coach-bram"
UWV = "backend:uwv-gateway"


def _start(number: int, coach: str, *, hours: float = 32) -> dict[str, Any]:
    return {
        "trajectory_id": f"sample-almere-{number}",
        "participant_ref": f"ref-sample-a{number}",
        "participant": {"has_benefit": True, "age_band": "18_to_27", "hours_per_week": hours},
        "referral_source": "day_activities_provider",
        "coach_id": coach,
        "provider_id": "provider-de-schoor",
    }


def _to_awaiting_advice(coach: str) -> list[dict[str, Any]]:
    return [
        {"event": "observation_started", "actor": coach},
        {"event": "observation_completed", "actor": coach, "potential": True, "motivated": True, "hours_per_week": 32},
    ]


def _to_seeking_placement(coach: str, today: date, outcome: str = "positive") -> list[dict[str, Any]]:
    """Through UWV's advice; a positive one is followed by the talk with the candidate (seed 003)."""
    steps = [*_to_awaiting_advice(coach), {"event": "advice_received", "actor": UWV, "outcome": outcome}]
    if outcome == "positive":
        steps.append({"event": "advice_talk_recorded", "actor": coach, "held_on": today.isoformat()})
    return steps


def _trial(coach: str, employer: str, begin: date) -> dict[str, Any]:
    return {"event": "trial_started", "actor": coach, "employer_id": employer, "start_date": begin.isoformat()}


def _to_employed(coach: str, today: date) -> list[dict[str, Any]]:
    return [
        *_to_seeking_placement(coach, today),
        _trial(coach, "employer-jungle", today - timedelta(weeks=3)),
        {"event": "wage_value_assessed", "actor": coach, "wage_value_percent": 55},
        {
            "event": "contract_signed",
            "actor": coach,
            "start_date": today.isoformat(),
            "end_date": add_months(today, 12).isoformat(),
            "hours_per_week": 32,
        },
    ]


def _referred(today: date) -> list[dict[str, Any]]:
    return []


def _awaiting_advice(today: date) -> list[dict[str, Any]]:
    """Observed by Anna, then handed to Bram while Anna is away."""
    return [*_to_awaiting_advice(ANNA), {"event": "coach_reassigned", "actor": ANNA, "coach_id": BRAM}]


def _second_trial(today: date) -> list[dict[str, Any]]:
    """The first match failed; the second trial is running and its wage value is assessed."""
    return [
        *_to_seeking_placement(BRAM, today),
        _trial(BRAM, "employer-kringloop", today - timedelta(days=24)),
        {"event": "trial_failed", "actor": BRAM, "motivated": True, "reason": "work did not match"},
        _trial(BRAM, "employer-groenbedrijf", today - timedelta(weeks=2)),
        {"event": "wage_value_assessed", "actor": BRAM, "wage_value_percent": 60},
    ]


def _employed(today: date) -> list[dict[str, Any]]:
    return _to_employed(ANNA, today)


def _permanent(today: date) -> list[dict[str, Any]]:
    return [
        *_to_employed(BRAM, today),
        {"event": "visit_recorded", "actor": BRAM, "visited_on": today.isoformat(), "channel": "visit"},
        {"event": "permanent_contract_signed", "actor": BRAM, "start_date": today.isoformat()},
    ]


def _advice_negative(today: date) -> list[dict[str, Any]]:
    """A negative advice closes after the talk with the candidate (seed 003)."""
    talk = {"event": "advice_talk_recorded", "actor": ANNA, "held_on": today.isoformat(), "decision": "close"}
    return [*_to_seeking_placement(ANNA, today, outcome="negative"), talk]


SAMPLES: list[Sample] = [
    Sample("almere", _start(1, ANNA), _referred),  # referred
    Sample("almere", _start(2, ANNA), _awaiting_advice),  # awaiting_advice, coach-bram
    Sample("almere", _start(3, BRAM), _second_trial),  # trial, 2 match attempts
    Sample("almere", _start(4, ANNA), _employed),  # employed
    Sample("almere", _start(5, BRAM), _permanent),  # permanent
    Sample("almere", _start(6, ANNA), _advice_negative),  # closed_advice_negative (workflow completed)
]
"""Started by ``trajectories.run``; the state each reaches is checked in tests/test_samples.py."""
