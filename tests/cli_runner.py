"""Running the ``trajectories`` command's ``main`` in a test, against a real Temporal server."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
from temporalio.client import Client

from trajectories.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str


def point_at(monkeypatch: pytest.MonkeyPatch, client: Client, task_queue: str) -> None:
    """The environment a member of staff would set: where Temporal is, and the task queue."""
    monkeypatch.setenv("TEMPORAL_ADDRESS", client.service_client.config.target_host)
    monkeypatch.setenv("TEMPORAL_NAMESPACE", client.namespace)
    monkeypatch.setenv("TRAJECTORIES_TASK_QUEUE", task_queue)
    monkeypatch.setenv("COLUMNS", "200")  # wide tables: ids are never folded


async def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    """``trajectories ARGV…``; main runs its own event loop, so in a thread."""
    capsys.readouterr()
    code = await asyncio.to_thread(main, list(argv))
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)
