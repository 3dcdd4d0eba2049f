"""Real processes for crash tests: a dev server on a database file, and a worker in its own process.

Both listen on loopback only, on free ports picked at random, and are always reaped. The worker process is
``python -m worker`` configured by environment variables, exactly as it runs in production, so killing it
with SIGKILL is a real crash: nothing in it gets to clean up.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from temporalio.client import Client

from tests.conftest import encrypting_converter, packaged_binary
from trajectories import config, search_attributes

STARTUP_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DevServer:
    """``temporal server start-dev`` on ``database``: stop it and start it again, the trajectories stay."""

    def __init__(self, database: Path):
        self.database = database
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.log = database.with_suffix(".log")
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        return [
            packaged_binary("temporal"), "server", "start-dev",
            "--db-filename", str(self.database), "--ip", "127.0.0.1", "--port", str(self.port),
            "--http-port", str(free_port()), "--metrics-port", str(free_port()), "--headless",
            "--namespace", "default", "--log-level", "error", *search_attributes.cli_flags(),
        ]  # fmt: skip

    async def start(self) -> Client:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"dev server exited with {self.process.returncode}: {self.log.read_text()[-2000:]}")
            try:
                client = await Client.connect(self.address, data_converter=encrypting_converter())
                await search_attributes.register(client)
                return client
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.3)

    def stop(self) -> None:
        """SIGTERM (the server flushes and closes its database), SIGKILL if it hangs; always reaped."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


class WorkerProcess:
    """``python -m worker`` against ``address`` on ``task_queue``, writing to ``outbox``."""

    def __init__(self, address: str, task_queue: str, outbox: Path, *, policy_overrides: str | None = None):
        self.env: dict[str, Any] = {
            **os.environ,
            "TEMPORAL_ADDRESS": address,
            "TEMPORAL_NAMESPACE": "default",
            "TRAJECTORIES_TASK_QUEUE": task_queue,
            "TRAJECTORIES_OUTBOX": str(outbox),
            # The session's codec key is in os.environ already (tests/conftest.py), so it encrypts alike.
        }
        if policy_overrides:
            self.env[config.POLICY_OVERRIDES_VARIABLE] = policy_overrides
        self.log = outbox.parent / f"worker-{task_queue}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "worker"],
                cwd=config.PROJECT_ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def kill(self) -> None:
        """SIGKILL: a crash, no shutdown of pollers or running activities."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
