"""The error types of the contract: one enum the workflows, the API and the CLI share.

A caller branches on these names (the API's ``{"error": …}``, the CLI's ``error (…)`` line, the Update
validator's ``ApplicationError.type``); the message says what went wrong in words. Pure names, no I/O.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Every error type a caller may see. The value is the wire name (unchanged since the first API)."""

    EVENT_NOT_ALLOWED = "EventNotAllowed"
    """The event is valid but not allowed in the trajectory's state now; ``allowed_events`` says what is."""
    EVENT_INVALID = "EventInvalid"
    """The event's fields are wrong; ``fields`` names them."""
    EVENT_UNKNOWN = "EventUnknown"
    """No such event in the region's catalogue."""
    EVENT_REJECTED = "EventRejected"
    """The trajectory refused the event for another reason (the message says which)."""
    TRAJECTORY_CLOSED = "TrajectoryClosed"
    TRAJECTORY_ALREADY_STARTED = "TrajectoryAlreadyStarted"
    TRAJECTORY_NOT_FOUND = "TrajectoryNotFound"
    REGION_NOT_FOUND = "RegionNotFound"
    HANDOVER_ALREADY_STARTED = "HandoverAlreadyStarted"
    HANDOVER_NOT_FOUND = "HandoverNotFound"
    ABSENCE_NOT_FOUND = "AbsenceNotFound"
    FEED_NOT_FOUND = "FeedNotFound"
    AUDIT_CHAIN_BROKEN = "AuditChainBroken"
    """``trajectories audit verify`` found a trajectory whose audit rows do not chain."""
    INVALID_INPUT = "InvalidInput"
    """Input refused before it reached Temporal; ``fields`` names the offending fields."""
    INVALID_JSON = "InvalidJson"
    INVALID_UNICODE = "InvalidUnicode"
    TOO_DEEPLY_NESTED = "TooDeeplyNested"
    UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType"
    UNAUTHORIZED = "Unauthorized"
    FORBIDDEN = "Forbidden"
    """Authenticated, but the client lacks the route's scope or the region (the message names which)."""
    TOO_MANY_SIGN_IN_FAILURES = "TooManySignInFailures"
    PAYLOAD_TOO_LARGE = "PayloadTooLarge"
    TEMPORAL_UNAVAILABLE = "TemporalUnavailable"
    WORKER_UNAVAILABLE = "WorkerUnavailable"
    TEMPORAL_TIMEOUT = "TemporalTimeout"
    CONFIGURATION = "Configuration"
    INVALID_WORKFLOW_ID = "InvalidWorkflowId"
    """A workflow started under an id that is not ``trajectory-<region>-<trajectory_id>`` (fails the run)."""
    INVALID_START = "InvalidStart"
    """A start input the route cannot take (fails the run; the API and CLI refuse it before it gets there)."""
    INTERNAL_ERROR = "InternalError"
