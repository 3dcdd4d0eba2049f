"""Every module of the engine the routes share is passed through the workflow sandbox.

The sandbox re-imports a workflow's module for every run it starts (and every replay of an evicted one) unless
the module is in ``worker.PASSTHROUGH_MODULES``; only the ``@workflow.defn`` modules should be. A new module the
engine imports that is left out costs every run its import, silently: this test names it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from worker import PASSTHROUGH_MODULES
from workflows import SCHEDULED_WORKFLOWS, SERVICE_WORKFLOWS, WORKFLOWS

ROOT = Path(__file__).resolve().parent.parent


def workflow_imports(module: str) -> set[str]:
    """The ``workflows.*`` modules ``module`` imports when it runs (not those imported for type checking only)."""
    tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text())
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("workflows."):
                found.add(node.module)
            elif isinstance(node, ast.With | ast.If | ast.Try):
                visit(node.body)

    visit(tree.body)
    return found


def test_every_module_the_workflows_import_is_passed_through():
    defined = {cls.__module__ for cls in [*WORKFLOWS.values(), *SCHEDULED_WORKFLOWS, *SERVICE_WORKFLOWS]}
    seen: set[str] = set()
    todo = list(defined)
    while todo:
        for imported in workflow_imports(todo.pop()) - seen:
            seen.add(imported)
            todo.append(imported)
    engine = seen - defined
    assert "workflows.trajectory" in engine and "workflows.arming" in engine  # the walk sees the engine's parts
    missing = sorted(module for module in engine if module not in PASSTHROUGH_MODULES)
    assert not missing, f"add to worker.PASSTHROUGH_MODULES: {missing}"
