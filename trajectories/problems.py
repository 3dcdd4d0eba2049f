"""What went wrong, in the contract's terms: one interpretation of Temporal's and pydantic's errors that the HTTP
API and the CLI both present (a status and a JSON body; an exit code and a line on stderr).

No web framework here: the CLI imports this, not the API's error module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.errors import ErrorCode
from trajectories.client import TrajectoryClosed


class Kind(Enum):
    """How a caller should take the problem (the API's status class, the CLI's exit code)."""

    REFUSED = "refused"
    """Not allowed now, a duplicate, closed (HTTP 409)."""
    INVALID = "invalid"
    """The input is wrong; sending it again will not help (HTTP 422)."""
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"
    """Temporal or a worker cannot be reached; try again later (HTTP 503)."""
    TIMED_OUT = "timed_out"
    """Temporal did not answer in time (HTTP 504)."""


@dataclass
class Problem:
    """One refusal or failure, with what the caller needs to act on it."""

    error: str
    """An :class:`~domain.errors.ErrorCode` value (a route's own refusal type passes through as it came)."""
    message: str
    kind: Kind
    allowed_events: list[str] | None = None
    fields: list[str] | None = None
    detail: list[dict[str, Any]] | None = field(default=None)


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    """``("body", "participant", "age_band")`` → ``participant.age_band``; query/path parameters by name."""
    parts = [str(part) for part in location]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
    return ".".join(parts) or "(body)"


def _message(item: dict[str, Any]) -> str:
    return str(item["msg"]).removeprefix("Value error, ")  # pydantic's prefix for a validator's own message


def invalid_input(errors: list[dict[str, Any]]) -> Problem:
    """pydantic's errors as one ``InvalidInput`` naming each field."""
    fields = [_field_name(item["loc"]) for item in errors]
    message = "; ".join(f"field '{name}': {_message(item)}" for name, item in zip(fields, errors, strict=True))
    detail = [{"loc": list(item["loc"]), "msg": _message(item), "type": item["type"]} for item in errors]
    return Problem(ErrorCode.INVALID_INPUT, message, Kind.INVALID, fields=list(dict.fromkeys(fields)), detail=detail)


def from_rejected_event(error: WorkflowUpdateFailedError) -> Problem:
    """The Update validator's ApplicationError: not allowed now (refused), invalid or unknown (invalid)."""
    cause = error.cause
    if not isinstance(cause, ApplicationError):
        return Problem(ErrorCode.EVENT_REJECTED, str(cause or error), Kind.REFUSED)
    details = cause.details[0] if cause.details and isinstance(cause.details[0], dict) else {}
    allowed = list(details.get("allowed_events") or [])
    if cause.type == ErrorCode.EVENT_NOT_ALLOWED:
        return Problem(ErrorCode.EVENT_NOT_ALLOWED, cause.message, Kind.REFUSED, allowed_events=allowed)
    if cause.type == ErrorCode.EVENT_INVALID:
        return Problem(ErrorCode.EVENT_INVALID, cause.message, Kind.INVALID, fields=list(details.get("fields") or []))
    if cause.type == ErrorCode.EVENT_UNKNOWN:
        return Problem(ErrorCode.EVENT_UNKNOWN, cause.message, Kind.INVALID, fields=["event"], allowed_events=allowed)
    return Problem(cause.type or ErrorCode.EVENT_REJECTED, cause.message, Kind.REFUSED)


def from_temporal(error: Exception) -> Problem | None:
    """Temporal's exceptions that have a meaning for the caller; ``None`` for the rest (an internal error)."""
    if isinstance(error, WorkflowUpdateFailedError):
        return from_rejected_event(error)
    if isinstance(error, TrajectoryClosed):
        return Problem(
            ErrorCode.TRAJECTORY_CLOSED,
            "the trajectory is closed: no event is allowed",
            Kind.REFUSED,
            allowed_events=[],
        )
    if isinstance(error, WorkflowAlreadyStartedError):
        return Problem(
            ErrorCode.TRAJECTORY_ALREADY_STARTED,
            "a trajectory with this id was already started in this region (ids are never reused)",
            Kind.REFUSED,
        )
    if isinstance(error, RPCError):
        if error.status == RPCStatusCode.NOT_FOUND:
            return Problem(ErrorCode.TRAJECTORY_NOT_FOUND, "no trajectory with this id in this region", Kind.NOT_FOUND)
        if error.status == RPCStatusCode.UNAVAILABLE:
            return unavailable()
        if error.status == RPCStatusCode.FAILED_PRECONDITION and "poller" in error.message:
            return Problem(
                ErrorCode.WORKER_UNAVAILABLE, f"no worker answers for this trajectory now: {error.message}",
                Kind.UNAVAILABLE,
            )  # fmt: skip
        if error.status in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):  # server's or our timeout
            return Problem(
                ErrorCode.TEMPORAL_TIMEOUT, "Temporal did not answer in time (is a worker running?)", Kind.TIMED_OUT
            )
    if isinstance(error, RuntimeError) and str(error).startswith("Failed client connect"):
        return unavailable()  # a lazy client that still cannot reach the server
    return None


def unavailable() -> Problem:
    return Problem(ErrorCode.TEMPORAL_UNAVAILABLE, "Temporal is unreachable; try again later", Kind.UNAVAILABLE)
