"""Serving the HTTP API on a free loopback port inside a test, and a client for it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
from temporalio.client import Client

from tests.scenario import STARTED
from trajectories.api import create_app
from trajectories.api.server import bind, serving

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@contextlib.asynccontextmanager
async def api(client: Client, task_queue: str, **app_options: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The API over real HTTP, connected at startup (lifespan) to ``client``'s server, on its own port."""
    options = {"tokens": [TOKEN], "task_queue": task_queue, **app_options}
    options.setdefault(
        "connect_options",
        {"target_host": client.service_client.config.target_host, "namespace": client.namespace, "tls": False},
    )
    app = create_app(**options)
    async with serving(app, bind("127.0.0.1", 0)) as base_url:
        async with httpx.AsyncClient(base_url=base_url, headers=AUTH, timeout=30) as http:
            yield http


async def start(http: httpx.AsyncClient, client: Client, region: str, body: dict[str, Any]) -> httpx.Response:
    """POST a start; a trajectory it started is terminated when the test's worker stops."""
    response = await http.post(f"/regions/{region}/trajectories", json=body)
    if response.status_code == 201:
        STARTED.append(client.get_workflow_handle(response.json()["workflow_id"]))
    return response
