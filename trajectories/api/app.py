"""The app factory: one Temporal client for the app's lifetime, the routes, the error handlers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from temporalio.client import Client

from trajectories import config
from trajectories.api import agenda, coaches, errors, figures
from trajectories.api.auth import check_tokens, configured_tokens
from trajectories.api.routes import router
from trajectories.client import connect

logger = logging.getLogger("trajectories.api")

VIEW_TIMEOUT = timedelta(seconds=10)
"""A view is a Query that a worker answers; a backend gets 504 after this rather than hang for Temporal's 30 s."""

DESCRIPTION = """Start trajectories, submit events, read views and list trajectories for backend services.
Every call needs `Authorization: Bearer <token>`. Errors have the body `{"error", "message", ...}`."""


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
    task_queue: str | None = None,
    audit_url: str | None = None,
    view_timeout: timedelta = VIEW_TIMEOUT,
) -> FastAPI:
    """The API. ``client``: use this one (the run command shares its own); else connect at startup with
    ``connect_options`` over the environment's settings. ``tokens``: else from the environment.
    ``audit_url``: the audit trail's database, else ``TRAJECTORIES_AUDIT_URL``. ``view_timeout``: how long a
    view waits for a worker before answering 504."""
    accepted = check_tokens(tokens if tokens is not None else configured_tokens())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.client = client or await connect_or_defer(**(connect_options or {}))
        yield

    app = FastAPI(title="trajectories", version="1", description=DESCRIPTION, lifespan=lifespan)
    app.state.tokens = accepted
    app.state.task_queue = task_queue or config.task_queue()
    app.state.audit_url = audit_url or config.audit_url()
    app.state.view_timeout = view_timeout
    errors.install(app)
    app.include_router(router)
    app.include_router(coaches.router)
    app.include_router(figures.router)
    app.include_router(agenda.router)
    return app
