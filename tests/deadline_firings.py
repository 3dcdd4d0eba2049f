"""The firing registry: for every deadline a route's table can open (escalations included), the test that drives it
to its due moment on the time-skipping server and asserts what it does at its exact virtual time.

``tests/test_deadline_tables.py`` checks that every deadline of every table is here, that the test exists and that
it names what the deadline sends (its notification kind, or its internal event). A new row in a table needs a row
here, and so a firing test.
"""

from __future__ import annotations

ALMERE_TIMERS = "tests/test_almere_timers.py"
ALMERE_STEPS = "tests/test_almere_seed_steps.py"
ALMERE_EMPLOYMENT = "tests/test_almere_employment.py"
AMSTERDAM = "tests/test_amsterdam.py"
OSS = "tests/test_oss.py"
OSS_STEPS = "tests/test_oss_seed_steps.py"
NIJMEGEN = "tests/test_rijk_van_nijmegen.py"
NIJMEGEN_STEPS = "tests/test_rijk_van_nijmegen_seed_steps.py"
TABLE_STEPS = "tests/test_table_steps_fire.py::test_a_step_is_due_to_the_owner_then_overdue_to_the_team_lead"
AMSTERDAM_CONTRACT = (
    "tests/test_table_steps_fire.py::test_an_amsterdam_contract_s_renewal_is_due_then_its_end_escalated"
)

FIRINGS: dict[str, dict[str, str]] = {
    "almere": {
        "observation_end": f"{ALMERE_TIMERS}::test_observation_period_ends_with_a_decision_due",
        "school_leaver_meeting": f"{ALMERE_STEPS}::test_a_school_leaver_is_discussed_months_before_leaving_school",
        "hours_recheck": f"{ALMERE_STEPS}::test_hours_build_up_to_28_is_rechecked_until_reached",
        "uwv_advice": f"{ALMERE_TIMERS}::test_silence_escalates_to_coach_then_team_lead",
        "uwv_advice_escalation": f"{ALMERE_TIMERS}::test_silence_escalates_to_coach_then_team_lead",
        "advice_talk": f"{ALMERE_STEPS}::test_a_negative_advice_closes_only_after_the_talk_or_escalates",
        "advice_talk_escalation": f"{ALMERE_STEPS}::test_a_negative_advice_closes_only_after_the_talk_or_escalates",
        "placement_search": f"{ALMERE_TIMERS}::test_silence_escalates_to_coach_then_team_lead",
        "placement_escalation": f"{ALMERE_TIMERS}::test_silence_escalates_to_coach_then_team_lead",
        "wage_value_assessment": f"{ALMERE_TIMERS}::test_trial_week_six_end_and_overdue_decision",
        "trial_end": f"{ALMERE_TIMERS}::test_trial_week_six_end_and_overdue_decision",
        "trial_decision": f"{ALMERE_TIMERS}::test_trial_week_six_end_and_overdue_decision",
        "contract_expiry": "tests/test_payments_almere.py::"
        "test_an_unrenewed_contract_pays_up_to_its_end_date_then_puts_a_decision_to_the_coach",
        "contract_end_decision": "tests/test_payments_almere.py::"
        "test_an_unrenewed_contract_pays_up_to_its_end_date_then_puts_a_decision_to_the_coach",
        "contract_end_decision_escalation": "tests/test_payments_almere.py::"
        "test_an_unrenewed_contract_pays_up_to_its_end_date_then_puts_a_decision_to_the_coach",
        "absence_follow_up": f"{ALMERE_STEPS}::test_absence_is_followed_up_and_a_long_one_reaches_the_employer",
        "long_absence": f"{ALMERE_STEPS}::test_absence_is_followed_up_and_a_long_one_reaches_the_employer",
        "reexamination": f"{ALMERE_STEPS}::test_reexamination_for_regular_work_is_chased_and_ends_the_placement",
        "reexamination_escalation": f"{ALMERE_STEPS}::test_reexamination_for_regular_work_is_chased_and_ends_the_placement",
        "contract_renewal": f"{ALMERE_EMPLOYMENT}::test_contract_renewal_due_six_weeks_before_the_end_then_escalated",
        "contract_end": f"{ALMERE_EMPLOYMENT}::test_contract_renewal_due_six_weeks_before_the_end_then_escalated",
        "aftercare_visit": f"{ALMERE_EMPLOYMENT}::test_aftercare_visit_due_every_six_months_and_reset_by_a_visit",
        "permanent_hire": f"{ALMERE_EMPLOYMENT}::test_permanent_hire_due_before_two_years_and_escalated_at_two_years",
        "permanent_hire_deadline": f"{ALMERE_EMPLOYMENT}::"
        "test_permanent_hire_due_before_two_years_and_escalated_at_two_years",
    },
    "amsterdam": {
        "check_in": f"{AMSTERDAM}::test_quarterly_check_ins_over_two_years",
        "internship_end": f"{AMSTERDAM}::test_internship_timer_then_escalation",
        "outflow_decision": f"{AMSTERDAM}::test_internship_timer_then_escalation",
        "uwv_advice": f"{AMSTERDAM}::test_outflow_sheltered_goes_through_uwv_and_wage_value",
        "uwv_advice_escalation": f"{AMSTERDAM}::test_outflow_sheltered_goes_through_uwv_and_wage_value",
        "wage_value_assessment": f"{AMSTERDAM}::test_outflow_sheltered_goes_through_uwv_and_wage_value",
        "follow_up_end": "tests/test_amsterdam_seed_steps.py::"
        "test_a_durable_placement_is_followed_then_closed_by_the_consultant",
        "follow_up_end_escalation": "tests/test_amsterdam_seed_steps.py::"
        "test_a_durable_placement_is_followed_then_closed_by_the_consultant",
        "fallback_decision": f"{AMSTERDAM}::test_fallback_is_an_explicit_escalated_decision",
        "contract_renewal": AMSTERDAM_CONTRACT,
        "contract_end": AMSTERDAM_CONTRACT,
    },
    "oss": {
        "screening": f"{OSS}::test_screening_deadline_notifies_the_wmo_consultant_then_the_team_lead",
        "screening_escalation": f"{OSS}::test_screening_deadline_notifies_the_wmo_consultant_then_the_team_lead",
        "youth_evaluation": f"{OSS}::test_youth_evaluations_every_six_months_escalate_when_missed",
        "youth_evaluation_escalation": f"{OSS}::test_youth_evaluations_every_six_months_escalate_when_missed",
        "turns_28": f"{OSS}::test_turning_28_hands_the_trajectory_to_the_work_consultant",
        "vso_assessment": f"{OSS}::test_vso_pupil_is_assessed_at_the_end_of_the_last_school_year",
        "vso_assessment_escalation": f"{OSS}::test_vso_pupil_is_assessed_at_the_end_of_the_last_school_year",
        "plan": f"{OSS}::test_plan_and_uwv_advice_deadlines_escalate_and_withdrawal_closes",
        "plan_escalation": f"{OSS}::test_plan_and_uwv_advice_deadlines_escalate_and_withdrawal_closes",
        "uwv_advice": f"{OSS}::test_plan_and_uwv_advice_deadlines_escalate_and_withdrawal_closes",
        "uwv_advice_escalation": f"{OSS}::test_plan_and_uwv_advice_deadlines_escalate_and_withdrawal_closes",
        "placement_search": f"{OSS_STEPS}::test_after_a_positive_advice_the_arbeidsdeskundige_follows_until_placed",
        "placement_search_escalation": f"{OSS_STEPS}::"
        "test_after_a_positive_advice_the_arbeidsdeskundige_follows_until_placed",
        "rescreening": f"{OSS_STEPS}::test_an_adult_without_capacity_waits_for_a_listed_rescreening",
        "ladder_measurement": f"{OSS_STEPS}::test_the_ladder_has_a_baseline_and_a_measurement_every_six_months",
        "fallback_meeting": f"{OSS}::test_threat_of_fallback_meeting_and_return_to_a_day_programme",
        "fallback_meeting_escalation": f"{OSS}::test_threat_of_fallback_meeting_and_return_to_a_day_programme",
    },
    "rijk-van-nijmegen": {
        "school_meeting_join": f"{NIJMEGEN}::test_school_leaver_consultant_joins_6_to_12_months_before_the_diploma",
        "school_meeting_join_latest": f"{NIJMEGEN}::test_school_leaver_consultant_joins_6_to_12_months_before_the_diploma",
        "school_meeting_join_latest_escalation": f"{NIJMEGEN}::"
        "test_school_leaver_consultant_joins_6_to_12_months_before_the_diploma",
        "benefit_check": f"{NIJMEGEN_STEPS}::test_school_leaver_benefit_check_is_due_before_the_diploma_and_escalates",
        "benefit_check_escalation": f"{NIJMEGEN_STEPS}::"
        "test_school_leaver_benefit_check_is_due_before_the_diploma_and_escalates",
        "case_meeting": f"{NIJMEGEN}::test_case_meeting_due_and_escalated",
        "case_meeting_escalation": f"{NIJMEGEN}::test_case_meeting_due_and_escalated",
        "plan_of_approach": TABLE_STEPS,
        "plan_of_approach_escalation": TABLE_STEPS,
        "plan_advice": TABLE_STEPS,
        "plan_advice_escalation": TABLE_STEPS,
        "progress_review": f"{NIJMEGEN}::test_arrangement_end_asks_for_evaluation_and_escalates",
        "wage_value_measurement": f"{NIJMEGEN_STEPS}::test_wage_value_is_measured_every_three_months_and_kept_dated",
        "arrangement_end": f"{NIJMEGEN}::test_arrangement_end_asks_for_evaluation_and_escalates",
        "arrangement_end_escalation": f"{NIJMEGEN}::test_arrangement_end_asks_for_evaluation_and_escalates",
        "pause_review": f"{NIJMEGEN}::test_a_long_pause_is_reviewed",
        "uwv_advice": f"{NIJMEGEN_STEPS}::test_sheltered_work_asks_uwv_before_placement_and_escalates",
        "uwv_advice_escalation": f"{NIJMEGEN_STEPS}::test_sheltered_work_asks_uwv_before_placement_and_escalates",
        "work_step": TABLE_STEPS,
        "work_step_escalation": TABLE_STEPS,
        "work_step_review": TABLE_STEPS,
        "work_step_review_escalation": TABLE_STEPS,
        "job_coach_check": f"{NIJMEGEN}::test_one_leg_in_each_then_a_job_coach_takes_over",
        "fallback_decision": f"{NIJMEGEN}::test_fallback_decision_is_due_and_escalated",
        "fallback_decision_escalation": f"{NIJMEGEN}::test_fallback_decision_is_due_and_escalated",
    },
}
