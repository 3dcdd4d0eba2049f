"""A time-skipping Temporal test server per module, a real dev server for the session, a worker per test on
its own task queue: every client and worker encrypts payloads with a key made for this session."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from service import config, encryption
from tests.postgres import PostgresCluster
from tests.postgres import cluster as postgres_cluster
from tests.scenario import terminate_started
from trajectories import search_attributes
from trajectories.local_server import packaged_binary
from worker import build_worker
from workflows.contract import SEARCH_ATTRIBUTES

# Hypothesis explores new inputs on every developer run; in CI (``CI`` set) it replays a fixed sequence so a
# red build always means the change, never the draw. A finding seen locally is kept by adding an @example.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tests keep their state (audit database, default outbox) in a temporary directory, never in ``var/``."""
    path = tmp_path_factory.mktemp("state")
    os.environ["TRAJECTORIES_STATE_DIR"] = str(path)
    os.environ.pop("TRAJECTORIES_AUDIT_URL", None)
    os.environ.pop("TRAJECTORIES_RECORDS_URL", None)
    os.environ.pop("TRAJECTORIES_NOTIFY_CHANNEL", None)
    return path


# Every client the suite makes (fixtures, ``connect()``, worker subprocesses) encrypts with one fresh key,
# never written anywhere; a key set from outside (e.g. to test rotation by hand) is kept.
os.environ.setdefault(
    config.CODEC_KEYS_VARIABLE, encryption.CodecKey.generate(f"test-{uuid.uuid4().hex[:8]}").encoded()
)


def encrypting_converter() -> DataConverter:
    """The production converter (pydantic + AES-GCM codec) with the session's key."""
    return encryption.data_converter()


def test_server_path() -> str:
    return packaged_binary("temporal-test-server")


@pytest.fixture(scope="module")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    """One time-skipping server per test module: a module can never stall another's virtual clock."""
    environment = await WorkflowEnvironment.start_time_skipping(
        data_converter=encrypting_converter(), test_server_existing_path=test_server_path()
    )
    await search_attributes.register(environment.client)
    try:
        yield environment
    finally:
        await environment.shutdown()


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """A real dev server (in memory, loopback, random port): real visibility, real speculative tasks."""
    environment = await WorkflowEnvironment.start_local(
        data_converter=encrypting_converter(),
        dev_server_existing_path=packaged_binary("temporal"),
        search_attributes=SEARCH_ATTRIBUTES,
    )
    try:
        yield environment
    finally:
        await environment.shutdown()


@pytest.fixture
async def dev_worker(dev_env: WorkflowEnvironment, outbox: Path) -> AsyncIterator[Worker]:
    async with build_worker(dev_env.client, f"test-{uuid.uuid4()}", outbox=outbox) as running:
        try:
            yield running
        finally:
            await terminate_started(dev_env.client)


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@pytest.fixture
async def worker(env: WorkflowEnvironment, outbox: Path) -> AsyncIterator[Worker]:
    task_queue = f"test-{uuid.uuid4()}"
    async with build_worker(env.client, task_queue, outbox=outbox) as running:
        try:
            yield running
        finally:
            await terminate_started(env.client)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """A real PostgreSQL cluster for the session (tests/postgres.py); ``postgres.database()`` gives a fresh one."""
    yield from postgres_cluster()
