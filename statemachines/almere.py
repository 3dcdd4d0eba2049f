"""Almere's route: referral, observation, UWV advice, up to three trial placements, employment, aftercare.

ROUTES.md, Almere; seeds 000–004. Two account advisors Beschut Werk own every trajectory and stand in
for each other, so any open trajectory can be handed to the other coach.
"""

from __future__ import annotations

from typing import Any

from statemachine import State

from statemachines.route import Route, leave, payload_guard, stay


class AlmereRoute(Route):
    """From day activities (dagbesteding) to sheltered work (beschut werk) in Almere."""

    region = "almere"

    referred = State("Referred", initial=True)
    observation = State("Observation")
    awaiting_advice = State("Awaiting UWV advice")
    seeking_placement = State("Seeking placement")
    trial = State("Trial placement")
    employed = State("Employed")
    permanent = State("Permanent")
    contract_ended = State("Contract ended: coach decides")
    advice_talk = State("Talk after a negative advice")

    closed_no_potential = State("Closed: no potential", final=True)
    closed_advice_negative = State("Closed: advice negative", final=True)
    closed_back_to_day_activities = State("Closed: back to day activities", final=True)
    closed_withdrawn = State("Closed: withdrawn", final=True)
    closed_employment_ended = State("Closed: employment ended", final=True)
    closed_regular_work = State("Closed: onward to regular work", final=True)

    observation_started = referred.to(observation)
    observation_completed = observation.to(awaiting_advice, cond="qualifies") | observation.to(closed_no_potential)
    advice_received = (
        awaiting_advice.to(seeking_placement, cond="advice_positive")
        | awaiting_advice.to(advice_talk, cond="with_seed_steps")
        | awaiting_advice.to(closed_advice_negative)
        | seeking_placement.to.itself(internal=True, cond=["advice_pending", "advice_positive"])
        | seeking_placement.to(advice_talk, cond="advice_pending")
        | trial.to.itself(internal=True, cond="advice_pending")
    )
    uwv_consultation_recorded = stay([awaiting_advice, seeking_placement, trial], cond="advice_pending")
    advice_talk_recorded = (
        advice_talk.to(awaiting_advice, cond="reapplies")
        | advice_talk.to(closed_advice_negative)
        | seeking_placement.to.itself(internal=True, cond="talk_pending")
        | trial.to(closed_advice_negative, cond=["talk_pending", "closes"])
        | trial.to.itself(internal=True, cond="talk_pending")
    )
    hours_recorded = stay([referred, observation, awaiting_advice, seeking_placement], cond="with_seed_steps")
    school_internship_assessed = stay([referred, observation], cond="with_seed_steps")
    trial_started = seeking_placement.to(trial) | awaiting_advice.to(trial, cond="with_seed_steps")
    wage_value_assessed = trial.to.itself(internal=True)
    trial_extended = trial.to.itself(internal=True, cond="extension_left")
    trial_failed = trial.to(seeking_placement, cond=["rematch_allowed", "advice_not_negative"]) | trial.to(
        closed_back_to_day_activities, cond="advice_not_negative"
    )
    contract_signed = trial.to(employed, cond="advice_is_positive")
    travel_costs_claimed = trial.to.itself(internal=True)
    contract_renewed = employed.to.itself(internal=True) | contract_ended.to(employed)
    contract_expired = employed.to(contract_ended)  # internal: the contract's end date passed without renewal
    permanent_contract_signed = employed.to(permanent) | contract_ended.to(permanent)
    absence_reported = stay([employed, permanent])
    absence_followed_up = stay([employed, permanent], cond="absence_open")
    absence_ended = stay([employed, permanent], cond="absence_open")
    visit_recorded = stay([employed, permanent])
    reexamination_requested = stay([employed, permanent], cond=["with_seed_steps", "no_reexamination_pending"])
    reexamination_decided = (
        employed.to(closed_regular_work, cond=["reexamination_is_pending", "to_regular_work"])
        | permanent.to(closed_regular_work, cond=["reexamination_is_pending", "to_regular_work"])
        | stay([employed, permanent], cond="reexamination_is_pending")
    )
    employment_ended = leave([employed, permanent, contract_ended], closed_employment_ended)

    _open = [
        referred, observation, awaiting_advice, advice_talk, seeking_placement, trial, employed, permanent,
        contract_ended,
    ]  # fmt: skip
    neighbourhood_team_referred = stay(_open, cond="with_seed_steps")
    coach_reassigned = stay(_open)
    withdrawn = leave(_open, closed_withdrawn)
    del _open

    # Guards. Called without a payload when listing the events allowed now: then they must not block.

    @payload_guard
    def qualifies(self, payload: Any) -> bool:
        """Potential, motivated, and ≥ the policy's hours unless an exception with a reason."""
        enough_hours = payload.hours_per_week >= self.policy.min_hours_per_week or bool(payload.hours_exception_reason)
        return payload.potential and payload.motivated and enough_hours

    @payload_guard
    def advice_positive(self, payload: Any) -> bool:
        return payload.outcome == "positive"

    def advice_pending(self) -> bool:
        """UWV's advice is still out: a trial may have started before it (seed 003), under the steps of issue 16."""
        return self.seed_steps and self.case.advice is None

    def advice_is_positive(self) -> bool:
        return self.case.advice == "positive"

    def advice_not_negative(self) -> bool:
        """After a negative advice during a trial the coach decides in the advice talk, not by a re-match."""
        return self.case.advice != "negative"

    def talk_pending(self) -> bool:
        return self.case.advice_talk_pending

    @payload_guard
    def reapplies(self, payload: Any) -> bool:
        return payload.decision == "reapply"

    @payload_guard
    def closes(self, payload: Any) -> bool:
        return payload.decision == "close"

    def absence_open(self) -> bool:
        return self.case.absence_since is not None

    def no_reexamination_pending(self) -> bool:
        return not self.case.reexamination_pending

    def reexamination_is_pending(self) -> bool:
        return self.case.reexamination_pending

    @payload_guard
    def to_regular_work(self, payload: Any) -> bool:
        return payload.outcome == "regular_work"

    def extension_left(self) -> bool:
        return self.case.trial_extensions < self.policy.max_trial_extensions

    @payload_guard
    def rematch_allowed(self, payload: Any) -> bool:
        """Another place is sought only with good motivation, and at most ``max_match_attempts`` in all."""
        return payload.motivated and self.case.match_attempts < self.policy.max_match_attempts

    # Actions: record the facts each event brings. Pure data, no time, no I/O.

    def on_observation_started(self, payload: Any) -> None:
        if payload.provider_id:
            self.case.provider_id = payload.provider_id

    def on_observation_completed(self, payload: Any, target: State) -> None:
        self.case.hours_exception_reason = payload.hours_exception_reason
        if target.final:
            self.case.closing_reason = "conditions for sheltered work not met"

    def on_advice_received(self, payload: Any) -> None:
        self.case.advice = payload.outcome
        if self.seed_steps:
            self.case.advice_talk_pending = True

    def on_uwv_consultation_recorded(self, payload: Any) -> None:
        self.case.uwv_consulted_on = payload.consulted_on

    def on_advice_talk_recorded(self, payload: Any, target: State) -> None:
        self.case.advice_talk_pending = False
        if payload.decision == "reapply":
            self.case.advice = None
        if target.final:
            self.case.closing_reason = "sheltered-work advice negative: talk held, trajectory closed"

    def on_hours_recorded(self, payload: Any) -> None:
        self.case.hours_per_week = payload.hours_per_week
        if payload.hours_exception_reason:
            self.case.hours_exception_reason = payload.hours_exception_reason

    def on_school_internship_assessed(self, payload: Any) -> None:
        self.case.school_internships.append(payload.host_id)
        self.case.sheltered_work_feasible = payload.feasible

    def on_trial_started(self, payload: Any, source: State) -> None:
        if source == self.awaiting_advice:
            self.case.trial_before_advice = True
        self.case.match_attempts += 1
        self.case.employer_id = payload.employer_id
        self.case.trial_start = payload.start_date
        self.case.trial_extensions = 0
        self.case.trial_weeks_extended = 0
        self.case.wage_value_percent = None

    def on_wage_value_assessed(self, payload: Any) -> None:
        self.case.wage_value_percent = payload.wage_value_percent

    def on_trial_extended(self, payload: Any) -> None:
        self.case.trial_extensions += 1
        self.case.trial_weeks_extended += payload.weeks

    def on_trial_failed(self, payload: Any, target: State) -> None:
        self.case.failed_trials += 1
        if target.final:
            self.case.closing_reason = f"trial failed {self.case.failed_trials} time(s): back to day activities"

    def on_contract_signed(self, payload: Any) -> None:
        self.case.contract_start = payload.start_date
        self.case.contract_end = payload.end_date
        self.case.contract_hours_per_week = payload.hours_per_week
        self.case.no_risk_policy = True  # Ziektewet: applies to every sheltered-work employee (recorded, not paid)

    def on_travel_costs_claimed(self, payload: Any) -> None:
        self.case.travel_costs_claimed_cents += payload.amount_cents

    def on_contract_renewed(self, payload: Any) -> None:
        self.case.contract_end = payload.end_date

    def on_permanent_contract_signed(self, payload: Any) -> None:
        self.case.permanent_since = payload.start_date
        self.case.contract_end = None

    def on_absence_reported(self) -> None:
        self.case.absences_reported += 1
        if self.seed_steps:
            self.case.absence_followed_up = False

    def on_absence_followed_up(self) -> None:
        self.case.absence_followed_up = True

    def on_absence_ended(self) -> None:
        self.case.absence_since = None

    def on_neighbourhood_team_referred(self, payload: Any) -> None:
        self.case.neighbourhood_referrals.append(payload.problem)

    def on_reexamination_requested(self) -> None:
        self.case.reexamination_pending = True

    def on_reexamination_decided(self, payload: Any, target: State) -> None:
        self.case.reexamination_pending = False
        if target.final:
            self.case.employer_id = payload.employer_id or self.case.employer_id
            self.case.closing_reason = "UWV re-examination: onward to regular work (Banenafspraak)"

    def on_visit_recorded(self, payload: Any) -> None:
        self.case.last_visit = payload.visited_on

    def on_employment_ended(self, payload: Any) -> None:
        self.case.closing_reason = payload.reason

    def on_coach_reassigned(self, payload: Any) -> None:
        self.case.coach_id = payload.coach_id

    def on_withdrawn(self, payload: Any) -> None:
        self.case.closing_reason = payload.reason
