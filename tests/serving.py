"""``python -m trajectories.run`` (what ``python3 dev.py serve`` runs) as a real process on free ports, with its
state in a temporary directory: the operator's and the newcomer's path, tested as they take it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from service import config
from trajectories.local_server import free_port

READY = "press Ctrl-C to stop"


@dataclass
class Serve:
    """One ``serve`` process; ``env`` carries its ports and state directory."""

    state_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    name: str = "serve"
    process: subprocess.Popen[bytes] | None = None

    @classmethod
    def on_free_ports(cls, state_dir: Path) -> Serve:
        env = {key: value for key, value in os.environ.items() if not key.startswith("TEMPORAL_")}
        env.update(
            TRAJECTORIES_STATE_DIR=str(state_dir),
            TRAJECTORIES_DEV_PORT=str(free_port()),
            TRAJECTORIES_DEV_UI_PORT=str(free_port()),
            TRAJECTORIES_API_PORT=str(free_port()),
            TRAJECTORIES_CODEC_PORT=str(free_port()),
            COLUMNS="80",
        )
        env.pop("TRAJECTORIES_CODEC_TOKENS", None)
        env.pop("TRAJECTORIES_API_TOKENS", None)
        return cls(state_dir, env)

    @property
    def log(self) -> Path:
        return self.state_dir.parent / f"{self.name}.log"

    def port(self, name: str) -> int:
        return int(self.env[f"TRAJECTORIES_{name}_PORT"])

    def start(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "trajectories.run"], cwd=config.PROJECT_ROOT, env=self.env,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for(self, pattern: str, timeout: float = 180) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.output())
            if found:
                return found
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited with {self.process.returncode}:\n{self.output()[-3000:]}")
            time.sleep(0.2)
        raise AssertionError(f"no {pattern!r} within {timeout:g}s:\n{self.output()[-3000:]}")

    def run_to_exit(self, timeout: float = 60) -> int:
        """Start and wait for the process to end by itself (a refused start)."""
        self.start()
        assert self.process is not None
        return self.process.wait(timeout)

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl-C, as in a terminal; the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout)
        finally:
            self.stop()

    def stop(self) -> None:
        """Ctrl-C, so it stops its dev server in order; SIGKILL if it hangs (the server follows: PDEATHSIG)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
