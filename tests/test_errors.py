"""One enum of error types (``domain.errors.ErrorCode``) for the workflows, the API and the CLI.

Read from the source: every error type a caller can receive, wherever it is raised, is a member, so a new one
is named in the contract before it reaches a caller, and the CLI says the same as the API (``trajectories.problems``).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from domain.errors import ErrorCode
from domain.events import EventRejected
from trajectories import problems

ROOT = Path(__file__).resolve().parent.parent
RAISERS = {"NotFound", "Conflict", "Unprocessable", "UnsupportedMediaType", "Unavailable", "TimedOut", "ApiError"}
"""The API's error classes: their first argument is the error type."""


def error_types(path: Path) -> list[tuple[int, str]]:
    """(line, literal) of each error type written out in ``path``: an API error's first argument, a CLI
    ``Failed``'s second, an ``ApplicationError``'s ``type=``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        candidates: list[ast.expr] = []
        if name in RAISERS and node.args:
            candidates.append(node.args[0])
        elif name == "Failed" and len(node.args) > 1:
            candidates.append(node.args[1])
        elif name == "ApplicationError":
            candidates += [keyword.value for keyword in node.keywords if keyword.arg == "type"]
        found += [
            (node.lineno, c.value) for c in candidates if isinstance(c, ast.Constant) and isinstance(c.value, str)
        ]
    return found


SOURCES = sorted(path for floor in ("trajectories", "workflows", "activities") for path in (ROOT / floor).rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_every_error_type_written_out_is_in_the_enum(path: Path):
    unknown = [f"line {line}: {text!r}" for line, text in error_types(path) if text not in set(ErrorCode)]
    assert not unknown, f"add them to domain.errors.ErrorCode: {unknown}"


def test_the_scan_finds_error_types():
    assert (ROOT / "trajectories" / "api" / "routes.py") in SOURCES
    found = {text for path in SOURCES for _, text in error_types(path)}
    assert {"RegionNotFound", "InvalidWorkflowId"} <= found


@pytest.mark.parametrize("reason", ["unknown", "not_allowed", "invalid"])
def test_the_validator_s_refusals_are_members(reason: str):
    """The Update validator names its ApplicationError ``Event<Reason>`` (``workflows/trajectory.py``)."""
    refused = EventRejected(reason, "no")
    assert f"Event{refused.reason.title().replace('_', '')}" in set(ErrorCode)


def test_the_cli_does_not_import_the_web_framework():
    """The CLI reads errors through ``trajectories.problems``: starting it loads neither FastAPI nor the API."""
    probe = (
        "import sys, trajectories.cli.commands; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'fastapi', 'starlette', 'uvicorn'} "
        "or m == 'trajectories.api' or m.startswith('trajectories.api.')))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_a_pydantic_error_names_its_fields():
    problem = problems.invalid_input(
        [{"loc": ("body", "participant", "age_band"), "msg": "Value error, too young", "type": "value_error"}]
    )
    assert (problem.error, problem.kind, problem.fields) == (
        ErrorCode.INVALID_INPUT,
        problems.Kind.INVALID,
        ["participant.age_band"],
    )
    assert problem.message == "field 'participant.age_band': too young"
