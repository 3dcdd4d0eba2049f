"""Serving the HTTP API on a free loopback port inside a test, and a client for it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from google.protobuf.empty_pb2 import Empty
from temporalio.client import Client
from temporalio.service import RPCError

from tests.scenario import STARTED
from trajectories.api import create_app
from trajectories.api.server import bind, serving
from trajectories.api.waits import wall_clock

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@contextlib.asynccontextmanager
async def api(client: Client, task_queue: str, **app_options: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The API over real HTTP, connected at startup (lifespan) to ``client``'s server, on its own port."""
    options = {"tokens": [TOKEN], "task_queue": task_queue, "clock": await temporal_clock(client), **app_options}
    options.setdefault(
        "connect_options",
        {"target_host": client.service_client.config.target_host, "namespace": client.namespace, "tls": False},
    )
    app = create_app(**options)
    async with serving(app, bind("127.0.0.1", 0)) as base_url:
        async with httpx.AsyncClient(base_url=base_url, headers=AUTH, timeout=30) as http:
            yield http


async def temporal_clock(client: Client) -> Callable[[], Awaitable[datetime]]:
    """The server's clock: the time-skipping test server's virtual time (an event's expiry is set on it), else
    the host's."""
    try:
        await client.test_service.get_current_time(Empty())
    except RPCError:
        return wall_clock

    async def virtual() -> datetime:
        return (await client.test_service.get_current_time(Empty())).time.ToDatetime(UTC)

    return virtual


async def start(http: httpx.AsyncClient, client: Client, region: str, body: dict[str, Any]) -> httpx.Response:
    """POST a start; a trajectory it started is terminated when the test's worker stops."""
    response = await http.post(f"/regions/{region}/trajectories", json=body)
    if response.status_code == 201:
        STARTED.append(client.get_workflow_handle(response.json()["workflow_id"]))
    return response
