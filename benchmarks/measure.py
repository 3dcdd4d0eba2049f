"""CPU seconds and memory of the processes a figure runs on: worker processes, the dev server, the test server."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import psutil

MB = 2**20


def tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` and its children, so far."""
    total = 0.0
    for process in tree(pid):
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def test_server_pid() -> int | None:
    """The newest time-skipping test server this process started (the SDK starts it as our child)."""
    servers = [
        child for child in psutil.Process().children(recursive=True)
        if "temporal-test-server" in " ".join(_cmdline(child))
    ]  # fmt: skip
    return max(servers, key=lambda p: p.create_time()).pid if servers else None


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


@dataclass
class Cpu:
    """CPU seconds spent by named processes between ``start()`` and ``stop()`` (``None`` pids are skipped)."""

    pids: Mapping[str, int | None]
    spent: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def measuring(self) -> Iterator[Cpu]:
        before = {name: cpu_seconds(pid) for name, pid in self.pids.items() if pid is not None}
        try:
            yield self
        finally:
            for name, seconds in before.items():
                pid = self.pids[name]
                assert pid is not None
                self.spent[name] = self.spent.get(name, 0.0) + cpu_seconds(pid) - seconds

    def seconds(self, name: str) -> float | None:
        """CPU seconds of ``name``, or of ``name0``, ``name1``, ... together (several worker processes)."""
        parts = [v for k, v in self.spent.items() if k == name or (k.startswith(name) and k[len(name) :].isdigit())]
        return sum(parts) if parts else None

    def ms_per(self, name: str, count: int) -> float | None:
        seconds = self.seconds(name)
        return seconds * 1000 / count if seconds is not None and count else None


def me() -> int:
    return os.getpid()
