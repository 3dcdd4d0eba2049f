"""Amsterdam's deadlines as data: what each step of the route from day activities into work arms.

Rows without an interval, or whose text depends on the case, are armed by a hook of ``workflows.amsterdam``;
employment's rows (contract renewal; Amsterdam's policy has no aftercare visits nor permanent-hire mark) are the
shared schedule's (``workflows.employment``).
"""

from __future__ import annotations

from domain.deadline_rules import UWV_ADVICE, DeadlineRule, DeadlineTable, Escalate
from domain.records import Recipient
from statemachines.amsterdam import AmsterdamRoute
from workflows.employment import employment_rules

OPEN_STATES = tuple(str(state.id) for state in AmsterdamRoute.states if not state.final)
"""The quarterly check-in runs for as long as the trajectory does."""

IN_WORK = ("employed", "fallback_review", "follow_up")
"""Employment (fees, contract) runs on while the consultant decides on a reported fallback, and through the
durable placement's follow-up period."""

AMSTERDAM_DEADLINES = DeadlineTable(
    [
        DeadlineRule(name="check_in", summary="consultant check-in", kind="check_in_due", scope=OPEN_STATES,
                     after_months="check_in_every_months", every_months="check_in_every_months"),
        DeadlineRule(name="internship_end", summary="learning-work internship", kind="outflow_decision_due",
                     scope=("internship",),
                     escalate=Escalate(after="outflow_decision_grace", summary="outflow decision overdue",
                                       kind="outflow_decision_overdue", name="outflow_decision")),
        UWV_ADVICE.placed(on_enter=("awaiting_advice",)),
        DeadlineRule(name="wage_value_assessment", summary="wage-value assessment",
                     kind="wage_value_assessment_overdue", after="wage_value_assessment_within",
                     scope=("awaiting_advice", "seeking_work"), met_by=("wage_value_assessed",)),
        DeadlineRule(name="follow_up_end", summary="follow-up period over", kind="follow_up_closing_due",
                     scope=("follow_up", "fallback_review"),
                     escalate=Escalate(after="follow_up_closing_grace", summary="follow-up closing overdue")),
        DeadlineRule(name="fallback_decision", summary="fallback decision", kind="fallback_decision_overdue",
                     recipient=Recipient.TEAM_LEAD, on_enter=("fallback_review",), after="fallback_decision_within"),
        *employment_rules(IN_WORK, IN_WORK, aftercare=False, permanent_hire=False),
    ]
)  # fmt: skip
