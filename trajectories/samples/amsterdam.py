"""Sample Amsterdam trajectories for the run command: one in each interesting state."""

from __future__ import annotations

from datetime import date
from typing import Any

from trajectories.samples.base import Sample

CONSULTANT = "consultant-amsterdam-1"
PARTIES = ["participant", "consultant_beschut_werk", "care_provider", "client_manager_work_income"]


def _start(trajectory_id: str, provider_id: str, **participant: Any) -> dict[str, Any]:
    return {
        "trajectory_id": trajectory_id,
        "participant_ref": f"ams-ref-{trajectory_id.removeprefix('sample-ams-')}",
        "participant": {"has_benefit": True, "age_band": "28_plus", "hours_per_week": 24, **participant},
        "referral_source": "day_activities_provider",
        "coach_id": CONSULTANT,
        "provider_id": provider_id,
    }


def _event(event: str, **fields: Any) -> dict[str, Any]:
    return {
        "event": event,
        "actor": CONSULTANT,
        **{k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()},
    }


def _decided() -> list[dict[str, Any]]:
    return [_event("joint_decision_recorded", parties=PARTIES, step_to_work=True)]


def _sheltered_ready(today: date) -> list[dict[str, Any]]:
    return [
        *_decided(),
        _event("outflow_chosen", outflow="sheltered_work"),
        _event("wage_value_assessed", wage_value_percent=40),
        {**_event("advice_received", outcome="positive"), "actor": "backend:uwv-gateway"},
    ]


SAMPLES: list[Sample] = [
    Sample(
        "amsterdam",
        _start("sample-ams-intake", "provider-cordaan"),
        lambda today: [_event("stabilisation_started", problem="debts", partner="neighbourhood-team")],
    ),
    Sample(
        "amsterdam",
        _start("sample-ams-internship", "provider-cordaan"),
        lambda today: [*_decided(), _event("internship_started", host="pantar", start_date=today)],
    ),
    Sample(
        "amsterdam",
        _start("sample-ams-advice", "provider-de-regenboog"),
        lambda today: [*_decided(), _event("outflow_chosen", outflow="sheltered_work")],
    ),
    Sample(
        "amsterdam",
        _start("sample-ams-transition", "provider-cordaan"),
        lambda today: [
            *_sheltered_ready(today),
            _event(
                "employment_started",
                employer_id="employer-milieuwerk",
                start_date=today,
                employer_days=3,
                day_activities_days=2,
            ),
        ],
    ),
    Sample(
        "amsterdam",
        _start("sample-ams-fallback", "provider-de-regenboog"),
        lambda today: [
            *_decided(),
            _event("outflow_chosen", outflow="banenafspraak"),
            _event(
                "employment_started",
                employer_id="employer-regular-bakery",
                start_date=today,
                employer_days=2,
                day_activities_days=3,
            ),
            _event("fallback_reported", reason="absent for two weeks"),
        ],
    ),
]
