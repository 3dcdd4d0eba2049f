"""The custom search attributes that operations staff filter on in the Temporal UI."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

REGION = SearchAttributeKey.for_keyword("Region")
TRAJECTORY_STATE = SearchAttributeKey.for_keyword("TrajectoryState")
COACH_ID = SearchAttributeKey.for_keyword("CoachId")
MATCH_ATTEMPTS = SearchAttributeKey.for_int("MatchAttempts")
NEXT_DEADLINE = SearchAttributeKey.for_datetime("NextDeadline")
NEXT_DEADLINE_KIND = SearchAttributeKey.for_keyword("NextDeadlineKind")
"""What is due at ``NextDeadline``, by name (``wage_value_assessment_due``, ``supervision_fee``, …)."""

SEARCH_ATTRIBUTES = (REGION, TRAJECTORY_STATE, COACH_ID, MATCH_ATTEMPTS, NEXT_DEADLINE, NEXT_DEADLINE_KIND)
"""Registered by the run command and by the tests; values carry no personal data."""
