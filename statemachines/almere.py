"""Almere's route: referral, observation, UWV advice, up to three trial placements, employment, aftercare.

ROUTES.md, Almere; seeds 000–004. Two account advisors Beschut Werk own every trajectory and stand in
for each other, so any open trajectory can be handed to the other coach.
"""

from __future__ import annotations

from typing import Any

from statemachine import State

from statemachines.route import Route, leave, stay


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

    closed_no_potential = State("Closed: no potential", final=True)
    closed_advice_negative = State("Closed: advice negative", final=True)
    closed_back_to_day_activities = State("Closed: back to day activities", final=True)
    closed_withdrawn = State("Closed: withdrawn", final=True)
    closed_employment_ended = State("Closed: employment ended", final=True)

    observation_started = referred.to(observation)
    observation_completed = observation.to(awaiting_advice, cond="qualifies") | observation.to(closed_no_potential)
    advice_received = awaiting_advice.to(seeking_placement, cond="advice_positive") | awaiting_advice.to(
        closed_advice_negative
    )
    trial_started = seeking_placement.to(trial)
    wage_value_assessed = trial.to.itself(internal=True)
    trial_extended = trial.to.itself(internal=True, cond="extension_left")
    trial_failed = trial.to(seeking_placement, cond="rematch_allowed") | trial.to(closed_back_to_day_activities)
    contract_signed = trial.to(employed)
    travel_costs_claimed = trial.to.itself(internal=True)
    contract_renewed = employed.to.itself(internal=True) | contract_ended.to(employed)
    contract_expired = employed.to(contract_ended)  # internal: the contract's end date passed without renewal
    permanent_contract_signed = employed.to(permanent) | contract_ended.to(permanent)
    absence_reported = stay([employed, permanent])
    visit_recorded = stay([employed, permanent])
    employment_ended = leave([employed, permanent, contract_ended], closed_employment_ended)
    coach_reassigned = stay(
        [referred, observation, awaiting_advice, seeking_placement, trial, employed, permanent, contract_ended]
    )
    withdrawn = leave(
        [referred, observation, awaiting_advice, seeking_placement, trial, employed, permanent, contract_ended],
        closed_withdrawn,
    )

    # Guards. Called without a payload when listing the events allowed now: then they must not block.

    def qualifies(self, payload: Any = None) -> bool:
        """Potential, motivated, and ≥ the policy's hours unless an exception with a reason."""
        if payload is None:
            return True
        enough_hours = payload.hours_per_week >= self.policy.min_hours_per_week or bool(payload.hours_exception_reason)
        return payload.potential and payload.motivated and enough_hours

    def advice_positive(self, payload: Any = None) -> bool:
        return payload is None or payload.outcome == "positive"

    def extension_left(self) -> bool:
        return self.case.trial_extensions < self.policy.max_trial_extensions

    def rematch_allowed(self, payload: Any = None) -> bool:
        """Another place is sought only with good motivation, and at most ``max_match_attempts`` in all."""
        if payload is None:
            return True
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

    def on_trial_started(self, payload: Any) -> None:
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

    def on_visit_recorded(self, payload: Any) -> None:
        self.case.last_visit = payload.visited_on

    def on_employment_ended(self, payload: Any) -> None:
        self.case.closing_reason = payload.reason

    def on_coach_reassigned(self, payload: Any) -> None:
        self.case.coach_id = payload.coach_id

    def on_withdrawn(self, payload: Any) -> None:
        self.case.closing_reason = payload.reason
