"""Settings from the environment. Temporal's own connection variables are read by ``temporalio.envconfig``."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TASK_QUEUE = "trajectories"


def task_queue() -> str:
    """``TRAJECTORIES_TASK_QUEUE``, default ``trajectories``."""
    return os.environ.get("TRAJECTORIES_TASK_QUEUE") or DEFAULT_TASK_QUEUE


def state_dir() -> Path:
    """``TRAJECTORIES_STATE_DIR``: where the dev server's database and the outbox live (default ``var/``)."""
    return Path(os.environ.get("TRAJECTORIES_STATE_DIR") or PROJECT_ROOT / "var")


def outbox_dir() -> Path:
    """``TRAJECTORIES_OUTBOX``: the directory of the default notification, UWV and payment outbox."""
    return Path(os.environ.get("TRAJECTORIES_OUTBOX") or state_dir() / "outbox")


def external_cluster() -> bool:
    """Whether ``TEMPORAL_ADDRESS`` points at a cluster to use instead of the embedded dev server."""
    return bool(os.environ.get("TEMPORAL_ADDRESS"))


DEFAULT_API_PORT = 8080


def api_host() -> str:
    """``TRAJECTORIES_API_HOST``: where the run command serves the HTTP API (default loopback only)."""
    return os.environ.get("TRAJECTORIES_API_HOST") or "127.0.0.1"


def api_port() -> int:
    """``TRAJECTORIES_API_PORT``: the HTTP API's port for the run command (default 8080)."""
    value = os.environ.get("TRAJECTORIES_API_PORT") or str(DEFAULT_API_PORT)
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"TRAJECTORIES_API_PORT must be a port number, not {value!r}") from None
