"""Choose the notification channel from configuration (``TRAJECTORIES_NOTIFY_CHANNEL``)."""

from __future__ import annotations

from activities.notifications import NotificationChannel, OutboxChannel
from activities.outbox import Outbox
from service import config


def channel_from_config(outbox: Outbox) -> NotificationChannel:
    """The outbox (default), SMTP or the signed webhook, with their settings from the environment."""
    name = config.notify_channel()
    if name == "smtp":
        from activities.smtp import SmtpChannel

        return SmtpChannel(config.smtp_settings(), outbox)
    if name == "webhook":
        from activities.webhook import WebhookChannel

        return WebhookChannel(config.webhook_settings(), outbox)
    return OutboxChannel(outbox)
