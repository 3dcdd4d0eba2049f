"""The SMTP e-mail channel: one e-mail per notification, with a calendar attachment when something is due."""

from __future__ import annotations

import logging
import re
from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib

from activities.calendar import ics_for
from activities.notifications import DeliveryLedger
from activities.outbox import Outbox
from domain.messages import NotificationMessage
from service.config import SmtpSettings

log = logging.getLogger(__name__)

_NOT_ATEXT = re.compile(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+")


def message_id_header(notification_id: str) -> str:
    """A deterministic ``Message-ID`` from the notification id, so mail systems can drop a duplicate."""
    return f"<{_NOT_ATEXT.sub('.', notification_id)}@trajectories>"


def email_for(message: NotificationMessage, settings: SmtpSettings) -> EmailMessage:
    """The e-mail for ``message``: plain text, plus ``due.ics`` when the message carries a due date."""
    mail = EmailMessage()
    mail["From"] = settings.sender
    mail["To"] = settings.to_template.format(recipient=message.recipient)
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(message.created_at)
    mail["Message-ID"] = message_id_header(message.id)
    mail["X-Trajectory-Workflow-Id"] = message.workflow_id
    mail.set_content(message.body + "\n")
    calendar = ics_for(message)
    if calendar is not None:
        mail.add_attachment(
            calendar.decode("utf-8"), subtype="calendar", filename="due.ics", params={"method": "PUBLISH"}
        )
    return mail


class SmtpChannel:
    """Sends through an SMTP relay (aiosmtplib); the outbox ledger makes a retried activity send nothing twice."""

    name = "smtp"

    def __init__(self, settings: SmtpSettings, outbox: Outbox):
        self.settings = settings
        self.ledger = DeliveryLedger(outbox, self.name)

    async def deliver(self, message: NotificationMessage) -> bool:
        if self.ledger.delivered(message):
            return False
        settings = self.settings
        await aiosmtplib.send(
            email_for(message, settings),
            hostname=settings.host,
            port=settings.port,
            username=settings.username,
            password=settings.password,
            start_tls=settings.starttls,
            timeout=settings.timeout,
        )
        self.ledger.record(message)
        log.info("notification %s %s e-mailed to %s", message.id, message.kind, message.recipient)
        return True
