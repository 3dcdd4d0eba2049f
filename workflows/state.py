"""What a trajectory knows, as one object: its case, open deadlines, history, notifications, payments, payment
streams and id sequence.

The engine keeps one :class:`TrajectoryState`; continue-as-new carries it across runs as a
``TrajectorySnapshot`` (``domain.continuation``) and a continued run resumes from that, so nothing is copied in
or out field by field anywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, Protocol

from temporalio import workflow

from workflows.deadlines import DeadlineBook

with workflow.unsafe.imports_passed_through():
    from domain.calendar import WorkingDays
    from domain.case import TrajectoryCase
    from domain.continuation import TrajectorySnapshot
    from domain.payments import PaymentStream
    from domain.records import NotificationRecord, PaymentRecord, TransitionRecord


@dataclass
class TrajectoryState:
    """The live state of one trajectory; mutated by the engine, the route's hooks and the books."""

    case: TrajectoryCase
    deadlines: DeadlineBook
    history: list[TransitionRecord] = field(default_factory=list)
    notifications: list[NotificationRecord] = field(default_factory=list)
    payments: list[PaymentRecord] = field(default_factory=list)
    sequence: int = 0
    streams: dict[str, PaymentStream] = field(default_factory=dict)
    update_ids: list[str] = field(default_factory=list)

    @classmethod
    def resume(
        cls, snapshot: TrajectorySnapshot, case_class: type[TrajectoryCase], calendar: WorkingDays | None
    ) -> TrajectoryState:
        """The state a continued run starts from: what the previous run carried."""
        return cls(
            case=case_class.model_validate(snapshot.case), deadlines=DeadlineBook(snapshot.deadlines, calendar),
            history=list(snapshot.history), notifications=list(snapshot.notifications),
            payments=list(snapshot.payments), sequence=snapshot.sequence, streams=dict(snapshot.streams),
            update_ids=list(snapshot.update_ids),
        )  # fmt: skip

    def snapshot(self) -> TrajectorySnapshot:
        """What continue-as-new carries to the next run."""
        return TrajectorySnapshot(
            case=self.case.model_dump(mode="json"), deadlines=self.deadlines.open, history=self.history,
            notifications=self.notifications, payments=self.payments, sequence=self.sequence, streams=self.streams,
            update_ids=self.update_ids,
        )  # fmt: skip

    def next_sequence(self) -> int:
        """The next number of the trajectory's id sequence (notifications, payments, requests)."""
        self.sequence += 1
        return self.sequence


class StateField:
    """An engine attribute that is a field of its :class:`TrajectoryState` (``self.case`` is ``self.state.case``)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, engine: Any, owner: type | None = None) -> Any:
        return self if engine is None else getattr(engine.state, self.name)


class Engine(Protocol):
    """What the engine's parts (``arming``, ``effects``, ``projection``, ``visibility``) read of the trajectory
    they are mixed into, and of each other: the self-type of their methods."""

    policy: Any
    start: Any
    state: TrajectoryState
    route: Any
    patches: Any
    effects: list[Any]
    visible: dict[str, Any]
    escalation_by_policy: bool
    deadline_table: ClassVar[Any]
    projection: Any
    projection_writes: int
    projection_in_flight: Any
    agenda_projected: Any
    money: Any
    awaited_rows: bool

    @property
    def case(self) -> Any: ...
    @property
    def deadlines(self) -> DeadlineBook: ...
    @property
    def history(self) -> list[TransitionRecord]: ...
    @property
    def notifications(self) -> list[NotificationRecord]: ...
    @property
    def payments(self) -> list[PaymentRecord]: ...
    @property
    def coach_id(self) -> str: ...
    @property
    def match_attempts(self) -> int: ...
    @property
    def payment_streams(self) -> bool: ...

    events: ClassVar[Any]

    @property
    def today(self) -> date: ...
    def allowed_events(self) -> list[str]: ...
    def parse(self, payload: Any) -> Any: ...
    def rejection(self, rejected: Any) -> Any: ...
    def apply(self, name: str, payload: Any, actor: str, client: str | None = None) -> None: ...
    def notify(self, kind: str, recipient: Any, *, due: datetime | None = ..., summary: str = ...) -> None: ...
    def pay(self, kind: str, amount: Any, *, period_start: date) -> None: ...
    def project(self, part: str, item: Any) -> None: ...
    def patched(self, name: str) -> bool: ...
    def flush_projection(self) -> None: ...
    def projection_due(self) -> bool: ...
    def order_alone(self, order: Any) -> Any: ...
    def ordered(self, orders: list[Any]) -> None: ...
    async def order_meanwhile(self) -> bool: ...
    async def execute(self, effect: Any) -> None: ...
    def next_id(self, prefix: str) -> str: ...
    def recipient_id(self, recipient: Any) -> str: ...
    def queue(self, run: Callable[[], Any], done: Callable[[], None] = ...) -> None: ...
    def short_activity(
        self, method: Callable[..., Any], argument: Any, summary: str, *, retry_policy: Any = ...
    ) -> Any: ...
    async def deliver(self, message: Any, record: Any) -> None: ...
    def details(self, upcoming: Any) -> str: ...
    def applies(self, rule: Any) -> bool: ...
    def arm(
        self, rule: Any, *, at: datetime | None = ..., summary: str | None = ..., scope: tuple[str, ...] | None = ...
    ) -> None: ...
    def clear(self, *rules: Any) -> None: ...
    def follow_table(self, event: str, entered: str | None, payload: Any = ...) -> None: ...
    def start_stream(self, stream: Any, payload: Any) -> None: ...
