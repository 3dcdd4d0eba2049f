"""Rijk van Nijmegen's deadlines as data ("Op weg naar werk"): what each step arms, read by the engine.

Every overdue step goes to the owner, then (``escalation_after`` later) to the team lead, unless a row says
otherwise. Rows without an interval are armed by a hook of ``workflows.rijk_van_nijmegen`` with a computed date.
"""

from __future__ import annotations

from domain.deadline_rules import UWV_ADVICE, DeadlineRule, DeadlineTable, Escalate
from domain.records import Recipient
from statemachines.rijk_van_nijmegen import RijkVanNijmegenRoute

ARRANGEMENT = ("development", "paused")
"""The states a development arrangement's deadlines belong to: a pause keeps them, with their clock stopped."""
OPEN_STATES = tuple(str(state.id) for state in RijkVanNijmegenRoute.states if not state.final)


def overdue(kind: str, after: str = "escalation_after") -> Escalate:
    """The team lead is told ``kind`` when nobody acted ``after`` past the owner's deadline."""
    return Escalate(after=after, summary="{summary}: overdue", kind=kind)


def step(name: str, state: str, within: str, summary: str, **rule: object) -> DeadlineRule:
    """A step of the route: on entering ``state`` the owner has ``within`` to do it, then it is escalated."""
    return DeadlineRule(
        name=name, summary=summary, kind=f"{name}_due", on_enter=(state,), after=within,
        escalate=overdue(f"{name}_overdue"), **rule,  # type: ignore[arg-type]
    )  # fmt: skip


RIJK_VAN_NIJMEGEN_DEADLINES = DeadlineTable(
    [
        # The consultant joins the school meeting 6–12 months before the diploma (dates from the diploma: hook).
        DeadlineRule(name="school_meeting_join", summary="join the school meeting", kind="school_meeting_join_due",
                     scope=("school_meeting",)),
        DeadlineRule(name="school_meeting_join_latest", summary="school meeting joined at the latest",
                     kind="school_meeting_join_overdue", scope=("school_meeting",),
                     escalate=overdue("school_meeting_join_overdue")),
        DeadlineRule(name="benefit_check", summary="youth team: can a benefit be applied for?", kind="benefit_check_due",
                     recipient=Recipient.YOUTH_TEAM, scope=OPEN_STATES, when="seed_steps",
                     met_by=("benefit_check_completed",), escalate=overdue("benefit_check_overdue")),
        step("case_meeting", "awaiting_case_meeting", "case_meeting_within", "case meeting of three consultants"),
        step("plan_of_approach", "plan_of_approach", "plan_of_approach_within",
             "plan of approach from provider and candidate"),
        step("plan_advice", "plan_advice", "plan_advice_within", "WerkBedrijf's advice on the plan of approach"),
        # The arrangement's own calendar (from its start and planned end: hooks).
        DeadlineRule(name="progress_review", summary="progress review of the arrangement", kind="progress_review_due",
                     scope=ARRANGEMENT),
        DeadlineRule(name="wage_value_measurement", summary="wage-value measurement",
                     kind="wage_value_measurement_due", scope=ARRANGEMENT, when="seed_steps",
                     every_months="wage_value_measurement_every_months"),
        DeadlineRule(name="arrangement_end", summary="arrangement ends: evaluation", kind="evaluation_due",
                     scope=ARRANGEMENT, escalate=overdue("evaluation_overdue", after="evaluation_grace")),
        DeadlineRule(name="pause_review", summary="pause to be reviewed", kind="pause_review_due",
                     on_event="arrangement_paused", after="max_pause", scope=("paused",)),
        UWV_ADVICE.placed(on_enter=("awaiting_advice",)),
        step("work_step", "seeking_work", "placement_search_within", "trial place, learning workplace or contract"),
        step("work_step_review", "one_leg_in_each", "work_step_review_after", "is the step to work complete?"),
        DeadlineRule(name="job_coach_check", summary="job coach check-in", kind="job_coach_check_due",
                     on_enter=("in_work",), after_months="job_coach_check_every_months",
                     every_months="job_coach_check_every_months"),
        DeadlineRule(name="fallback_decision", summary="fallback decision", kind="fallback_decision_due",
                     on_event="fell_back", after="fallback_decision_within", scope=("fallback",),
                     escalate=overdue("fallback_decision_overdue")),
    ]
)  # fmt: skip
