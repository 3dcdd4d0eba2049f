"""The one list of regions: each region's name and where its parts live.

Every consumer reads this table: the workflows package (which workflow the worker registers per region), the
machines (``statemachines.ROUTES``), the API and CLI (which region names they accept), the samples the run
command starts, the diagram tool (which docs page and SVG belong to a region) and the tests every region must
pass (``tests/test_regions.py``). Adding a region is adding a row here (and the modules the row names):
``trajectories new-region NAME`` writes both (``trajectories/new_region.py``).

Pure data, cheap to import (no region module is imported here, no I/O): workflows import it through the
sandbox. A part is named by reference (``"package.module:attribute"``); :func:`load` imports it when a
consumer above that layer asks, so this module never pulls a higher layer in.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any


@dataclass(frozen=True)
class Region:
    """One route's parts. ``name`` is the key in workflow ids, URLs, the CLI and search attributes."""

    name: str
    """e.g. ``rijk-van-nijmegen``: lower case, dashes (it appears in ``trajectory-<name>-<trajectory_id>``)."""
    title: str
    """How people write it: "Rijk van Nijmegen"."""
    workflow: str
    """The ``@workflow.defn`` class; its class name is the Temporal workflow type."""
    machine: str
    """The python-statemachine machine (``statemachines/``): the source of truth for which event is allowed when."""
    events: str
    """The event catalogue (``domain.events.EventCatalog``): every event a backend may send."""
    policy: str
    """The region's policy instance (``domain.policy.RegionPolicy``): lengths, limits and amounts as data."""
    samples: str
    """The sample trajectories the run command starts (``trajectories/samples``)."""

    @property
    def module(self) -> str:
        """The module stem every layer uses for this region (``rijk_van_nijmegen``)."""
        return self.name.replace("-", "_")

    @property
    def workflow_type(self) -> str:
        """The Temporal workflow type (the workflow class's name), without importing the class."""
        return self.workflow.rpartition(":")[2]

    @property
    def docs_page(self) -> str:
        """The route's document, relative to the repository root."""
        return f"docs/{self.name}.md"

    @property
    def diagram(self) -> str:
        """The route's SVG diagram, drawn from the machine (``tests/test_diagrams.py`` says how to redraw it)."""
        return f"docs/{self.name}.svg"

    @property
    def recordings(self) -> str:
        """The module in ``tests/recordings`` whose scenarios record this route's histories."""
        return f"tests/recordings/{self.module}.py"


def load(reference: str) -> Any:
    """The object a ``"package.module:attribute"`` reference names (imports the module if needed)."""
    module, _, attribute = reference.partition(":")
    return getattr(import_module(module), attribute)


def policies() -> dict[str, Any]:
    """Region name → its policy (``domain.policy.RegionPolicy``), e.g. for ``domain.policy.override_policies``."""
    return {name: load(region.policy) for name, region in REGIONS.items()}


def _region(name: str, title: str, workflow: str, machine: str, events: str, policy: str) -> Region:
    stem = name.replace("-", "_")
    return Region(
        name=name,
        title=title,
        workflow=f"workflows.{stem}:{workflow}",
        machine=f"statemachines.{stem}:{machine}",
        events=f"domain.{stem}:{events}",
        policy=policy,
        samples=f"trajectories.samples.{stem}:SAMPLES",
    )


REGIONS: dict[str, Region] = {
    region.name: region
    for region in (
        _region("almere", "Almere", "AlmereTrajectory", "AlmereRoute", "ALMERE_EVENTS", "domain.policy:ALMERE"),
        _region(
            "amsterdam", "Amsterdam", "AmsterdamTrajectory", "AmsterdamRoute", "AMSTERDAM_EVENTS",
            "domain.amsterdam:AMSTERDAM",
        ),
        _region("oss", "Oss", "OssTrajectory", "OssRoute", "OSS_EVENTS", "domain.oss:OSS"),
        _region(
            "rijk-van-nijmegen", "Rijk van Nijmegen", "RijkVanNijmegenTrajectory", "RijkVanNijmegenRoute",
            "RIJK_VAN_NIJMEGEN_EVENTS", "domain.rijk_van_nijmegen:RIJK_VAN_NIJMEGEN",
        ),
        # `trajectories new-region NAME` adds its region's row above this line.
    )
}  # fmt: skip
"""Region name → its parts, in the order regions are listed everywhere (API, CLI, docs)."""

REGION_NAMES: tuple[str, ...] = tuple(REGIONS)
