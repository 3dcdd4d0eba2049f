"""Rijk van Nijmegen's route "Op weg naar werk": indication, arrangements, evaluation, one leg in each, fallback.

ROUTES.md, Rijk van Nijmegen; seed 001. A school leaver starts at the school meeting (the start input has a
diploma date); everyone else starts referred, with the request for the indication still to come.

Trajectories started since patch ``rijk-van-nijmegen-seed-steps`` (``case.route_revision`` 1) ask UWV's advice
before sheltered work and have the youth team's benefit check; older ones keep the route they started on.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from statemachine import State

from domain.dates import add_months, start_of_day
from domain.rijk_van_nijmegen import WageValueEntry
from statemachines.route import Route, leave, payload_guard, stay


class RijkVanNijmegenRoute(Route):
    """From day activities (arbeidsmatige dagbesteding) towards work with WerkBedrijf Rijk van Nijmegen."""

    region = "rijk-van-nijmegen"

    referred = State("Referred", initial=True)
    school_meeting = State("School leaver: school meeting")
    awaiting_case_meeting = State("Awaiting case meeting")
    basic_arrangement = State("Basic arrangement (day activities)")
    plan_of_approach = State("Plan of approach")
    plan_advice = State("Plan awaiting advice")
    development = State("Development arrangement")
    paused = State("Development arrangement paused")
    awaiting_advice = State("Awaiting UWV advice")
    seeking_work = State("Seeking a work step")
    one_leg_in_each = State("One leg in each")
    in_work = State("In work, job coach")
    fallback = State("Fallback: consultant decides")

    closed_refused = State("Closed: indication refused", final=True)
    closed_volunteering = State("Closed: volunteering", final=True)
    closed_education = State("Closed: education", final=True)
    closed_in_work = State("Closed: in work", final=True)
    closed_withdrawn = State("Closed: withdrawn", final=True)

    OPEN = [
        referred, school_meeting, awaiting_case_meeting, basic_arrangement, plan_of_approach, plan_advice,
        development, paused, awaiting_advice, seeking_work, one_leg_in_each, in_work, fallback,
    ]  # fmt: skip

    referred.to(school_meeting, cond="awaiting_school_meeting")  # eventless: a school leaver starts here
    school_meeting_joined = school_meeting.to(referred)
    indication_requested = referred.to(awaiting_case_meeting) | basic_arrangement.to(awaiting_case_meeting)
    case_meeting_held = (
        awaiting_case_meeting.to(plan_of_approach, cond="development_granted")
        | awaiting_case_meeting.to(basic_arrangement, cond="granted")
        | awaiting_case_meeting.to(closed_refused)
    )
    plan_submitted = plan_of_approach.to(plan_advice)
    plan_advised = plan_advice.to(development, cond="plan_agreed") | plan_advice.to(plan_of_approach)
    arrangement_paused = development.to(paused)
    arrangement_resumed = paused.to(development)
    arrangement_adjusted = development.to.itself(internal=True)
    arrangement_retried = leave([development, paused], plan_of_approach)
    wage_value_measured = development.to.itself(internal=True, cond="measures_wage_value")
    evaluation_completed = (
        development.to(awaiting_advice, cond=["next_sheltered", "asks_uwv"])
        | development.to(seeking_work, cond="next_work")
        | development.to(closed_volunteering, cond="next_volunteering")
        | development.to(closed_education, cond="next_education")
        | development.to(plan_of_approach, cond="next_follow_up")
        | development.to(basic_arrangement)
    )
    advice_received = awaiting_advice.to(seeking_work, cond="advice_positive") | awaiting_advice.to(basic_arrangement)
    work_step_started = seeking_work.to(one_leg_in_each)
    work_step_completed = one_leg_in_each.to(in_work)
    fell_back = leave([seeking_work, one_leg_in_each, in_work], fallback)
    fallback_decided = (
        fallback.to(one_leg_in_each, cond="instrument_in_step")
        | fallback.to(in_work, cond="instrument_in_work")
        | fallback.to(basic_arrangement, cond="back_to_day_activities")
        | fallback.to(awaiting_advice, cond=["switches_to_sheltered", "asks_uwv"])
        | fallback.to(seeking_work)
    )
    trajectory_completed = in_work.to(closed_in_work)
    attendance_reported = stay(
        [
            basic_arrangement,
            plan_of_approach,
            plan_advice,
            development,
            paused,
            awaiting_advice,
            seeking_work,
            one_leg_in_each,
            fallback,
        ]
    )  # the basic arrangement (day activities) runs on until the step to work is complete
    benefit_check_completed = stay(OPEN, cond="benefit_check_open")
    coach_reassigned = stay(OPEN)
    withdrawn = leave(OPEN, closed_withdrawn)

    # Guards. Called without a payload when listing the events allowed now: then they must not block.

    def awaiting_school_meeting(self) -> bool:
        return self.case.diploma_date is not None and self.case.school_meeting_joined_on is None

    @payload_guard
    def granted(self, payload: Any) -> bool:
        return payload.decision == "granted"

    @payload_guard
    def development_granted(self, payload: Any) -> bool:
        return payload.decision == "granted" and payload.development is not None

    @payload_guard
    def plan_agreed(self, payload: Any) -> bool:
        return payload.advice == "agreed"

    @payload_guard
    def next_work(self, payload: Any) -> bool:
        return payload.next_step in ("banenafspraak_work", "sheltered_work")

    @payload_guard
    def next_sheltered(self, payload: Any) -> bool:
        return payload.next_step == "sheltered_work"

    def asks_uwv(self) -> bool:
        """Sheltered work needs UWV's advice first (since ``route_revision`` 1)."""
        return self.case.route_revision >= 1

    @payload_guard
    def advice_positive(self, payload: Any) -> bool:
        return payload.outcome == "positive"

    @payload_guard
    def switches_to_sheltered(self, payload: Any) -> bool:
        return payload.decision == "switch_to_sheltered_work"

    def measures_wage_value(self) -> bool:
        return self.case.route_revision >= 1 and self.case.development == "wage_value"

    def benefit_check_open(self) -> bool:
        """A school leaver's benefit check, until it is recorded."""
        case = self.case
        return case.route_revision >= 1 and case.diploma_date is not None and case.benefit_check is None

    @payload_guard
    def next_volunteering(self, payload: Any) -> bool:
        return payload.next_step == "volunteering"

    @payload_guard
    def next_education(self, payload: Any) -> bool:
        return payload.next_step == "education"

    @payload_guard
    def next_follow_up(self, payload: Any) -> bool:
        return payload.next_step == "follow_up_arrangement"

    @payload_guard
    def instrument_in_step(self, payload: Any) -> bool:
        """An extra instrument keeps the candidate at the current place: back where they fell back from."""
        return payload.decision == "extra_instrument" and self.case.fell_back_from == "one_leg_in_each"

    @payload_guard
    def instrument_in_work(self, payload: Any) -> bool:
        return payload.decision == "extra_instrument" and self.case.fell_back_from == "in_work"

    @payload_guard
    def back_to_day_activities(self, payload: Any) -> bool:
        return payload.decision == "back_to_day_activities"

    # Actions: record the facts each event brings. Pure data, no time, no I/O.

    def on_school_meeting_joined(self, payload: Any) -> None:
        self.case.school_meeting_joined_on = payload.joined_on

    def on_benefit_check_completed(self, payload: Any) -> None:
        self.case.benefit_check = payload.outcome
        self.case.benefit_checked_on = payload.checked_on

    def on_indication_requested(self, payload: Any) -> None:
        if payload.provider_id:
            self.case.provider_id = payload.provider_id

    def on_case_meeting_held(self, payload: Any, target: State) -> None:
        self.case.case_meeting_consultants = list(payload.consultants)
        if payload.decision == "refused":
            self.case.closing_reason = "indication refused in the case meeting"
            return
        self.case.arrangement = payload.arrangement
        self.case.half_days_per_week = payload.half_days_per_week
        self.case.basic_fee_per_half_day = self.policy.basic_fee_per_half_day
        if payload.development:
            self.case.development = payload.development
            self.case.development_fee_per_year = self.policy.development_fee_per_year

    def on_attendance_reported(self, payload: Any) -> None:
        self.case.attendance[payload.month.isoformat()[:7]] = payload.half_days

    def on_plan_submitted(self, payload: Any) -> None:
        self.case.provider_id = payload.provider_id
        self.case.plan_learning_goals = list(payload.learning_goals)
        self.case.plan_competences = list(payload.competences)

    def on_plan_advised(self, payload: Any) -> None:
        if payload.advice != "agreed":
            return
        months = payload.months or self.policy.development_months
        begin = start_of_day(payload.start_date)
        self.case.arrangement_attempts += 1
        self.case.arrangement_start = begin
        self.case.arrangement_months = months
        self.case.arrangement_end = add_months(begin, months)
        self.case.paused_total = timedelta(0)
        self.case.pauses = 0

    def on_arrangement_paused(self) -> None:
        self.case.pauses += 1

    def on_arrangement_adjusted(self, payload: Any) -> None:
        self.case.arrangement_end = start_of_day(payload.end_date)

    def on_arrangement_retried(self, payload: Any) -> None:
        if payload.development:
            self.case.development = payload.development
        self.case.arrangement_end = None
        self.case.paused_since = None

    def on_wage_value_measured(self, payload: Any) -> None:
        self.case.wage_values.append(
            WageValueEntry(wage_value_percent=payload.wage_value_percent, measured_on=payload.measured_on)
        )

    def on_advice_received(self, payload: Any) -> None:
        self.case.advice = payload.outcome
        if payload.outcome != "positive":
            self.case.track = None

    def on_evaluation_completed(self, payload: Any) -> None:
        self.case.evaluations.append(payload.next_step)
        if payload.next_step in ("banenafspraak_work", "sheltered_work"):
            self.case.track = payload.next_step.removesuffix("_work")
        elif payload.next_step == "follow_up_arrangement":
            self.case.development = payload.follow_up
        elif payload.next_step in ("volunteering", "education"):
            self.case.closing_reason = f"next step: {payload.next_step}"
        self.case.arrangement_end = None

    def on_work_step_started(self, payload: Any) -> None:
        self.case.match_attempts += 1
        self.case.work_form = payload.form
        self.case.employer_id = payload.employer_id
        self.case.supervisor_id = payload.supervisor_id
        self.case.secondment = payload.secondment
        if payload.secondment:
            self.case.employer_of_record_id = (
                payload.employer_of_record_id or self.policy.secondment_employer_of_record_id
            )
            self.case.hirer_id = payload.employer_id
        else:
            self.case.employer_of_record_id = self.case.hirer_id = None

    def on_work_step_completed(self, payload: Any) -> None:
        self.case.job_coach_id = payload.job_coach_id
        self.case.coach_id = payload.job_coach_id
        self.case.contract_start = payload.contract_start
        self.case.supervisor_id = None

    def on_fell_back(self, payload: Any, source: State) -> None:
        self.case.fallbacks += 1
        self.case.fell_back_from = source.id
        self.case.coach_id = payload.consultant_id

    def on_fallback_decided(self, payload: Any) -> None:
        self.case.fallback_decisions.append(payload.decision)
        if payload.instrument:
            self.case.instruments.append(payload.instrument)
        if payload.decision == "switch_to_sheltered_work":
            self.case.track = "sheltered"
        if payload.decision in ("other_workplace", "switch_to_sheltered_work", "back_to_day_activities"):
            self.case.employer_id = None
            self.case.employer_of_record_id = self.case.hirer_id = None

    def on_trajectory_completed(self, payload: Any) -> None:
        self.case.closing_reason = payload.reason

    def on_coach_reassigned(self, payload: Any) -> None:
        self.case.coach_id = payload.coach_id

    def on_withdrawn(self, payload: Any) -> None:
        self.case.closing_reason = payload.reason
