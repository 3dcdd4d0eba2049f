"""Sample Oss trajectories for the run command: one in each interesting part of "Van Zorg naar Werk"."""

from __future__ import annotations

from datetime import date

from trajectories.samples.base import Sample


def _start(trajectory_id: str, **overrides: object) -> dict[str, object]:
    start: dict[str, object] = {
        "trajectory_id": trajectory_id,
        "participant_ref": f"ref-{trajectory_id}",
        "participant": {"has_benefit": True, "age_band": "18_to_27", "hours_per_week": 12},
        "referral_source": "day_activities_provider",
        "coach_id": "wmo-consultant-1",
    }
    start.update(overrides)
    return start


def _to_development(today: date) -> list[dict[str, object]]:
    return [
        {
            "event": "screening_completed",
            "actor": "wmo-consultant-1",
            "capacity": True,
            "reason": "developable work capacity",
            "arbeidsdeskundige_id": "arbeidsdeskundige-1",
            "ladder_step": 3,
        },
        {
            "event": "plan_recorded",
            "actor": "work-consultant-1",
            "goals": ["travel independently", "work 4 hours"],
            "work_consultant_id": "work-consultant-1",
        },
        {"event": "ladder_step_recorded", "actor": "work-consultant-1", "step": 3, "measured_on": today.isoformat()},
    ]


def _in_fallback(today: date) -> list[dict[str, object]]:
    return _to_development(today) + [
        {"event": "work_track_chosen", "actor": "work-consultant-1", "track": "sheltered_work"},
        {"event": "advice_received", "actor": "backend:uwv-gateway", "outcome": "positive"},
        {
            "event": "work_started",
            "actor": "arbeidsdeskundige-1",
            "employer_id": "employer-ibn",
            "start_date": today.isoformat(),
            "job_coach": True,
            "ambulant_supervision": True,
        },
        {"event": "fallback_threatened", "actor": "arbeidsdeskundige-1", "reason": "routine disturbed"},
    ]


SAMPLES: list[Sample] = [
    Sample(
        region="oss",
        start=_start(
            "sample-oss-screening", participant={"has_benefit": False, "age_band": "28_plus", "hours_per_week": 8}
        ),
    ),
    Sample(region="oss", start=_start("sample-oss-development"), events=_to_development),
    Sample(region="oss", start=_start("sample-oss-fallback"), events=_in_fallback),
]
"""No VSO pupil here: its start needs a school-leaving date relative to today, and a sample's start is fixed."""
