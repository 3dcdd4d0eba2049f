"""Connecting to Temporal: the one way every process (worker, API, CLI, run command) gets its client."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from temporalio.client import Client
from temporalio.envconfig import ClientConfig

from service import encryption


async def connect(*, keys: Sequence[encryption.CodecKey] | None = None, **overrides: Any) -> Client:
    """Connect with ``TEMPORAL_ADDRESS``, ``TEMPORAL_NAMESPACE``, TLS and API-key settings (or a profile),
    encrypting payloads with ``keys`` (default: the configured keys; none configured is an error, never
    a silent plain-text connection)."""
    settings: dict[str, Any] = dict(ClientConfig.load_client_connect_config())
    settings.setdefault("target_host", "localhost:7233")
    settings.update(overrides)
    return await Client.connect(**settings, data_converter=encryption.data_converter(keys))
