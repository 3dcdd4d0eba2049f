"""Real processes for crash tests: a dev server on a database file, and a worker in its own process.

Both listen on loopback only, on free ports picked at random, and are always reaped. The worker process is
``python -m worker`` configured by environment variables, exactly as it runs in production, so killing it
with SIGKILL is a real crash: nothing in it gets to clean up.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from service import config
from tests.conftest import encrypting_converter
from trajectories.local_server import LocalDevServer


class DevServer(LocalDevServer):
    """``temporal server start-dev`` on ``database``, encrypting like the rest of the suite."""

    def __init__(self, database: Path):
        super().__init__(database, encrypting_converter())


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
