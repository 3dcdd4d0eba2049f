"""Real receivers on loopback for the notification channels: an SMTP server (aiosmtpd) and a webhook endpoint."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from trajectories.local_server import free_port


class Inbox:
    """An aiosmtpd handler that keeps every e-mail it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """An SMTP server on a random loopback port; yields its inbox and port."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@dataclass
class WebhookReceiver:
    """Verifies each POST's HMAC signature itself (not with the code under test) and keeps the valid ones."""

    secret: str
    status: int = 204
    received: list[dict[str, Any]] = field(default_factory=list)
    rejected: int = 0
    url: str = ""

    def accept(self, headers: Any, body: bytes) -> int:
        timestamp = headers.get("X-Trajectories-Timestamp", "")
        expected = (
            "sha256=" + hmac.new(self.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        )
        if not hmac.compare_digest(expected, headers.get("X-Trajectories-Signature", "")):
            self.rejected += 1
            return 401
        self.received.append({"headers": dict(headers), "body": json.loads(body)})
        return self.status


@contextmanager
def webhook_server(secret: str, status: int = 204) -> Iterator[WebhookReceiver]:
    """A webhook endpoint on a random loopback port that checks signatures."""
    receiver = WebhookReceiver(secret=secret, status=status)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's hook name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(receiver.accept(self.headers, body))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/notifications"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
