"""Rules for the suite itself, checked on its source: a hang is a bug of the test, and it must not happen.

A workflow's result awaited after the worker that runs it has stopped waits forever (nothing completes the
run); pytest-timeout would end it after minutes, this check names the line at once.
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

from tests.doc_dates import substitute

TESTS = Path(__file__).resolve().parent
WORKER_FACTORIES = {"build_worker", "Worker"}


def _starts_worker(node: ast.AsyncWith) -> bool:
    for item in node.items:
        for call in ast.walk(item.context_expr):
            if isinstance(call, ast.Call):
                name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
                if name in WORKER_FACTORIES:
                    return True
    return False


def _awaits_result(node: ast.AST) -> bool:
    """``await handle.result()``, possibly wrapped (``await asyncio.wait_for(handle.result(), ...)``)."""
    if not isinstance(node, ast.Await):
        return False
    return any(
        isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "result"
        for call in ast.walk(node.value)
    )


def results_awaited_without_worker(source: str, filename: str = "<test>") -> list[str]:
    """``file:line`` of every workflow result awaited, in a test that runs its own worker (``async with
    build_worker(...)``), outside every such block."""
    found = []
    for function in ast.walk(ast.parse(source, filename)):
        if not isinstance(function, ast.AsyncFunctionDef):
            continue
        blocks = [node for node in ast.walk(function) if isinstance(node, ast.AsyncWith) and _starts_worker(node)]
        if not blocks:
            continue
        inside = {id(inner) for block in blocks for stmt in block.body for inner in ast.walk(stmt)}
        found += [
            f"{filename}:{node.lineno}"
            for node in ast.walk(function)
            if _awaits_result(node) and id(node) not in inside
        ]
    return found


def test_the_check_finds_a_result_awaited_after_the_worker_stopped():
    hanging = (
        "async def test_x(client):\n"
        "    async with build_worker(client, 'q'):\n"
        "        handle = await client.start_workflow('W', id='w', task_queue='q')\n"
        "    await handle.result()\n"
    )
    assert results_awaited_without_worker(hanging) == ["<test>:4"]
    assert results_awaited_without_worker(hanging.replace("\n    await handle", "\n        await handle")) == []


def test_no_test_awaits_a_workflow_after_its_worker_stopped():
    found = [
        line
        for path in sorted(TESTS.rglob("*.py"))
        for line in results_awaited_without_worker(path.read_text(encoding="utf-8"), str(path.relative_to(TESTS)))
    ]
    assert found == []


def test_placeholders_are_days_from_today():
    assert substitute('"{{today}}" "{{today+30}}" "{{today-14}}"', date(2026, 12, 1)) == (
        '"2026-12-01" "2026-12-31" "2026-11-17"'
    )
