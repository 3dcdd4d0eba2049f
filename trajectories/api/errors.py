"""Typed error bodies, and how a problem (:mod:`trajectories.problems`: Temporal's and pydantic's exceptions in the
contract's terms, shared with the CLI) becomes an HTTP status.

Every error is ``{"error": <type>, "message": ..., [allowed_events], [fields], [detail]}`` so a backend in
any language can branch on ``error`` and show ``message``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from trajectories import problems
from trajectories.client import TrajectoryClosed
from trajectories.problems import Kind, Problem

logger = logging.getLogger("trajectories.api")


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: str = Field(description="Machine-readable type, e.g. EventNotAllowed, InvalidInput, TrajectoryNotFound.")
    message: str = Field(description="What went wrong, naming the fields or the allowed events.")
    allowed_events: list[str] | None = Field(default=None, description="EventNotAllowed: what may be sent now.")
    fields: list[str] | None = Field(default=None, description="InvalidInput/EventInvalid: the offending fields.")
    detail: list[dict[str, Any]] | None = Field(default=None, description="InvalidInput: pydantic's errors.")


class ApiError(Exception):
    """An error with its status and body; raised by routes and produced from Temporal's exceptions."""

    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    headers: dict[str, str] | None = None

    def __init__(self, error: str, message: str, **extra: Any):
        super().__init__(message)
        self.body = ErrorBody(error=error, message=message, **extra)


class Unauthorized(ApiError):
    status_code = status.HTTP_401_UNAUTHORIZED
    headers = {"WWW-Authenticate": "Bearer"}

    def __init__(self, message: str):
        super().__init__("Unauthorized", message)


class NotFound(ApiError):
    status_code = status.HTTP_404_NOT_FOUND


class Conflict(ApiError):
    status_code = status.HTTP_409_CONFLICT


class Unprocessable(ApiError):
    status_code = status.HTTP_422_UNPROCESSABLE_CONTENT


class UnsupportedMediaType(ApiError):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE


RETRY_AFTER_SECONDS = 5
"""What a 503 tells a backend to wait before it retries (``Retry-After``)."""


class Unavailable(ApiError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE

    def __init__(
        self,
        error: str = "TemporalUnavailable",
        message: str = "Temporal is unreachable; try again later",
        retry_after: int = RETRY_AFTER_SECONDS,
    ):
        super().__init__(error, message)
        self.headers = {"Retry-After": str(retry_after)}


class Forbidden(ApiError):
    """The client is authenticated but lacks the route's scope or the region (names which)."""

    status_code = status.HTTP_403_FORBIDDEN

    def __init__(self, message: str, **extra: Any):
        super().__init__("Forbidden", message, **extra)


class TooManyRequests(ApiError):
    """Too many failed sign-ins from one address within a minute."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, message: str, retry_after: int):
        super().__init__("TooManySignInFailures", message)
        self.headers = {"Retry-After": str(retry_after)}


class PayloadTooLarge(ApiError):
    status_code = status.HTTP_413_CONTENT_TOO_LARGE

    def __init__(self, message: str):
        super().__init__("PayloadTooLarge", message)


class TimedOut(ApiError):
    status_code = status.HTTP_504_GATEWAY_TIMEOUT


STATUS_FOR_KIND: dict[Kind, type[ApiError]] = {
    Kind.REFUSED: Conflict,
    Kind.INVALID: Unprocessable,
    Kind.NOT_FOUND: NotFound,
    Kind.UNAVAILABLE: Unavailable,
    Kind.TIMED_OUT: TimedOut,
}


RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in {
        401: "Missing or invalid bearer token",
        403: "Forbidden: the client lacks the route's scope or the region (`message` names it)",
        413: "PayloadTooLarge: the body exceeds 64 KiB",
        429: "TooManySignInFailures: too many invalid tokens from this address; see `Retry-After`",
        404: "Unknown region or trajectory",
        422: "Invalid input; `fields` names them",
        503: "TemporalUnavailable or WorkerUnavailable; retry after `Retry-After` seconds",
    }.items()
}
"""Error responses every route can give, for the OpenAPI document."""


def from_problem(problem: Problem) -> ApiError:
    """The API's response for a problem in the contract's terms (:mod:`trajectories.problems`, shared with the CLI)."""
    if problem.kind is Kind.UNAVAILABLE:
        return Unavailable(problem.error, problem.message)
    extra = {"allowed_events": problem.allowed_events, "fields": problem.fields, "detail": problem.detail}
    return STATUS_FOR_KIND[problem.kind](problem.error, problem.message, **extra)


def invalid_input(errors: list[dict[str, Any]]) -> ApiError:
    return from_problem(problems.invalid_input(errors))


def _is_json(content_type: str) -> bool:
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def body_not_json(content_type: str | None, errors: list[dict[str, Any]]) -> ApiError | None:
    """A body that is not JSON at all, said as such rather than as a field error ("field '32': JSON decode
    error" named the character offset as if it were a field): 422 ``InvalidJson`` with the position, or
    415 ``UnsupportedMediaType`` when the body was sent as something else or untyped (FastAPI reads a body as
    JSON only with a JSON Content-Type; curl's ``-d`` sends a form)."""
    for item in errors:
        if item.get("type") == "json_invalid":
            location = list(item.get("loc") or [])
            position = location[1] if len(location) > 1 and isinstance(location[1], int) else None
            reason = str((item.get("ctx") or {}).get("error") or "decode error")
            where = f" at character {position} (counted from 0)" if position is not None else ""
            return Unprocessable(
                "InvalidJson", f"the request body is not valid JSON: {reason}{where}", fields=["(body)"]
            )
    if not _is_json(content_type or "") and any(list(item.get("loc") or [])[:1] == ["body"] for item in errors):
        sent = f"not {content_type!r}" if content_type else "no Content-Type was sent"
        return UnsupportedMediaType(
            "UnsupportedMediaType", f"the request body must be JSON sent with 'Content-Type: application/json' ({sent})"
        )
    return None


def from_temporal(error: Exception) -> ApiError | None:
    """Temporal's exceptions that have a meaning for the caller; ``None`` for the rest (a 500)."""
    problem = problems.from_temporal(error)
    return None if problem is None else from_problem(problem)


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into :class:`ErrorBody` responses."""

    def respond(error: ApiError) -> JSONResponse:
        return JSONResponse(
            error.body.model_dump(exclude_none=True), status_code=error.status_code, headers=error.headers
        )

    async def api_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ApiError)
        return respond(error)

    async def request_invalid(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        errors = list(error.errors())
        return respond(body_not_json(request.headers.get("content-type"), errors) or invalid_input(errors))

    async def temporal_error(request: Request, error: Exception) -> JSONResponse:
        translated = from_temporal(error)
        if translated is None:
            status_name = getattr(getattr(error, "status", None), "name", "")
            logger.error("%s %s failed: %s %s", request.method, request.url.path, type(error).__name__, status_name)
            translated = ApiError("InternalError", "internal error; see the API's log")
        elif isinstance(translated, Unavailable):
            logger.warning("%s: %s", translated.body.error, error)
        return respond(translated)

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, request_invalid)
    for kind in (RPCError, WorkflowUpdateFailedError, WorkflowAlreadyStartedError, TrajectoryClosed, RuntimeError):
        app.add_exception_handler(kind, temporal_error)
