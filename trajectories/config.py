"""Settings from the environment. Temporal's own connection variables are read by ``temporalio.envconfig``."""

from __future__ import annotations

import os
from dataclasses import dataclass
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
        raise ValueError("TRAJECTORIES_WEBHOOK_URL and TRAJECTORIES_WEBHOOK_SECRET are required for the webhook channel")
    return WebhookSettings(url=url, secret=secret, timeout=float(os.environ.get("TRAJECTORIES_WEBHOOK_TIMEOUT") or 10))


def operations_recipient() -> str:
    """``TRAJECTORIES_OPERATIONS_RECIPIENT``: who is told about undeliverable notifications (default ``operations``)."""
    return os.environ.get("TRAJECTORIES_OPERATIONS_RECIPIENT") or "operations"


def audit_url() -> str:
    """``TRAJECTORIES_AUDIT_URL``: SQLAlchemy URL of the audit trail (default a SQLite file under the state dir)."""
    return os.environ.get("TRAJECTORIES_AUDIT_URL") or f"sqlite:///{state_dir() / 'audit.db'}"
