"""Every route's deadline table names what exists, and every deadline in it has a firing test.

A table row names states, events and policy fields by name (``domain.deadline_rules``): a typo would arm nothing
or raise in a running trajectory, so each name is checked against the region's machine, catalogue and policy here.
The firing registry (``tests/deadline_firings.py``) points every deadline a table can open, escalations included,
at the test that drives it to its exact virtual moment.
"""

from __future__ import annotations

import ast
import inspect
from datetime import timedelta
from functools import cache
from pathlib import Path

import pytest

from domain.records import Recipient
from tests.deadline_firings import FIRINGS
from workflows import WORKFLOWS, employment

ROOT = Path(__file__).resolve().parent.parent


def machine_events(workflow: type) -> set[str]:
    return set(workflow.route_class._events_order())


@pytest.mark.parametrize("region", sorted(WORKFLOWS))
def test_every_table_entry_names_real_states_events_and_policy_fields(region):
    workflow = WORKFLOWS[region]
    states = {str(state.id) for state in workflow.route_class.states}
    events = machine_events(workflow)
    policy = workflow.policy
    assert list(workflow.deadline_table), f"{region} has no deadline table"
    for rule in workflow.deadline_table:
        where = f"{region} deadline {rule.name!r}"
        assert set(rule.on_enter) | set(rule.scope) <= states, f"{where}: not a state of the machine"
        assert rule.states, f"{where} belongs to no state"
        assert not rule.on_event or rule.scope, f"{where} is armed on an event: it names the states it belongs to"
        initial = str(workflow.route_class.initial_state.id)
        assert initial not in rule.on_enter, f"{where}: the initial state is entered by no event (arm it at the start)"
        named_events = set(rule.met_by) | {e for e in (rule.on_event, rule.event) if e}
        assert named_events <= events, f"{where}: {sorted(named_events - events)} not events of the machine"
        assert (rule.kind is None) != (rule.event is None), f"{where} notifies or sends an event, one of the two"
        if rule.event:
            assert rule.event not in workflow.events.models, f"{where}: {rule.event} is a backend's event"
        for field in (rule.after, rule.escalate.after if rule.escalate else None):
            if field:
                assert isinstance(getattr(policy, field, None), timedelta), f"{where}: policy.{field} is no interval"
        for field in (rule.after_months, rule.every_months):
            if field:
                assert isinstance(getattr(policy, field, None), int), f"{where}: policy.{field} is no month count"
        if rule.on_enter or rule.on_event:
            assert rule.automatic, f"{where} has a trigger but no interval"
        if rule.when:
            assert hasattr(workflow, rule.when), f"{where}: the workflow has no flag {rule.when!r}"
        recipients = [rule.recipient] + ([rule.escalate.recipient] if rule.escalate else [])
        for recipient in recipients:
            if recipient not in (Recipient.COACH, Recipient.EMPLOYER):
                assert hasattr(policy, f"{recipient.value}_id"), f"{where}: the policy names no {recipient.value}"


@pytest.mark.parametrize("region", sorted(WORKFLOWS))
def test_a_row_without_a_trigger_is_armed_by_a_hook(region):
    """The engine arms a row with a trigger; any other row must be armed by the region's hooks, by its name."""
    workflow = WORKFLOWS[region]
    source = inspect.getsource(inspect.getmodule(workflow))
    shared = inspect.getsource(employment)  # employment's rows, armed by the shared schedule
    for rule in workflow.deadline_table:
        if not (rule.on_enter or rule.on_event):
            armed = f'DEADLINES["{rule.name}"]' in source or f'self.arm("{rule.name}"' in shared
            assert armed, f"{region} deadline {rule.name!r} is armed by nothing"


@cache
def functions_of(file: str) -> dict[str, str]:
    """The source of each test function of ``file``, its decorators (parameters) included."""
    source = (ROOT / file).read_text()
    lines = source.splitlines()
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            found[node.name] = "\n".join(lines[first - 1 : node.end_lineno])
    return found


@pytest.mark.parametrize("region", sorted(WORKFLOWS))
def test_every_deadline_in_the_table_has_a_firing_test(region):
    table = WORKFLOWS[region].deadline_table
    registered = FIRINGS.get(region, {})
    assert set(registered) == table.deadline_names(), "tests/deadline_firings.py and the table differ"
    sends = {}
    for rule in table:
        sends[rule.name] = rule.kind or rule.event
        if rule.escalation_name:
            sends[rule.escalation_name] = rule.escalate.kind or rule.kind
    for name, node in registered.items():
        file, function = node.split("::")
        functions = functions_of(file)
        assert function in functions, f"{node} does not exist"
        assert any(f'"{word}"' in functions[function] for word in (sends[name], name)), (
            f"{node} names neither {sends[name]!r} nor {name!r}: it does not check what {name} does"
        )
