"""Constrained identifier and text types.

Identifiers end up in workflow IDs, search attributes and log lines, so they are pseudonymous by
construction: a bare number (the shape of a BSN, the Dutch citizen service number) or anything with
spaces (the shape of a name) is refused before it can reach Temporal's visibility store.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"


def _not_bare_number(value: str) -> str:
    if re.fullmatch(r"[0-9]+", value):
        raise ValueError(
            "must be a pseudonymous reference, not a bare number (a BSN must never be used)"
        )
    return value


TrajectoryId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$"),
    AfterValidator(_not_bare_number),
    Field(description="Chosen by the caller; lower-case letters, digits and dashes."),
]
"""Identifies one trajectory within a region; part of the workflow ID."""

PseudonymousRef = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=6, max_length=64, pattern=_ID_PATTERN),
    AfterValidator(_not_bare_number),
    Field(description="Pseudonymous participant reference from the municipality's own register."),
]
"""Points at a participant without naming them: never a BSN, never a name."""

StaffId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=64, pattern=_ID_PATTERN),
    AfterValidator(_not_bare_number),
]
"""A coach, consultant, team lead or system actor (e.g. ``coach-17``, ``backend:uwv-gateway``)."""

OrganisationId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=64, pattern=_ID_PATTERN),
]
"""A provider or employer, by the municipality's own code."""

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]
"""A short free-text reason; bounded so history and views stay small."""

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
