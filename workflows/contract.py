"""The contract every backend, the API, the CLI and operations rely on: workflow IDs and search attributes.

Pure names and one constructor; nothing here runs inside a workflow's logic, so it may be imported from
anywhere (the front-ends, activities, tests) without pulling in the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

if TYPE_CHECKING:
    from domain.start import TrajectoryStart

REGION = SearchAttributeKey.for_keyword("Region")
TRAJECTORY_STATE = SearchAttributeKey.for_keyword("TrajectoryState")
COACH_ID = SearchAttributeKey.for_keyword("CoachId")
MATCH_ATTEMPTS = SearchAttributeKey.for_int("MatchAttempts")
NEXT_DEADLINE = SearchAttributeKey.for_datetime("NextDeadline")
NEXT_DEADLINE_KIND = SearchAttributeKey.for_keyword("NextDeadlineKind")
"""What is due at ``NextDeadline``, by name (``wage_value_assessment_due``, ``supervision_fee``, …)."""

SEARCH_ATTRIBUTES = (REGION, TRAJECTORY_STATE, COACH_ID, MATCH_ATTEMPTS, NEXT_DEADLINE, NEXT_DEADLINE_KIND)
"""The custom search attributes operations staff filter on in the Temporal UI; registered by the run command and
by the tests; values carry no personal data."""

TRAJECTORY_CLOSED = "TrajectoryClosed"
"""The validator's error type for an event sent to a closed trajectory that has not completed yet."""
EVENT_NOT_ENCRYPTED = "EventNotEncrypted"
"""The validator's error type for an event that arrived in plain text (not through the encryption codec)."""
START_NOT_ENCRYPTED = "StartNotEncrypted"
"""The failure a trajectory ends with at once when its start input arrived in plain text (patch
``encrypted-starts``): a client without the payload key reached Temporal directly."""
EVENT_EXPIRED = "EventExpired"
"""The validator's error type for an event a worker took after its ``Submission`` expired."""


def workflow_id_for(region: str, trajectory_id: str) -> str:
    """The contract's workflow ID: ``trajectory-<region>-<trajectory_id>``."""
    return f"trajectory-{region}-{trajectory_id}"


def initial_search_attributes(region: str, start: TrajectoryStart, state: str) -> TypedSearchAttributes:
    """What a starter sets at once, so the UI can filter a trajectory before its first workflow task."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(REGION, region),
            SearchAttributePair(TRAJECTORY_STATE, state),
            SearchAttributePair(COACH_ID, start.coach_id),
            SearchAttributePair(MATCH_ATTEMPTS, 0),
        ]
    )
