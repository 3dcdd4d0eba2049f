"""Sample trajectories of Rijk van Nijmegen ("Op weg naar werk") for the run command."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from trajectories.samples.base import Sample

REGION = "rijk-van-nijmegen"
CONSULTANTS = ["nijmegen-consultant-intake-1", "nijmegen-consultant-intake-2", "nijmegen-consultant-linking-3"]
PROVIDER = "provider-driestroom"


def _start(trajectory_id: str, ref: str, **overrides: Any) -> dict[str, Any]:
    start: dict[str, Any] = {
        "trajectory_id": trajectory_id,
        "participant_ref": ref,
        "participant": {"has_benefit": True, "age_band": "18_to_27", "hours_per_week": 16},
        "referral_source": "day_activities_provider",
        "coach_id": "nijmegen-consultant-linking-3",
        "provider_id": PROVIDER,
    }
    return start | overrides


def _event(name: str, actor: str = "nijmegen-consultant-linking-3", **fields: Any) -> dict[str, Any]:
    return {"event": name, "actor": actor, **fields}


def _in_development(today: date, arrangement: str = "basic_plus_wage_value") -> list[dict[str, Any]]:
    return [
        _event("indication_requested", provider_id=PROVIDER),
        _event(
            "case_meeting_held",
            actor=CONSULTANTS[0],
            consultants=CONSULTANTS,
            decision="granted",
            arrangement=arrangement,
            half_days_per_week=6,
        ),
        _event(
            "plan_submitted",
            actor=f"backend:{PROVIDER}",
            provider_id=PROVIDER,
            learning_goals=["travel independently"],
            competences=["reliability", "collaboration"],
        ),
        _event("plan_advised", advice="agreed", start_date=today.isoformat()),
    ]


def _one_leg_in_each(today: date) -> list[dict[str, Any]]:
    return _in_development(today) + [
        _event("evaluation_completed", goals_met=True, next_step="sheltered_work"),
        _event("advice_received", actor="backend:uwv-gateway", outcome="positive"),
        _event(
            "work_step_started",
            form="trial_placement",
            employer_id="employer-dela",
            supervisor_id="supervisor-driestroom-4",
            secondment=True,
            start_date=today.isoformat(),
        ),
    ]


SAMPLES: list[Sample] = [
    Sample(
        REGION,
        _start("sample-nijmegen-case-meeting", "sample-ref-n01"),
        lambda today: [_event("indication_requested", provider_id=PROVIDER)],
    ),
    Sample(REGION, _start("sample-nijmegen-development", "sample-ref-n02"), _in_development),
    Sample(
        REGION,
        _start("sample-nijmegen-paused", "sample-ref-n03"),
        lambda today: (
            _in_development(today, "basic_plus_self_reliance") + [_event("arrangement_paused", reason="illness")]
        ),
    ),
    Sample(REGION, _start("sample-nijmegen-one-leg", "sample-ref-n04"), _one_leg_in_each),
    Sample(
        REGION,
        _start("sample-nijmegen-fallback", "sample-ref-n05"),
        lambda today: (
            _one_leg_in_each(today)
            + [_event("fell_back", consultant_id="nijmegen-consultant-bdv-2", reason="the workplace closed")]
        ),
    ),
    # A school leaver whose diploma is 13 months away: joining the school meeting is due in a month (from 12
    # months before the diploma), not already in the past.
    Sample(
        REGION,
        _start(
            "sample-nijmegen-school-leaver",
            "sample-ref-n06",
            referral_source="vso_pro_school",
            diploma_date=(date.today() + timedelta(days=400)).isoformat(),
        ),
    ),
]
