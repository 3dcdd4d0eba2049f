"""Oss's route, "Van Zorg naar Werk": screening at the door, a voluntary plan, the step to paid work, fallback.

ROUTES.md, Oss; seed 001, pages "Oss". A trajectory starts in ``screening`` (every application for day
activities); for a VSO pupil (a school-leaving date in the start input) it moves at once to ``vso_follow_up``.
Paid work that stops does not close the trajectory: it returns to a ``day_programme`` with a plan back towards
work. The owner (regie) follows from the state, the work track and the person (≤ 27 with a benefit).

Trajectories started since patch ``oss-seed-steps`` (``case.route_revision`` 1): a screening without capacity
does not close but waits for a re-screening (``awaiting_rescreening``; a young person's evaluation can send them
back sooner), the youth consultant owns a young person's screening, and the ladder has a baseline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from statemachine import State

from domain.oss import LadderStep
from statemachines.route import Route, leave, payload_guard, payload_is, stay


def outcome_in(*outcomes: str) -> Callable[..., bool]:
    return payload_is("outcome", *outcomes)


class OssRoute(Route):
    """From day activities (dagbesteding) towards paid work in Oss."""

    region = "oss"

    screening = State("Screening for work capacity", initial=True)
    vso_follow_up = State("VSO pupil followed")
    planning = State("Personal plan")
    development = State("Van Zorg naar Werk")
    awaiting_advice = State("Awaiting UWV advice")
    job_search = State("Seeking work")
    employed = State("In paid work")
    fallback_risk = State("Threat of fallback")
    day_programme = State("Day programme, plan to work")
    awaiting_rescreening = State("Day activities, re-screening planned")

    closed_day_activities_only = State("Closed: day activities only", final=True)
    closed_regular_work = State("Closed: regular work", final=True)
    closed_withdrawn = State("Closed: withdrawn", final=True)
    closed_completed = State("Closed: completed", final=True)

    vso_pupil_entered = screening.to(vso_follow_up, cond="is_pupil")
    """Internal: sent at the start when the start input has a school-leaving date."""
    screening_completed = (
        screening.to(planning, cond="has_capacity")
        | screening.to(awaiting_rescreening, cond="rescreens")
        | screening.to(closed_day_activities_only)
    )
    vso_assessed = (
        vso_follow_up.to(closed_regular_work, cond=outcome_in("regular_work"))
        | vso_follow_up.to(job_search, cond=outcome_in("banenafspraak"))
        | vso_follow_up.to(awaiting_advice, cond=outcome_in("sheltered_work"))
        | vso_follow_up.to(awaiting_rescreening, cond=[outcome_in("day_activities"), "rescreens"])
        | vso_follow_up.to(closed_day_activities_only, cond=outcome_in("day_activities"))
        | vso_follow_up.to(planning)
    )
    plan_recorded = planning.to(development) | day_programme.to(development) | development.to.itself(internal=True)
    work_track_chosen = development.to(awaiting_advice, cond=payload_is("track", "sheltered_work")) | development.to(
        job_search
    )
    advice_received = awaiting_advice.to(job_search, cond=outcome_in("positive")) | awaiting_advice.to(development)
    work_started = job_search.to(employed)
    fallback_threatened = employed.to(fallback_risk)
    fallback_meeting_held = fallback_risk.to(employed)
    employment_ended = leave([employed, fallback_risk], day_programme)
    trajectory_completed = employed.to(closed_completed)

    rescreening_due = awaiting_rescreening.to(screening)
    """Internal: sent by the re-screening deadline."""

    _open = [
        screening,
        vso_follow_up,
        planning,
        development,
        awaiting_advice,
        job_search,
        employed,
        fallback_risk,
        day_programme,
        awaiting_rescreening,
    ]
    ladder_step_recorded = stay(_open[1:])
    evaluation_recorded = awaiting_rescreening.to(screening, cond=["is_young", "rescreen_requested"]) | stay(
        _open, cond="is_young"
    )
    consultant_assigned = stay(_open)
    withdrawn = leave(_open, closed_withdrawn)
    turned_28 = stay(_open, cond="is_young")
    """Internal: sent by the birthday deadline, not by backends (not in the event catalogue)."""
    del _open

    # Guards. Called without a payload when listing the events allowed now: then they must not block.

    @payload_guard
    def has_capacity(self, payload: Any) -> bool:
        return payload.capacity

    def rescreens(self) -> bool:
        """Since revision 1 nobody is closed for lack of capacity: a re-screening follows."""
        return self.case.route_revision >= 1

    @payload_guard
    def rescreen_requested(self, payload: Any) -> bool:
        return payload.rescreen

    def is_pupil(self) -> bool:
        return self.case.school_leaving_date is not None

    def is_young(self) -> bool:
        return bool(self.case.young)

    # The owner: from the state, the work track, the person. Policy tables, no branches per person.

    def owner_role(self) -> Any:
        return owner_role(self.policy, self.case)

    def assign_owner(self) -> None:
        self.case.owner_role = self.owner_role()
        self.case.coach_id = self.case.staff[self.case.owner_role]

    def on_enter_state(self) -> None:
        self.assign_owner()

    # Actions: record the facts each event brings. Pure data, no time, no I/O.

    def on_screening_completed(self, payload: Any, target: State) -> None:
        self.case.screening_reason = payload.reason
        self.case.screenings += 1
        if payload.arbeidsdeskundige_id:
            self.case.staff["arbeidsdeskundige"] = payload.arbeidsdeskundige_id
        if payload.ladder_step is not None:
            self.record_ladder_step(payload.ladder_step, payload.screened_on, baseline=True)
        if target.final:
            self.case.closing_reason = f"no developable work capacity: day activities only ({payload.reason})"

    def on_vso_assessed(self, payload: Any, target: State) -> None:
        self.case.vso_outcome = payload.outcome
        if payload.outcome in self.policy.owner_by_work_track:
            self.case.work_track = payload.outcome
        if target.final:
            self.case.closing_reason = f"VSO assessment: {payload.outcome.replace('_', ' ')} ({payload.reason})"

    def on_plan_recorded(self, payload: Any) -> None:
        self.case.goals = list(payload.goals)
        self.case.provider_supervisor_joined = payload.provider_supervisor_joined
        self.case.plans_recorded += 1
        for role, staff_id in (
            ("work_consultant", payload.work_consultant_id),
            ("wmo_consultant", payload.wmo_consultant_id),
        ):
            if staff_id:
                self.case.staff[role] = staff_id

    def on_ladder_step_recorded(self, payload: Any) -> None:
        self.record_ladder_step(payload.step, payload.measured_on)

    def record_ladder_step(self, step: int, measured_on: Any, *, baseline: bool = False) -> None:
        label = self.policy.ladder_steps[step - 1]
        self.case.ladder.append(LadderStep(step=step, label=label, measured_on=measured_on, baseline=baseline))

    def on_evaluation_recorded(self, payload: Any) -> None:
        self.case.last_evaluation = payload.evaluated_on

    def on_enter_screening(self) -> None:
        self.case.rescreening_on = None

    def on_work_track_chosen(self, payload: Any) -> None:
        self.case.work_track = payload.track

    def on_advice_received(self, payload: Any) -> None:
        self.case.advice = payload.outcome
        if payload.outcome != "positive":
            self.case.work_track = None

    def on_work_started(self, payload: Any) -> None:
        self.case.employer_id = payload.employer_id
        self.case.work_start = payload.start_date
        self.case.job_coach = payload.job_coach
        self.case.ambulant_supervision = payload.ambulant_supervision

    def on_fallback_threatened(self) -> None:
        self.case.fallback_threats += 1

    def on_fallback_meeting_held(self, payload: Any) -> None:
        self.case.fallback_meetings.append(payload.held_on)

    def on_employment_ended(self, payload: Any) -> None:
        self.case.employments_ended += 1
        self.case.last_employment_end_reason = payload.reason
        self.case.work_track = None
        self.case.employer_id = None

    def on_trajectory_completed(self, payload: Any) -> None:
        self.case.closing_reason = payload.reason

    def on_withdrawn(self, payload: Any) -> None:
        self.case.closing_reason = f"withdrawn (participation is voluntary): {payload.reason}"

    def on_consultant_assigned(self, payload: Any) -> None:
        self.case.staff[payload.role] = payload.staff_id
        self.assign_owner()

    def on_turned_28(self) -> None:
        self.case.young = False
        self.assign_owner()


def owner_role(policy: Any, case: Any) -> Any:
    """The owner (regie) of ``case`` now: from the state, the work track, the person. Policy tables, no branches
    per person; also read at the start, before any transition (a young person's screening)."""
    youth_regie = case.young and case.municipal_benefit and case.route_revision >= 1
    if youth_regie and case.state in policy.youth_regie_states:
        return policy.young_with_benefit_owner
    if case.state in policy.owner_by_state:
        return policy.owner_by_state[case.state]
    if case.work_track is not None:
        return policy.owner_by_work_track[case.work_track]
    if case.young and case.municipal_benefit:
        return policy.young_with_benefit_owner
    return policy.default_owner
