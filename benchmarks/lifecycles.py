"""Each region's main path as data: the events a backend sends and the time that passes between them.

A lifecycle is a list of steps. The same steps drive a trajectory (``submit_event``) and its bare twin
(a no-op Update), so both see the same Updates at the same (virtual) times. :data:`EMPLOYED` marks where the
participant is in work: throughput drives trajectories up to there, without waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

Fields = Callable[[date], dict[str, Any]]


@dataclass(frozen=True)
class Send:
    """Send ``event``; ``fields`` is computed from the (virtual) day it is sent on."""

    event: str
    fields: Fields = field(default=lambda today: {})
    actor: str = "coach-anna"

    def payload(self, today: date) -> dict[str, Any]:
        return {"event": self.event, "actor": self.actor, **self.fields(today)}


@dataclass(frozen=True)
class Wait:
    """Let ``duration`` pass (skipped time on the test server; ignored on the dev server)."""

    duration: timedelta


@dataclass(frozen=True)
class Employed:
    """Marker: the participant is in work from here on."""


Step = Send | Wait | Employed


@dataclass(frozen=True)
class Lifecycle:
    region: str
    steps: list[Step]
    employed_state: str
    start_overrides: dict[str, Any] = field(default_factory=dict)

    def to_employment(self) -> list[Send]:
        """The events up to employment, without the waiting: what throughput drives."""
        index = next(i for i, step in enumerate(self.steps) if isinstance(step, Employed))
        return [step for step in self.steps[:index] if isinstance(step, Send)]

    def sends(self) -> list[Send]:
        return [step for step in self.steps if isinstance(step, Send)]


def _iso(day: date) -> str:
    return day.isoformat()


def _years_on(day: date, years: int) -> date:
    return day.replace(year=day.year + years) + timedelta(days=1)


DAY = timedelta(days=1)
WEEK = timedelta(weeks=1)

ALMERE = Lifecycle(
    region="almere",
    employed_state="employed",
    steps=[
        Send("observation_started"),
        Wait(3 * WEEK),
        Send("observation_completed", lambda d: {"potential": True, "motivated": True, "hours_per_week": 32}),
        Wait(5 * WEEK),
        Send("advice_received", lambda d: {"outcome": "positive"}, actor="backend:uwv-gateway"),
        Wait(2 * WEEK),
        Send("trial_started", lambda d: {"employer_id": "employer-jungle", "start_date": _iso(d)}),
        Wait(6 * WEEK + DAY),
        Send("wage_value_assessed", lambda d: {"wage_value_percent": 55}),
        Wait(WEEK),
        Send(
            "contract_signed",
            lambda d: {"start_date": _iso(d), "end_date": _iso(_years_on(d, 1)), "hours_per_week": 32},
        ),
        Employed(),
        Wait(150 * DAY),
        Send("visit_recorded", lambda d: {"visited_on": _iso(d), "channel": "visit"}),
        Wait(150 * DAY),
        Send("permanent_contract_signed", lambda d: {"start_date": _iso(d)}),
        Wait(430 * DAY),
        Send("employment_ended", lambda d: {"reason": "moved to another municipality"}),
    ],
)

AMSTERDAM_PARTIES = ["participant", "consultant_beschut_werk", "care_provider", "client_manager_work_income"]

AMSTERDAM = Lifecycle(
    region="amsterdam",
    employed_state="employed",
    steps=[
        Send("joint_decision_recorded", lambda d: {"parties": AMSTERDAM_PARTIES, "step_to_work": True}),
        Wait(2 * WEEK),
        Send("outflow_chosen", lambda d: {"outflow": "sheltered_work"}),
        Wait(3 * WEEK),
        Send("wage_value_assessed", lambda d: {"wage_value_percent": 40}, actor="wage-value-specialist"),
        Wait(3 * WEEK),
        Send("advice_received", lambda d: {"outcome": "positive"}, actor="backend:uwv-gateway"),
        Wait(2 * WEEK),
        Send(
            "employment_started",
            lambda d: {
                "employer_id": "employer-milieuwerk",
                "start_date": _iso(d),
                "employer_days": 3,
                "day_activities_days": 2,
            },
        ),
        Employed(),
        Wait(200 * DAY),
        Send("work_split_changed", lambda d: {"since": _iso(d), "employer_days": 4, "day_activities_days": 1}),
        Send("check_in_recorded", lambda d: {"checked_on": _iso(d)}),
        Wait(200 * DAY),
        Send("work_split_changed", lambda d: {"since": _iso(d), "employer_days": 5, "day_activities_days": 0}),
        Wait(330 * DAY),
        Send("placement_completed"),
        Wait(731 * DAY),  # the follow-up period (policy ``follow_up_months``), then the consultant closes it
        Send("follow_up_ended"),
    ],
)

OSS = Lifecycle(
    region="oss",
    employed_state="employed",
    start_overrides={"participant": {"has_benefit": True, "age_band": "28_plus", "hours_per_week": 12}},
    steps=[
        Send(
            "screening_completed",
            lambda d: {
                "capacity": True,
                "reason": "developable work capacity",
                "arbeidsdeskundige_id": "ad-joris",
                "ladder_step": 3,
            },
        ),
        Wait(2 * WEEK),
        Send("plan_recorded", lambda d: {"goals": ["travel independently"], "work_consultant_id": "wc-fenna"}),
        Wait(20 * WEEK),
        Send("work_track_chosen", lambda d: {"track": "sheltered_work"}),
        Wait(6 * WEEK),
        Send("advice_received", lambda d: {"outcome": "positive"}, actor="backend:uwv-gateway"),
        Wait(2 * WEEK),
        Send("work_started", lambda d: {"employer_id": "employer-ibn", "start_date": _iso(d), "job_coach": True}),
        Employed(),
        Wait(300 * DAY),
        Send("ladder_step_recorded", lambda d: {"step": 5, "measured_on": _iso(d)}),
        Wait(300 * DAY),
        Send("trajectory_completed", lambda d: {"reason": "stable in sheltered work"}),
    ],
)

NIJMEGEN_CONSULTANTS = ["consultant-intake-1", "consultant-intake-2", "consultant-linking-3"]
NIJMEGEN_PROVIDER = "provider-driestroom"

RIJK_VAN_NIJMEGEN = Lifecycle(
    region="rijk-van-nijmegen",
    employed_state="in_work",
    steps=[
        Send("indication_requested", lambda d: {"provider_id": NIJMEGEN_PROVIDER}),
        Wait(3 * WEEK),
        Send(
            "case_meeting_held",
            lambda d: {
                "consultants": NIJMEGEN_CONSULTANTS,
                "decision": "granted",
                "arrangement": "basic_plus_wage_value",
                "half_days_per_week": 6,
            },
            actor=NIJMEGEN_CONSULTANTS[0],
        ),
        Wait(2 * WEEK),
        Send(
            "plan_submitted",
            lambda d: {
                "provider_id": NIJMEGEN_PROVIDER,
                "learning_goals": ["travel independently"],
                "competences": ["reliability"],
            },
            actor=f"backend:{NIJMEGEN_PROVIDER}",
        ),
        Wait(WEEK),
        Send("plan_advised", lambda d: {"advice": "agreed", "start_date": _iso(d)}),
        Wait(300 * DAY),
        Send("evaluation_completed", lambda d: {"goals_met": True, "next_step": "sheltered_work"}),
        Wait(2 * WEEK),
        Send("advice_received", lambda d: {"outcome": "positive"}, actor="backend:uwv-gateway"),
        Wait(WEEK),
        Send(
            "work_step_started",
            lambda d: {
                "form": "trial_placement",
                "employer_id": "employer-dela",
                "supervisor_id": "supervisor-driestroom-4",
                "secondment": True,
                "start_date": _iso(d),
            },
        ),
        Wait(13 * WEEK),
        Send("work_step_completed", lambda d: {"job_coach_id": "jobcoach-werkbedrijf-7", "contract_start": _iso(d)}),
        Employed(),
        Wait(250 * DAY),
        Send("trajectory_completed", lambda d: {"reason": "stable in sheltered work"}, actor="jobcoach-werkbedrijf-7"),
    ],
)

LIFECYCLES = {lifecycle.region: lifecycle for lifecycle in (ALMERE, AMSTERDAM, OSS, RIJK_VAN_NIJMEGEN)}

STEADY_YEAR = Lifecycle(
    region="almere",
    employed_state="permanent",
    steps=[*ALMERE.steps[:11], Employed(), Send("permanent_contract_signed", lambda d: {"start_date": _iso(d)})],
)
"""Almere to a permanent contract; the steady year (quarterly fees, six-monthly visits) follows it."""


def start_input(trajectory_id: str, lifecycle: Lifecycle) -> dict[str, Any]:
    return {
        "trajectory_id": trajectory_id,
        "participant_ref": "ref-bench-7f3a",
        "participant": {"has_benefit": True, "age_band": "18_to_27", "hours_per_week": 32},
        "referral_source": "day_activities_provider",
        "coach_id": "coach-anna",
        "provider_id": "provider-de-schoor",
        **lifecycle.start_overrides,
    }
