"""What every route machine shares: construction on a case model, and the events allowed now."""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from operator import or_
from typing import Any

from statemachine import State, StateMachine


class Route(StateMachine):
    """Base for route machines. The case model holds the current state in its ``state`` field."""

    region: str

    seed_steps: bool = True
    """Whether the steps issue 16 added from the seeds apply. The workflow sets it from ``workflow.patched`` at
    the start of a run: runs from before keep the route they started with (their histories replay unchanged)."""

    def __init__(self, case: Any, policy: Any, listeners: list[Any] | None = None):
        self.policy = policy
        super().__init__(model=case, listeners=listeners)

    def with_seed_steps(self) -> bool:
        return self.seed_steps

    @property
    def case(self) -> Any:
        return self.model

    @property
    def state_id(self) -> str:
        return str(self.current_state_value)

    @property
    def closed(self) -> bool:
        return self.is_terminated

    def allowed_now(self) -> list[str]:
        """Events that may be sent now, guards included, in declaration order."""
        enabled = {event.id for event in self.enabled_events()}
        return [event for event in self.__class__._events_order() if event in enabled]

    @classmethod
    def _events_order(cls) -> list[str]:
        return [str(event.id) for event in cls._events]


def stay(states: list[State], **options: Any) -> Any:
    """A transition list that keeps each of ``states`` where it is: for events that only record facts.

    ``options`` (e.g. ``cond=``) apply to every transition."""
    return reduce(or_, (state.to.itself(internal=True, **options) for state in states))


def leave(states: list[State], target: State) -> Any:
    """A transition list from each of ``states`` to ``target``: for events allowed from anywhere open."""
    return reduce(or_, (state.to(target) for state in states))


def payload_guard(check: Callable[[Any, Any], Any]) -> Callable[..., bool]:
    """A guard method on the event's payload: ``check(self, payload)`` decides when an event is sent.

    python-statemachine also calls guards without a payload, when listing the events allowed now; then the guard
    must not block (which transition the event takes is decided by the payload it brings). The guard keeps
    ``check``'s name, so the diagrams label it as before."""

    def guard(self: Any, payload: Any = None) -> bool:
        return payload is None or bool(check(self, payload))

    guard.__name__, guard.__qualname__, guard.__doc__ = check.__name__, check.__qualname__, check.__doc__
    return guard


def payload_is(field: str, *values: Any) -> Callable[..., bool]:
    """Guard: the event's ``field`` is one of ``values`` (never blocks when listing allowed events)."""

    def guard(payload: Any = None) -> bool:
        return payload is None or getattr(payload, field) in values

    guard.__name__ = guard.__qualname__ = f"{field} is {' or '.join(map(str, values))}"
    return guard
