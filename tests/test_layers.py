"""The floors of the code base, enforced: each package imports only the floors below it.

    domain/            pure models and data: nothing of ours
    statemachines/     pure machines: domain
    records/           the records database: domain
    service/           settings, encryption, connecting: domain
    workflows/         deterministic workflow code: domain, statemachines, activities (their interfaces)
    activities/        side effects: domain, records, service, workflows (the contract, the routes' reassignment)
    worker.py          the wiring: every floor above, never the front-ends
    trajectories/      the front-ends (API, CLI, run command, samples, tools): anything

Read from the source (every ``import`` in every module, also those inside functions), so a lazy import cannot
slip past.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"domain", "statemachines", "records", "service", "workflows", "activities", "worker", "trajectories"}

ALLOWED: dict[str, set[str]] = {
    "domain": set(),
    "statemachines": {"domain"},
    "records": {"domain"},
    "service": {"domain"},
    "workflows": {"domain", "statemachines", "activities"},
    "activities": {"domain", "records", "service", "workflows"},
    "worker": {"domain", "records", "service", "workflows", "activities", "statemachines"},
}
"""Floor → the floors (besides itself) it may import. ``trajectories`` is above them all and absent here."""


def modules(floor: str) -> list[Path]:
    return [ROOT / "worker.py"] if floor == "worker" else sorted((ROOT / floor).rglob("*.py"))


def imported(path: Path) -> list[tuple[int, str, str]]:
    """(line, top-level package, module) of every absolute import in ``path`` that names one of our floors
    (``from a import b`` counts as ``a.b``: ``b`` may be a module)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found += [(node.lineno, name.split(".")[0], name) for name in names if name.split(".")[0] in OURS]
    return found


def violations(floor: str) -> list[str]:
    allowed = ALLOWED[floor] | {floor}
    return [
        f"{path.relative_to(ROOT)}:{line} imports {package}"
        for path in modules(floor)
        for line, package, _ in imported(path)
        if package not in allowed
    ]


@pytest.mark.parametrize("floor", sorted(ALLOWED))
def test_each_floor_imports_only_the_floors_below(floor: str):
    assert modules(floor), f"no modules found for {floor}"
    assert not violations(floor), f"{floor} imports a floor above it"


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path):
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from trajectories.listing import TrajectoryFilter\n    import workflows.x\n")
    assert imported(module) == [
        (2, "trajectories", "trajectories.listing.TrajectoryFilter"),
        (3, "workflows", "workflows.x"),
    ]
