"""Settings from the environment, for every process (worker, API, CLI, run command). Temporal's own connection
variables are read by ``temporalio.envconfig``."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


DEFAULT_WORKFLOW_CACHE = 250


def workflow_cache_size() -> int:
    """``TRAJECTORIES_WORKFLOW_CACHE``: how many trajectories a worker keeps in memory between tasks (default
    250, against the SDK's 1,000). A cached trajectory takes about 0.7 MB (mostly its state machine's
    callbacks) and waits weeks for its next task; one that was evicted replays its short history (continue-as-new
    keeps it under a few hundred events) when it gets one. 250 keeps a worker under 500 MB however many
    trajectories are open (BENCHMARKS.md, scale)."""
    return int(os.environ.get("TRAJECTORIES_WORKFLOW_CACHE") or DEFAULT_WORKFLOW_CACHE)


DEFAULT_WORKFLOW_TASK_SLOTS = 8


def workflow_task_slots() -> int:
    """``TRAJECTORIES_WORKFLOW_TASK_SLOTS``: how many workflow tasks a worker works on at once (default 8,
    against the SDK's 100). Workflow code runs under one interpreter lock, so more tasks at once do not go
    faster; they only share the lock, and every task in flight is timed by the SDK's 2-second deadlock check
    from the moment it starts. With the SDK's default a burst (200 trajectories started at once, a hand-over,
    a quarter's fees falling due together) ran 100 first activations side by side, each past 2 seconds, and
    failed them as deadlocked. Tasks beyond the slots wait in Temporal's task queue, where no clock runs
    against them. Raise it with more cores per worker, or run more workers."""
    return int(os.environ.get("TRAJECTORIES_WORKFLOW_TASK_SLOTS") or DEFAULT_WORKFLOW_TASK_SLOTS)


def external_cluster() -> bool:
    """Whether ``TEMPORAL_ADDRESS`` points at a cluster to use instead of the embedded dev server."""
    return bool(os.environ.get("TEMPORAL_ADDRESS"))


def _flag(name: str) -> bool:
    return (os.environ.get(name) or "").strip().lower() in {"1", "true", "yes", "on"}


def notify_channel() -> str:
    """``TRAJECTORIES_NOTIFY_CHANNEL``: ``outbox`` (default), ``smtp`` or ``webhook``."""
    name = (os.environ.get("TRAJECTORIES_NOTIFY_CHANNEL") or "outbox").strip().lower()
    if name not in {"outbox", "smtp", "webhook"}:
        raise ValueError(f"TRAJECTORIES_NOTIFY_CHANNEL must be outbox, smtp or webhook, not {name!r}")
    return name


@dataclass(frozen=True)
class SmtpSettings:
    """Where and as whom e-mail is sent; recipients are ids, turned into addresses by ``to_template``."""

    host: str
    port: int = 25
    sender: str = "trajectories@localhost"
    to_template: str = "{recipient}@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0


def smtp_settings() -> SmtpSettings:
    """``TRAJECTORIES_SMTP_*``: host (required), port, from, to-template, username, password, starttls."""
    host = os.environ.get("TRAJECTORIES_SMTP_HOST")
    if not host:
        raise ValueError("TRAJECTORIES_SMTP_HOST is required when TRAJECTORIES_NOTIFY_CHANNEL=smtp")
    return SmtpSettings(
        host=host,
        port=int(os.environ.get("TRAJECTORIES_SMTP_PORT") or 25),
        sender=os.environ.get("TRAJECTORIES_SMTP_FROM") or SmtpSettings.sender,
        to_template=os.environ.get("TRAJECTORIES_SMTP_TO") or SmtpSettings.to_template,
        username=os.environ.get("TRAJECTORIES_SMTP_USERNAME") or None,
        password=os.environ.get("TRAJECTORIES_SMTP_PASSWORD") or None,
        starttls=_flag("TRAJECTORIES_SMTP_STARTTLS"),
    )


@dataclass(frozen=True)
class WebhookSettings:
    """Where notifications are POSTed and the shared secret that signs them."""

    url: str
    secret: str
    timeout: float = 10.0


def webhook_settings() -> WebhookSettings:
    """``TRAJECTORIES_WEBHOOK_URL`` and ``TRAJECTORIES_WEBHOOK_SECRET`` (both required for the webhook channel)."""
    url, secret = os.environ.get("TRAJECTORIES_WEBHOOK_URL"), os.environ.get("TRAJECTORIES_WEBHOOK_SECRET")
    if not url or not secret:
        raise ValueError(
            "TRAJECTORIES_WEBHOOK_URL and TRAJECTORIES_WEBHOOK_SECRET are required for the webhook channel"
        )
    return WebhookSettings(url=url, secret=secret, timeout=float(os.environ.get("TRAJECTORIES_WEBHOOK_TIMEOUT") or 10))


def operations_recipient() -> str:
    """``TRAJECTORIES_OPERATIONS_RECIPIENT``: who is told about undeliverable notifications (default ``operations``)."""
    return os.environ.get("TRAJECTORIES_OPERATIONS_RECIPIENT") or "operations"


def records_url() -> str:
    """``TRAJECTORIES_RECORDS_URL``: SQLAlchemy URL of the records database (audit trail, ledger, agenda, ...);
    the older ``TRAJECTORIES_AUDIT_URL`` is still honoured; default a SQLite file ``records.db`` in the state dir."""
    return (
        os.environ.get("TRAJECTORIES_RECORDS_URL")
        or os.environ.get("TRAJECTORIES_AUDIT_URL")
        or f"sqlite:///{state_dir() / 'records.db'}"
    )


audit_url = records_url
"""The audit trail lives in the records database (the name from before it held more)."""


CODEC_KEYS_VARIABLE = "TRAJECTORIES_CODEC_KEYS"
CODEC_KEYS_FILE_VARIABLE = "TRAJECTORIES_CODEC_KEYS_FILE"


def codec_keys_file() -> Path:
    """``TRAJECTORIES_CODEC_KEYS_FILE``: a file of ``keyid:base64key`` lines (default ``var/codec-keys``, the
    dev key the run command creates when no key is configured)."""
    return Path(os.environ.get(CODEC_KEYS_FILE_VARIABLE) or state_dir() / "codec-keys")


CODEC_TOKENS_VARIABLE = "TRAJECTORIES_CODEC_TOKENS"
DEFAULT_CODEC_PORT = 8081


def codec_tokens_file() -> Path:
    """Where the run command keeps the dev codec-server token when ``TRAJECTORIES_CODEC_TOKENS`` is unset."""
    return Path(os.environ.get("TRAJECTORIES_CODEC_TOKENS_FILE") or state_dir() / "codec-tokens")


def codec_port() -> int:
    """``TRAJECTORIES_CODEC_PORT``: the codec server's loopback port (default 8081)."""
    return int(os.environ.get("TRAJECTORIES_CODEC_PORT") or DEFAULT_CODEC_PORT)


def codec_ui_origins(default: list[str]) -> list[str]:
    """``TRAJECTORIES_CODEC_UI_ORIGINS``: comma-separated Web UI origins allowed to call the codec server."""
    configured = os.environ.get("TRAJECTORIES_CODEC_UI_ORIGINS")
    return [origin.strip() for origin in configured.split(",") if origin.strip()] if configured else default


def create_private_file(path: Path, text: str) -> bool:
    """Write ``text`` to a new file readable by its owner only (0600); False if it already exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    return True


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


POLICY_OVERRIDES_VARIABLE = "TRAJECTORIES_POLICY_OVERRIDES"


def policy_overrides() -> dict[str, dict[str, Any]]:
    """``TRAJECTORIES_POLICY_OVERRIDES``: JSON ``{"<region>": {"<policy field>": value}}`` that a worker started
    with ``python -m worker`` applies to its routes (durations as ISO 8601, e.g. ``"PT5S"``). Tests and demos
    only: never on a worker that serves real trajectories."""
    raw = os.environ.get(POLICY_OVERRIDES_VARIABLE)
    if not raw:
        return {}
    value = json.loads(raw)
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ValueError(f"{POLICY_OVERRIDES_VARIABLE} must be a JSON object of objects, region → fields")
    return value
