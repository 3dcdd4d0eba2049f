"""What every region must pass, parametrised over the one region registry (``domain/regions.py``).

A new region that is added to the registry is held to all of this at once: its parts resolve and agree with
each other, its machine accepts every event its catalogue offers, every hook its workflow declares names a real
state or event, and it has samples, recorded histories, a docs page and a current diagram.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from domain.case import TrajectoryCase
from domain.events import EventCatalog
from domain.milestones import MILESTONES
from domain.policy import RegionPolicy
from domain.regions import REGION_NAMES, REGIONS, Region, load, policies
from statemachines import ROUTES
from statemachines.route import Route
from trajectories import deadline_docs
from trajectories.diagrams import svg_is_current
from trajectories.forecast.assumptions import Assumptions
from trajectories.forecast.intake import INTAKE
from trajectories.listing import REGIONS as LISTED_REGIONS
from trajectories.samples import Sample
from workflows import WORKFLOWS

ROOT = Path(__file__).resolve().parent.parent
HISTORIES = ROOT / "tests" / "histories"

ALL = pytest.mark.parametrize("region", list(REGIONS.values()), ids=list(REGIONS))

STATE_HOOKS = ("on_enter_", "on_exit_")
EVENT_HOOKS = ("before_", "after_", "on_")
GENERIC_HOOKS = {"on_enter_state", "on_exit_state", "before_transition", "on_transition", "after_transition"}
"""python-statemachine's callbacks that run for every state or transition: valid in every route."""


def hooks(cls: type) -> list[str]:
    """The callables on ``cls`` that python-statemachine would bind by name (its naming conventions)."""
    return sorted(name for name, _ in inspect.getmembers(cls, callable) if name.startswith(STATE_HOOKS + EVENT_HOOKS))


def misnamed(names: list[str], machine: type[Route]) -> list[str]:
    """``names`` that look like hooks but name no state or event of ``machine`` (a typo never runs, silently)."""
    states = {state.id for state in machine.states}
    events = {str(event.id) for event in machine.events}
    wrong = []
    for name in names:
        if name in GENERIC_HOOKS:
            continue
        state_prefix = next((p for p in STATE_HOOKS if name.startswith(p)), None)
        if state_prefix is not None and name.removeprefix(state_prefix) in states:
            continue
        event_prefix = next(p for p in EVENT_HOOKS if name.startswith(p))
        if name.removeprefix(event_prefix) in events:
            continue
        wrong.append(name)
    return wrong


# --- the registry itself ---------------------------------------------------------------------------------


def test_every_consumer_lists_the_registry_s_regions_in_its_order():
    assert list(WORKFLOWS) == list(ROUTES) == list(REGION_NAMES) == list(LISTED_REGIONS) == list(policies())


def test_importing_the_registry_imports_no_region_and_no_upper_layer():
    """Workflows import the registry through the sandbox: it must stay pure data, cheap to import."""
    probe = (
        "import sys, domain.regions; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'workflows', 'statemachines', 'activities', 'trajectories', 'records', 'temporalio', 'statemachine'} "
        "or m.startswith(('domain.almere', 'domain.amsterdam', 'domain.oss', 'domain.rijk', 'domain.policy'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_a_region_name_is_fit_for_ids_and_urls():
    for name, region in REGIONS.items():
        assert name == region.name and name.replace("-", "").isalpha() and name == name.lower(), name


# --- per region ------------------------------------------------------------------------------------------


@ALL
def test_the_parts_resolve_and_agree(region: Region):
    workflow, machine = load(region.workflow), load(region.machine)
    assert WORKFLOWS[region.name] is workflow and ROUTES[region.name] is machine
    assert workflow.__name__ == region.workflow_type
    assert workflow.route_class is machine, "the workflow drives the registry's machine"
    assert workflow.events is load(region.events) and isinstance(workflow.events, EventCatalog)
    assert workflow.policy is load(region.policy) and isinstance(workflow.policy, RegionPolicy)
    assert workflow.policy.region == machine.region == region.name
    assert issubclass(workflow.case_class, TrajectoryCase), "the engine reads the shared case fields by type"


@ALL
def test_the_catalogue_offers_only_events_the_machine_knows(region: Region):
    machine_events = {str(event.id) for event in load(region.machine).events}
    unknown = set(load(region.events).names) - machine_events
    assert not unknown, f"{region.name}'s catalogue offers events its machine has no transition for: {sorted(unknown)}"


@ALL
def test_every_hook_names_a_real_state_or_event(region: Region):
    machine = load(region.machine)
    workflow_hooks = hooks(load(region.workflow))
    assert workflow_hooks, "the workflow is the machine's listener: it has hooks"
    assert not misnamed(workflow_hooks, machine), f"hooks on {region.workflow_type} name nothing"
    own = [name for name in hooks(machine) if name not in dir(Route)]
    assert not misnamed(own, machine), f"hooks on {machine.__name__} name nothing"


def test_the_hook_check_catches_a_typo():
    machine = ROUTES["almere"]
    assert misnamed(["on_enter_observation", "after_advice_received", "on_enter_state"], machine) == []
    assert misnamed(["on_enter_obsrvation", "after_advise_received", "on_enter_advice_received"], machine) == [
        "on_enter_obsrvation", "after_advise_received", "on_enter_advice_received",
    ]  # fmt: skip


@ALL
def test_samples_exist_for_the_region(region: Region):
    samples = load(region.samples)
    assert samples and all(isinstance(sample, Sample) and sample.region == region.name for sample in samples)


@ALL
def test_histories_are_recorded(region: Region):
    assert (ROOT / region.recordings).exists(), f"{region.recordings}: the scenarios that record the route"
    assert sorted(HISTORIES.glob(f"{region.name}-*.json")), f"no recorded history tests/histories/{region.name}-*.json"


@ALL
def test_docs_page_and_diagram_exist(region: Region):
    assert (ROOT / region.docs_page).exists(), region.docs_page
    assert svg_is_current(region.name), f"{region.diagram} is missing or stale: python -m trajectories.diagrams"
    marker = f"<!-- diagram:{region.name} -->"
    documents = [ROOT / "README.md", ROOT / region.docs_page]
    assert any(marker in path.read_text(encoding="utf-8") for path in documents), f"no Mermaid block {marker}"


@ALL
def test_docs_page_shows_the_current_deadline_table(region: Region):
    """The page shows the rows the engine reads, generated from the table like the diagram from the machine."""
    page = (ROOT / region.docs_page).read_text(encoding="utf-8")
    assert f"<!-- deadlines:{region.name} -->" in page, f"{region.docs_page} has no deadline-table block"
    assert deadline_docs.render(page) == page, (
        f"{region.docs_page}'s deadline table is stale: python -m trajectories.diagrams"
    )
    for rule in load(region.workflow).deadline_table:
        assert f"| `{rule.name}`: {rule.summary} |" in page, rule.name


@ALL
def test_every_payment_stream_row_names_real_events_states_rules_and_fields(region: Region):
    """A stream row's names are read in a running trajectory: a typo would fail its workflow task."""
    workflow = load(region.workflow)
    states = {str(state.id) for state in workflow.route_class.states}
    events = set(workflow.route_class._events_order())
    for stream in workflow.deadline_table.streams:
        where = f"{region.name} stream {stream.key!r}"
        assert stream.on_event in events and set(stream.runs_in) <= states, where
        assert stream.rule in workflow.policy.payment_rules, f"{where}: no payment rule {stream.rule!r}"
        assert stream.when is None or hasattr(workflow, stream.when), f"{where}: no flag {stream.when!r}"
        for source in stream.sources():
            kind, _, name = source.partition(".")
            model = workflow.events.models[stream.on_event] if kind == "payload" else workflow.case_class
            assert kind in ("payload", "case") and name in model.model_fields, f"{where}: {source} names nothing"


def test_a_changed_length_makes_the_deadline_table_stale():
    page = (ROOT / "docs" / "amsterdam.md").read_text(encoding="utf-8")
    shown = "2 weeks (`fallback_decision_within`)"
    assert shown in page
    before, _, after = page.rpartition(shown)  # the generated row (the hand-written timers come first)
    assert deadline_docs.render(f"{before}3 weeks (`fallback_decision_within`){after}") == page
    assert [deadline_docs.length(timedelta(**t)) for t in ({"weeks": 1}, {"days": 10}, {"hours": 36}, {"seconds": 90})] == [
        "1 week", "10 days", "36 hours", "90 seconds",
    ]  # fmt: skip


@ALL
def test_the_per_region_tables_cover_the_region(region: Region):
    """Tables keyed by region outside the registry: the outcome figures' milestones and the forecast's intake."""
    assert region.name in MILESTONES, "domain/milestones.py: what the region's facts count as"
    assert region.name in INTAKE, "trajectories/forecast/intake.py: how the forecast draws one person"
    Assumptions().of(region.name)  # trajectories/forecast/assumptions.py: the forecast's defaults


# --- deadlines as data (issue 13, engineer engine4) --------------------------------------------------------
# Once each route's deadlines are a table the engine reads, the per-region checks go here, parametrised with
# @ALL like the above: every table entry names a real state or event of the region's machine, and every
# deadline in the table has a test that watches it fire at its exact virtual time.
