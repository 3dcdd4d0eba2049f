"""What a trajectory admits: its start and each event, checked before anything of them enters history.

A start must arrive encrypted with a payload key the worker knows (patch ``encrypted-starts``); an event must
too, and must be one the route allows now, with valid fields, not expired on its way (the API's submission), and
not a retry of one an earlier run already applied (patch ``events-once-across-runs``: Temporal answers a repeated
Update ID within a run itself, not across continue-as-new). A refusal is a typed ``ApplicationError`` naming the
reason, the allowed events and the fields, which the API and CLI read through ``domain.errors``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from temporalio import workflow
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError

from workflows.contract import EVENT_EXPIRED, EVENT_NOT_ENCRYPTED, START_NOT_ENCRYPTED, TRAJECTORY_CLOSED
from workflows.patches import ENCRYPTED_STARTS_PATCH

with workflow.unsafe.imports_passed_through():
    from domain.continuation import TrajectoryInput
    from domain.events import EventBase, EventContext, EventRejected
    from domain.submission import SUBMISSION_FIELD, Submission, was_encrypted

if TYPE_CHECKING:
    from workflows.state import Engine

REMEMBERED_UPDATES = 200
"""How many of the latest accepted Update IDs a trajectory carries across continue-as-new (a run holds a few
dozen events; a retry comes within minutes)."""


def not_encrypted(what: str, consequence: str, error_type: str) -> ApplicationError:
    """The refusal of a start or event that arrived in plain text (the same words and shape for both)."""
    return ApplicationError(
        f"{what} was not encrypted with a payload key this worker knows: {consequence} (use a client with the "
        "trajectories' data converter)",
        {"reason": "not_encrypted", "allowed_events": [], "fields": []},
        type=error_type,
        non_retryable=True,
    )


class TrajectoryAdmission:
    """The checks on a trajectory's start and events; mixed into the engine."""

    refusal: ApplicationError | None = None
    input: TrajectoryInput | None = None

    # --- the start ------------------------------------------------------------------------------------

    @staticmethod
    def start_refusal(input: RawValue) -> ApplicationError | None:
        """Why this run refuses its input, if it does: it arrived in plain text, so a client without the payload
        key started it directly on Temporal (which holds that input; the run adds nothing to it). Deterministic:
        the mark (``domain.submission.was_encrypted``) comes from decoding the payload in history."""
        if was_encrypted(input.payload) or not workflow.patched(ENCRYPTED_STARTS_PATCH):
            return None
        return not_encrypted("the start", "the trajectory was not started", START_NOT_ENCRYPTED)

    def accept_start(self) -> TrajectoryInput:
        """The run's input; each region's ``@workflow.run`` asks this first, so a refused start ends the run
        before any activity, projection, search attribute or notification (see :meth:`start_refusal`)."""
        if self.refusal is not None:
            raise self.refusal
        assert self.input is not None
        return self.input

    # --- events -----------------------------------------------------------------------------------------

    @staticmethod
    def event_refusal(payload: RawValue) -> ApplicationError | None:
        """Why an event is refused before it is even read: it arrived in plain text."""
        if was_encrypted(payload.payload):
            return None
        return not_encrypted("the event", "it was not applied", EVENT_NOT_ENCRYPTED)

    def accepted_before(self: Engine) -> bool:
        """This Update's ID is one the trajectory accepted (in an earlier run: Temporal answers a repeat within a
        run itself)."""
        info = workflow.current_update_info()
        return info is not None and info.id in self.state.update_ids

    def remember_update(self: Engine) -> None:
        info = workflow.current_update_info()
        if info is not None:
            self.state.update_ids = [*self.state.update_ids, info.id][-REMEMBERED_UPDATES:]

    @staticmethod
    def unwrap(payload: RawValue) -> tuple[Any, Submission | None]:
        """The event as JSON values (the catalogue decides what it is) and the API's submission, if any."""
        value = workflow.payload_converter().from_payload(payload.payload)
        if not isinstance(value, dict) or SUBMISSION_FIELD not in value:
            return value, None
        event = dict(value)
        return event, Submission.model_validate(event.pop(SUBMISSION_FIELD))

    def validate_event(self: Engine, payload: Any, submission: Submission | None = None) -> None:
        """Update validator: reject unknown, not-allowed and invalid events before they enter history.

        A closed trajectory may still be finishing its last activities (an audit row, a notification): it
        refuses every event as ``TrajectoryClosed``, as it will once it has completed."""
        if self.route.closed:
            raise ApplicationError(
                "the trajectory is closed: no event is allowed",
                {"reason": "closed", "allowed_events": [], "fields": []},
                type=TRAJECTORY_CLOSED,
                non_retryable=True,
            )
        if submission is not None and submission.expires_at is not None and workflow.now() > submission.expires_at:
            raise ApplicationError(
                f"the event expired at {submission.expires_at.isoformat()} before a worker took it; it was not applied",
                {"reason": "expired", "allowed_events": self.allowed_events(), "fields": []},
                type=EVENT_EXPIRED,
                non_retryable=True,
            )
        try:
            self.parse(payload)
        except EventRejected as rejected:
            raise self.rejection(rejected) from None

    def allowed_events(self: Engine) -> list[str]:
        """Events a backend may send now: the machine's, less internal events (not in the catalogue)."""
        return [name for name in self.route.allowed_now() if name in self.events.models]

    def parse(self: Engine, payload: Any) -> EventBase:
        context = EventContext(today=self.today, policy=self.policy, case=self.case)
        parsed: EventBase = self.events.parse(payload, self.allowed_events(), context)
        return parsed

    @staticmethod
    def rejection(rejected: EventRejected) -> ApplicationError:
        return ApplicationError(
            rejected.message,
            {"reason": rejected.reason, "allowed_events": rejected.allowed, "fields": rejected.fields},
            type=f"Event{rejected.reason.title().replace('_', '')}",
            non_retryable=True,
        )
