"""Route machines share one callback registry per kind (``statemachines.route``): every machine still calls its
own listener, guards read its own case, and it allows exactly what python-statemachine's per-instance
resolution allows. Pure: no Temporal."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.almere import ALMERE_EVENTS, AlmereCase
from domain.events import EventContext
from domain.policy import ALMERE
from statemachines.almere import AlmereRoute
from statemachines.route import Route

TODAY = date(2027, 2, 1)
PATH = [
    {"event": "observation_started"},
    {"event": "observation_completed", "potential": True, "motivated": True, "hours_per_week": 30},
    {"event": "advice_received", "outcome": "positive"},
    {"event": "trial_started", "employer_id": "e-1", "start_date": TODAY.isoformat()},
    {"event": "trial_failed", "motivated": True, "reason": "no fit"},
    {"event": "trial_started", "employer_id": "e-2", "start_date": TODAY.isoformat()},
    {
        "event": "contract_signed",
        "start_date": TODAY.isoformat(),
        "end_date": TODAY.replace(year=TODAY.year + 1).isoformat(),
        "hours_per_week": 30,
    },
    {"event": "visit_recorded", "visited_on": TODAY.isoformat(), "channel": "visit"},
    {"event": "permanent_contract_signed", "start_date": TODAY.isoformat()},
    {"event": "employment_ended", "reason": "moved"},
]


class Recorder:
    """A listener like the trajectory workflow: hooks named by python-statemachine's conventions."""

    def __init__(self, name: str):
        self.name = name
        self.calls: list[tuple[str, Any]] = []

    def on_enter_observation(self) -> None:
        self.calls.append(("on_enter_observation", None))

    def after_observation_completed(self, payload: Any) -> None:
        self.calls.append(("after_observation_completed", payload.hours_per_week))

    def on_enter_employed(self, payload: Any, event: str = "contract_signed") -> None:
        self.calls.append(("on_enter_employed", event))

    def after_trial_failed(self) -> None:
        self.calls.append(("after_trial_failed", None))


def drive(route: Route, case: AlmereCase, steps: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """Each event through the catalogue, as the workflow sends it; the state and allowed events after each."""
    seen = [(route.state_id, route.allowed_now())]
    for step in steps:
        event = ALMERE_EVENTS.parse(
            {"actor": "coach-anna", **step}, route.allowed_now(), EventContext(TODAY, ALMERE, case)
        )
        route.send(event.name, payload=event)
        seen.append((route.state_id, route.allowed_now()))
    return seen


@pytest.fixture
def per_instance():
    Route.share_callbacks = False
    yield
    Route.share_callbacks = True


def build(name: str) -> tuple[AlmereRoute, AlmereCase, Recorder]:
    case, recorder = AlmereCase(coach_id="coach-anna"), Recorder(name)
    return AlmereRoute(case, ALMERE, listeners=[recorder]), case, recorder


def test_machines_of_one_kind_share_the_registry_and_call_their_own_listener():
    first, first_case, first_recorder = build("first")
    second, second_case, second_recorder = build("second")
    assert first._callbacks is second._callbacks
    drive(first, first_case, PATH[:2])
    assert first_recorder.calls == [("on_enter_observation", None), ("after_observation_completed", 30)]
    assert second_recorder.calls == [] and second.state_id == "referred" and first.state_id == "awaiting_advice"
    drive(second, second_case, PATH[:1])
    assert second_recorder.calls == [("on_enter_observation", None)]
    assert len(first_recorder.calls) == 2


def test_guards_read_the_calling_machines_own_case():
    """``extension_left`` reads the case's trial extensions: the same event is allowed on one machine of the
    kind and not on the other."""
    fresh, fresh_case, _ = build("fresh")
    worn, worn_case, _ = build("worn")
    for route, case in ((fresh, fresh_case), (worn, worn_case)):
        drive(route, case, PATH[:4])
    worn_case.trial_extensions = ALMERE.max_trial_extensions
    assert "trial_extended" in fresh.allowed_now()
    assert "trial_extended" not in worn.allowed_now()
    assert fresh.state_id == worn.state_id == "trial"


def test_the_shared_registry_allows_what_per_instance_resolution_allows(per_instance):
    reference_route, reference_case, reference_recorder = build("per instance")
    expected = drive(reference_route, reference_case, PATH)
    Route.share_callbacks = True
    shared_route, shared_case, shared_recorder = build("shared")
    assert drive(shared_route, shared_case, PATH) == expected
    assert shared_recorder.calls == reference_recorder.calls
    assert shared_case == reference_case
    assert shared_route.closed and reference_route.closed
    assert shared_route._callbacks is not reference_route._callbacks
    assert shared_route._callbacks is build("another")[0]._callbacks


def test_a_listener_added_later_belongs_to_that_machine_alone():
    first, first_case, _ = build("first")
    second, second_case, second_recorder = build("second")
    late = Recorder("late")
    first.add_listener(late)
    assert first._callbacks is not second._callbacks
    drive(first, first_case, PATH[:1])
    drive(second, second_case, PATH[:1])
    assert late.calls == [("on_enter_observation", None)]
    assert second_recorder.calls == [("on_enter_observation", None)]
