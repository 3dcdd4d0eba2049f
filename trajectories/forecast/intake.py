"""A synthetic intake: people whose steps through a route are drawn from the assumptions.

One function per region turns a random draw into a :class:`trajectories.cohort.Person`: a start input and
the events the route's backends would send, at the days they would send them, in the contract's JSON. The
draw is made up front from a seeded ``random.Random``, so one seed gives one cohort, whichever policy it is
then run under (the what-if compares policies on the *same* people). Ids are pseudonymous and made up.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from domain.dates import add_months
from trajectories.cohort import Person, Stage
from trajectories.forecast.assumptions import Assumptions, Range, RegionAssumptions

UWV = "backend:uwv-gateway"


class Draw:
    """One person's random draws, and the stages they lead to."""

    def __init__(self, rng: random.Random, assumptions: RegionAssumptions):
        self.rng, self.a = rng, assumptions
        self.day = 0
        self.stages: list[Stage] = []

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def wait(self, days: Range | int) -> None:
        self.day += days if isinstance(days, int) else self.rng.randint(days.low, max(days.low, days.high))

    def send(self, *events: Callable[[date], dict[str, Any]] | dict[str, Any]) -> None:
        built = [e if callable(e) else (lambda today, e=e: e) for e in events]
        self.stages.append(Stage(timedelta(days=self.day), lambda today: [make(today) for make in built]))


def on(event: str, actor: str, **fields: Any) -> Callable[[date], dict[str, Any]]:
    """An event whose date fields are computed on the day it is sent: a value ``callable(today)`` is called."""
    return lambda today: {
        "event": event,
        "actor": actor,
        **{k: (v(today) if callable(v) else v) for k, v in fields.items()},
    }


def iso(today: date) -> str:
    return today.isoformat()


def a_year_on(today: date) -> str:
    return add_months(today, 12).isoformat()


def _start(number: int, coach: str, provider: str, **extra: Any) -> dict[str, Any]:
    return {
        "trajectory_id": f"forecast-{number:05d}",
        "participant_ref": f"ref-forecast-{number:05d}",
        "participant": {"has_benefit": True, "age_band": "18_to_27", "hours_per_week": 32},
        "referral_source": "day_activities_provider",
        "coach_id": coach,
        "provider_id": provider,
        **extra,
    }


def almere(number: int, rng: random.Random, a: RegionAssumptions, months: int) -> Person:
    """Observation, UWV advice, up to three trials, a contract renewed yearly, absences now and then."""
    coach = ("coach-anna", "coach-bram")[number % 2]
    d = Draw(rng, a)
    d.wait(a.days_to_first_step)
    d.send(on("observation_started", coach))
    d.wait(28)
    d.send(on("observation_completed", coach, potential=True, motivated=True, hours_per_week=32))
    d.wait(a.days_to_advice)
    positive = d.chance(a.advice_positive)
    d.send(on("advice_received", UWV, outcome="positive" if positive else "negative"))
    if not positive:
        return Person("almere", _start(number, coach, "provider-de-schoor"), stages=tuple(d.stages))
    for _attempt in range(3):  # up to three trials (policy max_match_attempts)
        d.wait(a.days_to_place)
        d.send(on("trial_started", coach, employer_id=f"employer-{rng.randint(1, 12):02d}", start_date=iso))
        if d.chance(a.trial_fails):
            d.wait(Range(low=14, high=49))
            d.send(on("trial_failed", coach, motivated=True, reason="the work did not match"))
            continue
        d.wait(42)
        d.send(on("wage_value_assessed", coach, wage_value_percent=rng.randint(40, 80)))
        d.wait(14)
        d.send(on("contract_signed", coach, start_date=iso, end_date=a_year_on, hours_per_week=32))
        contract_day = d.day
        for quarter in range(1, months // 3 + 1):
            if d.chance(a.absent_per_quarter):
                d.day = contract_day + 91 * quarter - 30
                d.send(on("absence_reported", coach, days_absent=rng.randint(2, 15)))
            if quarter % 4 == 3:  # renewed a month and a half before each year ends
                d.day = contract_day + 91 * quarter + 45
                d.send(on("contract_renewed", coach, end_date=lambda today: add_months(today, 13).isoformat()))
        break
    return Person("almere", _start(number, coach, "provider-de-schoor"), stages=tuple(d.stages))


AMSTERDAM_PARTIES = ["participant", "consultant_beschut_werk", "care_provider", "client_manager_work_income"]


def amsterdam(number: int, rng: random.Random, a: RegionAssumptions, months: int) -> Person:
    """Joint decision, an outflow (sheltered work through UWV, or Banenafspraak), work, sometimes a fallback."""
    coach = f"consultant-amsterdam-{number % 3 + 1}"
    provider = ("provider-cordaan", "provider-de-regenboog", "provider-philadelphia")[number % 3]
    d = Draw(rng, a)
    d.wait(a.days_to_first_step)
    d.send(on("joint_decision_recorded", coach, parties=AMSTERDAM_PARTIES, step_to_work=True))
    d.wait(Range(low=14, high=60))
    sheltered = d.chance(0.6)
    d.send(on("outflow_chosen", coach, outflow="sheltered_work" if sheltered else "banenafspraak"))
    if sheltered:
        d.wait(21)
        d.send(on("wage_value_assessed", coach, wage_value_percent=rng.randint(30, 70)))
        d.wait(a.days_to_advice)
        if not d.chance(a.advice_positive):
            d.send(on("advice_received", UWV, outcome="negative"))
            return Person("amsterdam", _start(number, coach, provider), stages=tuple(d.stages))
        d.send(on("advice_received", UWV, outcome="positive"))
    d.wait(a.days_to_place)
    d.send(on("employment_started", coach, employer_id=f"employer-{rng.randint(1, 12):02d}", start_date=iso,
              employer_days=2, day_activities_days=3))  # fmt: skip
    if d.chance(a.trial_fails):
        d.wait(Range(low=30, high=120))
        d.send(on("fallback_reported", coach, reason="absent for two weeks"))
    return Person("amsterdam", _start(number, coach, provider), stages=tuple(d.stages))


def oss(number: int, rng: random.Random, a: RegionAssumptions, months: int) -> Person:
    """Screening, a plan, a ladder step measured every quarter, a work track, work."""
    d = Draw(rng, a)
    d.wait(a.days_to_first_step)
    capacity = d.chance(0.7)
    step = rng.randint(2, 3)  # the baseline on the participation ladder (required since the route's revision 1)
    d.send(on("screening_completed", "wmo-consultant-1", capacity=capacity, reason="screened together",
              arbeidsdeskundige_id="arbeidsdeskundige-1", ladder_step=step))  # fmt: skip
    start = _start(number, "wmo-consultant-1", "provider-ibn")
    start["participant"] = {**start["participant"], "hours_per_week": 12}
    if not capacity:
        return Person("oss", start, stages=tuple(d.stages))
    d.wait(21)
    d.send(
        on("plan_recorded", "work-consultant-1", goals=["travel independently"], work_consultant_id="work-consultant-1")
    )
    for _ in range(months // 3):
        d.wait(91)
        step = min(6, step + d.chance(0.4))
        d.send(on("ladder_step_recorded", "work-consultant-1", step=step, measured_on=iso))
        if step >= 5:
            break
    if step < 5:
        return Person("oss", start, stages=tuple(d.stages))
    sheltered = d.chance(0.5)
    d.send(on("work_track_chosen", "work-consultant-1", track="sheltered_work" if sheltered else "banenafspraak"))
    if sheltered:
        d.wait(a.days_to_advice)
        positive = d.chance(a.advice_positive)
        d.send(on("advice_received", UWV, outcome="positive" if positive else "negative"))
        if not positive:  # back to the plan: the ladder goes on, no work this time
            return Person("oss", start, stages=tuple(d.stages))
    d.wait(a.days_to_place)
    d.send(on("work_started", "arbeidsdeskundige-1", employer_id=f"employer-{rng.randint(1, 12):02d}", start_date=iso,
              job_coach=True))  # fmt: skip
    return Person("oss", start, stages=tuple(d.stages))


NIJMEGEN_CONSULTANTS = ["nijmegen-consultant-intake-1", "nijmegen-consultant-intake-2", "nijmegen-consultant-linking-3"]


def rijk_van_nijmegen(number: int, rng: random.Random, a: RegionAssumptions, months: int) -> Person:
    """Indication, the case meeting, a plan, the development arrangement, its evaluation, a work step."""
    coach, provider = "nijmegen-consultant-linking-3", "provider-driestroom"
    d = Draw(rng, a)
    d.wait(a.days_to_first_step)
    d.send(on("indication_requested", coach, provider_id=provider))
    d.wait(Range(low=14, high=42))
    d.send(on("case_meeting_held", NIJMEGEN_CONSULTANTS[0], consultants=NIJMEGEN_CONSULTANTS, decision="granted",
              arrangement="basic_plus_wage_value", half_days_per_week=6))  # fmt: skip
    d.wait(21)
    d.send(on("plan_submitted", f"backend:{provider}", provider_id=provider, learning_goals=["travel independently"],
              competences=["reliability"]))  # fmt: skip
    d.wait(14)
    d.send(on("plan_advised", coach, advice="agreed", start_date=iso))
    d.wait(Range(low=150, high=200))
    to_work = d.chance(1 - a.trial_fails)
    d.send(on("evaluation_completed", coach, goals_met=to_work, next_step="banenafspraak_work" if to_work else "stay"))
    if to_work:
        d.wait(a.days_to_place)
        d.send(on("work_step_started", coach, form="trial_placement", employer_id=f"employer-{rng.randint(1, 12):02d}",
                  supervisor_id="supervisor-driestroom-4", start_date=iso))  # fmt: skip
    return Person("rijk-van-nijmegen", _start(number, coach, provider), stages=tuple(d.stages))


INTAKE: dict[str, Callable[[int, random.Random, RegionAssumptions, int], Person]] = {
    "almere": almere,
    "amsterdam": amsterdam,
    "oss": oss,
    "rijk-van-nijmegen": rijk_van_nijmegen,
}
"""Region → how one person of its intake is drawn."""


def cohort(
    regions: list[str], size: int, *, months: int, seed: int, assumptions: Assumptions, per_month: int | None = None
) -> list[Person]:
    """``size`` people, spread over ``regions`` in turn; with ``per_month``, that many start each month (the
    cohort is then ``per_month`` × ``months``), else all start in the first month."""
    rng = random.Random(seed)
    total = per_month * months if per_month else size
    people = []
    for number in range(total):
        region = regions[number % len(regions)]
        person = INTAKE[region](number, random.Random(rng.getrandbits(64)), assumptions.of(region), months)
        month = number // per_month if per_month else 0
        starts = timedelta(days=month * 30 + rng.randint(0, 27))
        people.append(Person(person.region, person.start, starts_after=starts, stages=person.stages))
    return people
