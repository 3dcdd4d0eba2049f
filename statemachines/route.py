"""What every route machine shares: construction on a case model, and the events allowed now."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Hashable
from functools import reduce
from operator import or_
from typing import Any

from statemachine import State, StateMachine
from statemachine.callbacks import CallbacksRegistry
from statemachine.dispatcher import Listener, Listeners
from statemachine.event import Event
from statemachine.graph import iterate_states_and_transitions

_SHARED: dict[Hashable, CallbacksRegistry | None] = {}
"""Callback registries resolved once per kind of machine (see :meth:`Route._register_callbacks`); ``None``: a
kind that the shared registry cannot serve, resolved per instance as python-statemachine does."""


class Route(StateMachine):
    """Base for route machines. The case model holds the current state in its ``state`` field."""

    region: str

    share_callbacks: bool = True
    """Resolve callbacks once per kind of machine and share them (:meth:`_register_callbacks`); ``False``: per
    instance, as python-statemachine does (the benchmark's baseline)."""

    seed_steps: bool = True
    """Whether the steps issue 16 added from the seeds apply. The workflow sets it from ``workflow.patched`` at
    the start of a run: runs from before keep the route they started with (their histories replay unchanged)."""

    def __init__(self, case: Any, policy: Any, listeners: list[Any] | None = None):
        self.policy = policy
        self._callback_targets: tuple[Any, ...] | None = None
        super().__init__(model=case, listeners=listeners)

    def _register_callbacks(self, listeners: list[object]) -> None:
        """python-statemachine resolves every callback name (guards, ``on_enter_*``, ``after_*``, ...) against the
        machine, its model and each listener for every instance it builds: 1-2 ms and 250-550 KiB per machine
        (``python3 dev.py bench --only machines``), paid again whenever a worker builds one (a new run, a replay
        after eviction). Which name
        resolves to what depends only on the kinds of these objects, so it is done once per kind, by the library's
        own resolution, against stand-ins that find the instance when called (every callback is called with the
        machine as ``machine``): the registry is then shared by every machine of that kind. The transitions and
        guards are the class's as before; only where their callables are looked up changed."""
        targets = (self, self.model, *listeners)
        shared: CallbacksRegistry | None = None
        if self.share_callbacks:
            key = (type(self), self.state_field, *(_shape(target) for target in targets[1:]))
            if key not in _SHARED:
                _SHARED[key] = _resolve_once(self, targets)
            shared = _SHARED[key]
        if shared is None:  # a kind the stand-ins cannot serve: per instance, as the library does it
            super()._register_callbacks(listeners)
            return
        self._listeners.update({id(listener): listener for listener in listeners})
        self._callback_targets = targets
        self._callbacks = shared

    def add_listener(self, *listeners: Any) -> Any:
        """A listener added later is resolved for this instance alone: the shared registry is left as it is."""
        if self._callback_targets is not None:
            self._callbacks = CallbacksRegistry()
            self._callback_targets = None
            super()._register_callbacks(list(self._listeners.values()))
        return super().add_listener(*listeners)

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


def _shape(target: object) -> Hashable:
    """What decides how callback names resolve on ``target``: its class (by name: the sandbox imports a
    workflow's module anew for each run) and the attribute names it has."""
    kind = type(target)
    return kind.__module__, kind.__qualname__, frozenset(dir(target))


class _StandIn:
    """Stands for the ``index``-th callback target of whichever machine calls: the library resolves names on it
    as on ``prototype`` (the first instance of the kind) and gets callables that look the attribute up on the
    calling machine's own target. Anything it cannot stand in for (an event used as a callback, a coroutine)
    marks the kind as unsupported."""

    def __init__(self, index: int, prototype: object):
        self._index = index
        self._prototype = prototype
        self.unsupported = False

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._prototype, name)
        if isinstance(value, Event) or inspect.iscoroutinefunction(value):
            self.unsupported = True
            return value
        return _late(self._index, name, value, type(self._prototype))


def _late(index: int, name: str, value: Any, kind: type) -> Callable[..., Any]:
    """A callable with ``value``'s signature plus the ``machine`` every callback is called with, that calls (or
    reads, for a plain attribute) ``name`` on that machine's ``index``-th target."""
    signature = inspect.signature(value) if callable(value) else inspect.Signature()
    parameters = list(signature.parameters.values())
    takes_all = any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters)
    if not takes_all:
        if "machine" in signature.parameters:
            raise TypeError(f"{name} takes a parameter named machine")
        parameters.append(inspect.Parameter("machine", inspect.Parameter.KEYWORD_ONLY))

    def call(*args: Any, **kwargs: Any) -> Any:
        machine = kwargs["machine"] if takes_all else kwargs.pop("machine")
        return getattr(machine._callback_targets[index], name)(*args, **kwargs)

    def read(*args: Any, **kwargs: Any) -> Any:
        return getattr(kwargs["machine"]._callback_targets[index], name)

    function = call if callable(value) else read
    function.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    function.__name__ = name
    # python-statemachine caches signatures by qualified name: one per target kind and name
    function.__qualname__ = f"{kind.__module__}.{kind.__qualname__}.{name}@{index}"
    function.__doc__ = getattr(value, "__doc__", None)
    if hasattr(value, "__func__"):  # an unbound method given as a callback is recognised by its function
        function.__func__ = value.__func__  # type: ignore[attr-defined]
    return function


def _resolve_once(machine: Route, targets: tuple[object, ...]) -> CallbacksRegistry | None:
    """The library's own resolution of ``machine``'s callbacks against stand-ins for ``targets``; ``None`` if
    it needs what a stand-in cannot give."""
    stand_ins = [_StandIn(index, target) for index, target in enumerate(targets)]
    skips = [machine._protected_attrs, {machine.state_field}]
    listeners = Listeners.from_listeners(
        Listener(stand_in, set(dir(target)) - (skips[index] if index < len(skips) else set()), f"target{index}")
        for index, (stand_in, target) in enumerate(zip(stand_ins, targets, strict=True))
    )
    registry = CallbacksRegistry()
    try:
        listeners.resolve(machine._specs, registry=registry)
        for visited in iterate_states_and_transitions(machine.states):
            listeners.resolve(visited._specs, registry=registry)
        for visited in iterate_states_and_transitions(machine.states):
            registry.check(visited._specs)
    except Exception:
        return None
    if any(stand_in.unsupported for stand_in in stand_ins):
        return None
    registry.async_or_sync()
    return registry
