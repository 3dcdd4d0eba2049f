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
