"""Oss's deadlines as data ("Van Zorg naar Werk"): what each step arms, read by the engine.

A step's deadline tells the owner (the consultant whose role owns the trajectory now) and, if nobody acted, the
team lead. Rows without an interval are armed by a hook of ``workflows.oss`` with a date computed from the case
(the school-leaving date, the birthday, the last evaluation).
"""

from __future__ import annotations

from domain.deadline_rules import UWV_ADVICE, DeadlineRule, DeadlineTable, Escalate, StreamRule
from statemachines.oss import OssRoute

OPEN_STATES = tuple(str(state.id) for state in OssRoute.states if not state.final)
"""Deadlines that run "while the trajectory runs" (youth evaluations, the 28th birthday) belong to these."""
LADDER_STATES = tuple(
    state for state in OPEN_STATES if state not in ("screening", "vso_follow_up", "awaiting_rescreening")
)
"""The participation ladder is measured while a trajectory runs towards work (not at school nor awaiting re-screening)."""
PAID = ("employed", "fallback_risk")
"""Employer payments run while in work, through a threatened fallback; ended by the end of employment or of the
trajectory."""

OSS_DEADLINES = DeadlineTable(
    [
        # At the start, after a re-screening date and when an evaluation asks for it (hooks).
        DeadlineRule(name="screening", summary="screening for work capacity", kind="screening_due",
                     after="screening_within", scope=("screening",),
                     escalate=Escalate(after="screening_escalation_after", summary="screening still not done",
                                       kind="screening_overdue")),
        DeadlineRule(name="youth_evaluation", summary="youth evaluation", kind="youth_evaluation_due",
                     scope=OPEN_STATES, every_months="youth_evaluation_every_months", met_by=("turned_28",),
                     escalate=Escalate(after="youth_evaluation_escalation_after", summary="youth evaluation missed",
                                       kind="youth_evaluation_overdue")),
        DeadlineRule(name="turns_28", summary="age-related change of owner", event="turned_28", scope=OPEN_STATES,
                     private=True),
        DeadlineRule(name="vso_assessment", summary="VSO assessment (end of the last school year)",
                     kind="vso_assessment_due", scope=("vso_follow_up",),
                     escalate=Escalate(after="vso_assessment_notice", summary="pupil left school without assessment",
                                       kind="vso_assessment_overdue")),
        DeadlineRule(name="plan", summary="personal plan with goals", kind="plan_due",
                     on_enter=("planning", "day_programme"), after="plan_within",
                     escalate=Escalate(after="plan_escalation_after", summary="still no personal plan",
                                       kind="plan_overdue")),
        UWV_ADVICE.placed(on_enter=("awaiting_advice",)),
        DeadlineRule(name="placement_search", summary="placed in paid work", kind="placement_search_due",
                     on_enter=("job_search",), after="placement_search_within", when="seed_steps",
                     escalate=Escalate(after="placement_search_escalation_after",
                                       summary="candidate still not placed", kind="placement_search_overdue")),
        DeadlineRule(name="rescreening", summary="screening again for work capacity", event="rescreening_due",
                     scope=("awaiting_rescreening",)),
        DeadlineRule(name="ladder_measurement", summary="participation ladder measurement", kind="ladder_measurement_due",
                     scope=LADDER_STATES, every_months="ladder_measurement_every_months", when="seed_steps"),
        DeadlineRule(name="fallback_meeting", summary="fallback meeting", kind="fallback_meeting_overdue",
                     on_enter=("fallback_risk",), after="fallback_meeting_within",
                     escalate=Escalate(after="fallback_meeting_escalation_after",
                                       summary="fallback meeting still not held")),
    ],
    streams=[
        # On the sheltered track (``paid_work_track``) the employer gets the supervision fee and, with contract hours
        # and a wage value, the wage-cost subsidy (seed 001).
        StreamRule(key="supervision_fee", rule="supervision_fee", on_event="work_started", payee="payload.employer_id",
                   anchor="payload.start_date", runs_in=PAID, when="paid_work_track"),
        StreamRule(key="wage_cost_subsidy", rule="wage_cost_subsidy", on_event="work_started",
                   payee="payload.employer_id", anchor="payload.start_date", runs_in=PAID, when="paid_work_track",
                   facts=(("hours_per_week", "payload.hours_per_week"),
                          ("wage_value_percent", "payload.wage_value_percent")),
                   needs=("payload.hours_per_week", "payload.wage_value_percent")),
    ],
)  # fmt: skip
