"""Domain events as pydantic models, and the catalogue that parses and rejects them.

A backend sends ``{"event": "<name>", ...fields, "actor": "<who>"}``. The catalogue turns that into a
typed event or raises :class:`EventRejected` with a message that names the field or lists the events
allowed now, so the Update validator can refuse it before anything enters history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any, ClassVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidationInfo,
)

from domain.identifiers import Note, StaffId


class EventBase(BaseModel):
    """Fields every event has. Subclasses set ``name`` and add their own fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: ClassVar[str]
    event: str
    actor: StaffId
    note: Note | None = None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        (cls.name,) = get_args(cls.model_fields["event"].annotation)


@dataclass(frozen=True)
class EventContext:
    """What field validation may depend on besides the payload: today, the policy, the case so far."""

    today: date
    policy: Any
    case: Any


def context_of(info: ValidationInfo) -> EventContext:
    """The :class:`EventContext` passed to ``model_validate``; validators that need it call this."""
    context = info.context
    if not isinstance(context, EventContext):
        raise ValueError("this event can only be validated by a trajectory")
    return context


def near_today(value: date, info: ValidationInfo, *, past: timedelta, future: timedelta) -> date:
    """Validator helper: ``value`` lies within ``past`` before and ``future`` after the trajectory's today."""
    today = context_of(info).today
    if not today - past <= value <= today + future:
        raise ValueError(f"must lie between {today - past} and {today + future}")
    return value


class EventRejected(Exception):
    """An event the trajectory refuses; ``reason`` is one of ``unknown``, ``not_allowed``, ``invalid``."""

    def __init__(self, reason: str, message: str, *, allowed: Iterable[str] = (), fields: Iterable[str] = ()):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.allowed = list(allowed)
        self.fields = list(fields)


def _shorten(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters: a refusal names hostile input without echoing all of it."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def _field_errors(error: ValidationError) -> tuple[str, list[str]]:
    parts, fields = [], []
    for item in error.errors(include_url=False):
        field = ".".join(str(p) for p in item["loc"]) or "(event)"
        fields.append(field)
        parts.append(f"field '{field}': {item['msg']}")
    return "; ".join(parts), fields


class EventCatalog:
    """The events of one route, by name."""

    def __init__(self, *models: type[EventBase]):
        self.models: dict[str, type[EventBase]] = {m.name: m for m in models}

    @property
    def names(self) -> list[str]:
        return list(self.models)

    def parse(self, payload: Any, allowed: Iterable[str], context: EventContext) -> EventBase:
        """Parse ``payload``; raise :class:`EventRejected` if it is unknown, not allowed now, or invalid."""
        allowed = list(allowed)
        if not isinstance(payload, Mapping):
            raise EventRejected("invalid", "an event must be a JSON object with an 'event' field", fields=["event"])
        name = payload.get("event")
        if not isinstance(name, str) or name not in self.models:
            raise EventRejected(
                "unknown",
                f"unknown event {_shorten(name)}; this route knows: {', '.join(self.names)}",
                allowed=allowed,
                fields=["event"],
            )
        if name not in allowed:
            raise EventRejected(
                "not_allowed",
                f"event {name!r} is not allowed now; allowed events: {', '.join(allowed) or '(none: trajectory closed)'}",
                allowed=allowed,
            )
        try:
            return self.models[name].model_validate(dict(payload), context=context)
        except ValidationError as error:
            detail, fields = _field_errors(error)
            raise EventRejected(
                "invalid", f"invalid {name!r} event: {detail}", allowed=allowed, fields=fields
            ) from None

    def json_schema(self) -> dict[str, Any]:
        """One JSON schema per event, for documentation and for clients in other languages."""
        return {n: m.model_json_schema() for n, m in self.models.items()}


def near_today_check(*, past_weeks: int, future_weeks: int) -> AfterValidator:
    """A field validator: the date lies at most ``past_weeks`` before and ``future_weeks`` after today."""

    def check(value: date, info: ValidationInfo) -> date:
        return near_today(value, info, past=timedelta(weeks=past_weeks), future=timedelta(weeks=future_weeks))

    return AfterValidator(check)


StartDate = Annotated[date, near_today_check(past_weeks=4, future_weeks=26)]
"""When something starts: a few weeks back at most, half a year ahead at most."""

RecentDate = Annotated[date, near_today_check(past_weeks=26, future_weeks=0)]
"""When something happened: within the last half year, never in the future."""
