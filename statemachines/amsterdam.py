"""Amsterdam's route: joint decision, optional internship, outflow choice, gradual transition, explicit fallback.

ROUTES.md, Amsterdam; seed 001. The municipality's consultant Beschut Werk owns the trajectory (regie);
the client manager Work & Income keeps the benefit. Stabilisation of problems runs alongside the work
track in every open state (IPS-like): it never blocks a step.
"""

from __future__ import annotations

from typing import Any

from statemachine import State

from domain.amsterdam import FallbackOutcome, Outflow, SplitRecord
from statemachines.route import Route, leave, payload_guard, stay


class AmsterdamRoute(Route):
    """From day activities (dagbesteding) into work in Amsterdam: "continuity of support"."""

    region = "amsterdam"

    intake = State("Intake: joint decision", initial=True)
    preparing = State("Day activities: work track")
    internship = State("Learning-work internship")
    awaiting_advice = State("Awaiting UWV advice")
    seeking_work = State("Seeking work")
    employed = State("Employed (gradual transition)")
    fallback_review = State("Fallback: consultant decides")
    follow_up = State("Durable placement: follow-up")

    closed_no_step = State("Closed: no step to work", final=True)
    closed_in_work = State("Closed: in work", final=True)
    closed_in_day_activities = State("Closed: stays in day activities", final=True)
    closed_withdrawn = State("Closed: withdrawn", final=True)

    joint_decision_recorded = intake.to(preparing, cond="step_decided") | intake.to(closed_no_step)
    internship_started = preparing.to(internship)
    internship_ended = internship.to(preparing)
    outflow_chosen = (
        preparing.to(awaiting_advice, cond="sheltered_chosen")
        | preparing.to(seeking_work)
        | internship.to(awaiting_advice, cond="sheltered_chosen")
        | internship.to(seeking_work)
    )
    advice_received = awaiting_advice.to(seeking_work, cond="advice_positive") | awaiting_advice.to(preparing)
    wage_value_assessed = awaiting_advice.to.itself(internal=True) | seeking_work.to.itself(
        internal=True, cond="sheltered_track"
    )
    employment_started = seeking_work.to(employed)
    work_split_changed = employed.to.itself(internal=True)
    contract_renewed = stay([employed, fallback_review, follow_up])
    fallback_reported = employed.to(fallback_review) | follow_up.to(fallback_review)
    fallback_decided = (
        fallback_review.to(follow_up, cond=["stays_in_work", "in_follow_up"])
        | fallback_review.to(employed, cond="stays_in_work")
        | fallback_review.to(seeking_work, cond="other_workplace")
        | fallback_review.to(preparing)
    )
    placement_completed = employed.to(follow_up, cond=["with_seed_steps", "transition_complete"]) | employed.to(
        closed_in_work, cond="transition_complete"
    )
    follow_up_ended = follow_up.to(closed_in_work)
    trajectory_stopped = leave([preparing, internship, awaiting_advice, seeking_work], closed_in_day_activities)

    _open = [intake, preparing, internship, awaiting_advice, seeking_work, employed, fallback_review, follow_up]
    stabilisation_started = stay(_open)
    stabilisation_ended = stay(_open, cond="stabilising")
    check_in_recorded = stay(_open)
    coach_reassigned = stay(_open)
    withdrawn = leave(_open, closed_withdrawn)
    del _open

    # Guards. Called without a payload when listing the events allowed now: then they must not block.

    @payload_guard
    def step_decided(self, payload: Any) -> bool:
        return payload.step_to_work

    @payload_guard
    def sheltered_chosen(self, payload: Any) -> bool:
        return payload.outflow == Outflow.SHELTERED

    def sheltered_track(self) -> bool:
        return self.case.outflow == Outflow.SHELTERED

    @payload_guard
    def advice_positive(self, payload: Any) -> bool:
        return payload.outcome == "positive"

    @payload_guard
    def stays_in_work(self, payload: Any) -> bool:
        return payload.outcome == FallbackOutcome.STAY_IN_WORK

    @payload_guard
    def other_workplace(self, payload: Any) -> bool:
        return payload.outcome == FallbackOutcome.OTHER_WORKPLACE

    def transition_complete(self) -> bool:
        """The trajectory ends in work once the whole week is spent at the employer."""
        split = self.case.work_split
        return split is not None and split.day_activities_days == 0

    def in_follow_up(self) -> bool:
        return self.case.transition_completed_on is not None

    def stabilising(self) -> bool:
        return bool(self.case.stabilising)

    # Actions: record the facts each event brings. Pure data, no time, no I/O.

    def on_joint_decision_recorded(self, payload: Any, target: State) -> None:
        self.case.joint_decision = payload.step_to_work
        if payload.provider_id:
            self.case.provider_id = payload.provider_id
        if target.final:
            self.close("no_work", "joint decision: no step to work now")

    def on_internship_started(self, payload: Any) -> None:
        self.case.internship_host = payload.host
        self.case.internship_start = payload.start_date
        self.case.internship_months = payload.months or self.policy.internship_length_months

    def on_outflow_chosen(self, payload: Any) -> None:
        self.case.outflow = payload.outflow
        self.case.old_sw_rights = payload.old_sw_rights
        self.case.advice = None

    def on_advice_received(self, payload: Any) -> None:
        self.case.advice = payload.outcome

    def on_wage_value_assessed(self, payload: Any) -> None:
        self.case.wage_value_percent = payload.wage_value_percent

    def on_employment_started(self, payload: Any) -> None:
        self.case.match_attempts += 1
        self.case.employer_id = payload.employer_id
        self.case.contract_start = payload.start_date
        self.case.contract_end = payload.end_date
        self.case.hours_per_week = payload.hours_per_week
        self.case.wajong = payload.wajong
        self.split(payload, payload.start_date)

    def on_work_split_changed(self, payload: Any) -> None:
        self.split(payload, payload.since)
        if payload.hours_per_week is not None:
            self.case.hours_per_week = payload.hours_per_week

    def on_contract_renewed(self, payload: Any) -> None:
        self.case.contract_end = payload.end_date

    def split(self, payload: Any, since: Any) -> None:
        record = SplitRecord(
            since=since, employer_days=payload.employer_days, day_activities_days=payload.day_activities_days
        )
        self.case.work_split = record
        self.case.split_history.append(record)

    def on_stabilisation_started(self, payload: Any) -> None:
        self.case.stabilising[payload.problem] = payload.partner

    def on_stabilisation_ended(self, payload: Any) -> None:
        self.case.stabilising.pop(payload.problem, None)
        self.case.stabilised.append(payload.problem)

    def on_check_in_recorded(self, payload: Any) -> None:
        self.case.last_check_in = payload.checked_on

    def on_fallback_reported(self, payload: Any) -> None:
        self.case.fallbacks += 1
        self.case.fallback_reason = payload.reason

    def on_fallback_decided(self, payload: Any) -> None:
        self.case.fallback_reason = None
        if payload.outcome == FallbackOutcome.STAY_IN_WORK:
            return
        self.case.employer_id = None
        self.case.contract_start = self.case.contract_end = None
        self.case.work_split = None
        self.case.transition_completed_on = self.case.follow_up_until = None
        if payload.outcome == FallbackOutcome.BACK_TO_DAY_ACTIVITIES:
            self.case.outflow = None

    def on_placement_completed(self, target: State) -> None:
        if target.final:
            self.close("work", "durable placement: transition complete")

    def on_follow_up_ended(self, payload: Any) -> None:
        self.close("work", payload.reason or "durable placement: follow-up period completed")

    def on_trajectory_stopped(self, payload: Any) -> None:
        self.close("no_work", payload.reason)

    def on_coach_reassigned(self, payload: Any) -> None:
        self.case.coach_id = payload.coach_id

    def on_withdrawn(self, payload: Any) -> None:
        self.close("no_work", payload.reason)

    def close(self, outcome: str, reason: str) -> None:
        """Record how the trajectory ended: the provider's outcome figure counts ``work``."""
        self.case.outcome = outcome
        self.case.closing_reason = reason
