"""The app factory: one Temporal client for the app's lifetime, the routes, the error handlers."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from temporalio.client import Client

from service import config
from trajectories.api import agenda, coaches, errors, figures
from trajectories.api.auth import api_clients, check_route_scopes
from trajectories.api.limits import RequestLimits
from trajectories.api.routes import router
from trajectories.api.waits import DEFAULT_WAIT, Clock, wall_clock
from trajectories.api_clients import ApiClient
from trajectories.client import connect
from trajectories.signins import FailedSignIns

logger = logging.getLogger("trajectories.api")

VIEW_TIMEOUT = DEFAULT_WAIT
"""How long a view or an event waits for a worker before 503 ``WorkerUnavailable`` (``TRAJECTORIES_API_WAIT``
in seconds)."""

DESCRIPTION = """Start trajectories, submit events, read views and list trajectories for backend services.
Every call needs `Authorization: Bearer <token>` of a client whose scopes and regions allow it. Errors have
the body `{"error", "message", ...}`. Bodies: at most 64 KiB, JSON nested at most 32 deep, valid Unicode."""


async def connect_or_defer(**options: Any) -> Client:
    """Connect now; if Temporal is down, a lazy client that connects on first use (calls answer 503 until then)."""
    try:
        return await connect(**options)
    except RuntimeError as error:  # the SDK's "Failed client connect"; configuration errors stay fatal
        logger.warning("Temporal unreachable at startup (%s); the API answers 503 until it is reachable", error)
        return await connect(**options, lazy=True)


def create_app(
    *,
    client: Client | None = None,
    connect_options: dict[str, Any] | None = None,
    tokens: list[str] | None = None,
    clients: list[ApiClient] | None = None,
    task_queue: str | None = None,
    audit_url: str | None = None,
    view_timeout: timedelta | None = None,
    clock: Clock = wall_clock,
    failed_sign_ins: FailedSignIns | None = None,
) -> FastAPI:
    """The API. ``client``: use this one (the run command shares its own); else connect at startup with
    ``connect_options`` over the environment's settings. ``tokens``: else from the environment.
    ``clients``: else ``TRAJECTORIES_API_CLIENTS``; ``tokens`` (local use, every scope): else
    ``TRAJECTORIES_API_TOKENS``/the token file. ``audit_url``: the audit trail's database, else
    ``TRAJECTORIES_AUDIT_URL``. ``view_timeout``: how long a view or event waits for a worker before 503.
    ``clock``: Temporal's clock (an event's expiry is set on it; tests pass the time-skipping server's)."""
    accepted = api_clients(tokens, clients)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.client = client or await connect_or_defer(**(connect_options or {}))
        yield

    app = FastAPI(title="trajectories", version="1", description=DESCRIPTION, lifespan=lifespan)
    app.state.clients = accepted
    app.state.failed_sign_ins = failed_sign_ins or FailedSignIns()
    app.state.clock = clock
    app.state.task_queue = task_queue or config.task_queue()
    app.state.audit_url = audit_url or config.audit_url()
    app.state.view_timeout = view_timeout or config_wait()
    errors.install(app)
    app.include_router(router)
    app.include_router(coaches.router)
    app.include_router(figures.router)
    app.include_router(agenda.router)
    check_route_scopes(app.routes)
    app.add_middleware(RequestLimits)
    return app


def config_wait() -> timedelta:
    """``TRAJECTORIES_API_WAIT`` (seconds), default 10."""
    return timedelta(seconds=float(os.environ.get("TRAJECTORIES_API_WAIT") or VIEW_TIMEOUT.total_seconds()))
