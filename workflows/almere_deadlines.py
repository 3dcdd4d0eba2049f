"""Almere's deadlines as data: what each step of the route to sheltered work arms, read by the engine.

Rows without an interval, or whose text depends on the case, are armed by a hook of ``workflows.almere``; the
deadlines of employment (fees, aftercare, contract renewal) are the shared schedule's (``workflows.employment``).
"""

from __future__ import annotations

from domain.deadline_rules import UWV_ADVICE, DeadlineRule, DeadlineTable, Escalate, StreamRule
from domain.records import Recipient
from workflows.employment import employment_rules

BEFORE_TRIAL = ("referred", "observation", "awaiting_advice", "seeking_placement")
"""The candidate is still in day activities: the hours build up and school leavers are discussed."""

ADVICE_OUT = ("awaiting_advice", "seeking_placement", "trial")
"""Since issue 16 a trial may start before UWV's answer, so the answer's deadline follows the candidate there."""

ADVICE_TALK = ("advice_talk", "seeking_placement", "trial")

IN_WORK = ("employed", "permanent")

ALMERE_DEADLINES = DeadlineTable(
    [
        DeadlineRule(name="observation_end", summary="observation", kind="observation_decision_due",
                     scope=("observation",)),
        DeadlineRule(name="school_leaver_meeting", summary="discuss the school leaver",
                     kind="school_leaver_meeting_due", scope=BEFORE_TRIAL),
        DeadlineRule(name="hours_recheck", summary="re-check hours", kind="hours_recheck_due",
                     after="hours_recheck_every", scope=BEFORE_TRIAL),
        UWV_ADVICE.placed(scope=ADVICE_OUT),
        DeadlineRule(name="advice_talk", summary="talk with the candidate after the advice", kind="advice_talk_due",
                     after="advice_talk_within", scope=ADVICE_TALK, when="seed_steps",
                     met_by=("advice_talk_recorded",),
                     escalate=Escalate(after="advice_talk_escalation_after", summary="advice talk overdue",
                                       kind="advice_talk_overdue")),
        DeadlineRule(name="placement_search", summary="trial placement to start", kind="placement_overdue",
                     on_enter=("seeking_placement",), after="placement_search_within",
                     escalate=Escalate(after="placement_escalation_after", summary="still no trial placement",
                                       name="placement_escalation")),
        DeadlineRule(name="wage_value_assessment", summary="wage-value assessment (week 6)",
                     kind="wage_value_assessment_due", scope=("trial",), met_by=("wage_value_assessed",)),
        DeadlineRule(name="trial_end", summary="trial", kind="trial_decision_due", scope=("trial",),
                     escalate=Escalate(after="trial_decision_grace", summary="trial decision overdue",
                                       kind="trial_decision_overdue", name="trial_decision")),
        DeadlineRule(name="contract_expiry", summary="contract ends: decision due", event="contract_expired",
                     scope=("employed",)),
        DeadlineRule(name="contract_end_decision", summary="decision on the ended contract",
                     kind="contract_end_decision_due", on_enter=("contract_ended",),
                     after="contract_end_decision_within",
                     escalate=Escalate(after="contract_end_decision_escalation_after",
                                       summary="still no decision on the ended contract",
                                       kind="contract_end_decision_overdue")),
        DeadlineRule(name="absence_follow_up", summary="call or visit about the absence", kind="absence_follow_up_due",
                     on_event="absence_reported", after="absence_follow_up_within", scope=IN_WORK,
                     when="seed_steps", met_by=("absence_followed_up", "absence_ended")),
        DeadlineRule(name="long_absence", summary="long absence: the employer's no-risk policy claim",
                     kind="no_risk_policy_claim", recipient=Recipient.EMPLOYER, scope=IN_WORK,
                     when="seed_steps", met_by=("absence_ended",)),
        DeadlineRule(name="reexamination", summary="UWV re-examination answer", kind="reexamination_overdue",
                     on_event="reexamination_requested", after="uwv_answer_within", scope=IN_WORK,
                     met_by=("reexamination_decided",),
                     escalate=Escalate(after="uwv_escalation_after", summary="UWV re-examination still missing")),
        *employment_rules(),
    ],
    streams=[
        # From the contract's start to its end while in work (since ``payment-streams``; a renewal moves the end).
        StreamRule(key="supervision_fee", rule="supervision_fee", on_event="contract_signed", payee="case.employer_id",
                   anchor="payload.start_date", end="payload.end_date", runs_in=IN_WORK),
        StreamRule(key="wage_cost_subsidy", rule="wage_cost_subsidy", on_event="contract_signed",
                   payee="case.employer_id", anchor="payload.start_date", end="payload.end_date", runs_in=IN_WORK,
                   facts=(("hours_per_week", "payload.hours_per_week"), ("wage_value_percent", "case.wage_value_percent"))),
    ],
)  # fmt: skip
