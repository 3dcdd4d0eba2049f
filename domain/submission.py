"""What the API adds to an event it submits: the authenticated caller and the moment the event expires.

The API puts it into the Update's event as the field ``submission`` after refusing a request body that has
one, so a caller cannot set it. The trajectory takes it out before parsing the event, records ``client``
beside the ``actor`` the event claims, and its validator refuses an event once ``expires_at`` has passed, so
an event the API answered 503 for (no worker took it in time) is never applied later. (A second Update
argument would be cleaner, but the SDK drops all type hints when a caller sends fewer arguments.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SUBMISSION_FIELD = "submission"


class Submission(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    client: str = Field(description="The API client that submitted the event (authenticated by its token).")
    expires_at: datetime | None = Field(
        default=None, description="Refused if a worker validates it later than this (Temporal's clock)."
    )


DECRYPTED_METADATA = "trajectories-decrypted-with"
"""Payload metadata the encryption codec sets on what it decrypted (the key id) and strips from anything it
passes through: a trajectory refuses an event without it, as it arrived in plain text."""


def was_encrypted(payload: Any) -> bool:
    """Whether a decoded Temporal ``Payload`` arrived encrypted with a key the worker knows."""
    return DECRYPTED_METADATA in payload.metadata
