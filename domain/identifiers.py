"""Constrained identifier and text types.

Identifiers end up in workflow IDs, search attributes and log lines, so they are pseudonymous by
construction: a bare number (the shape of a BSN, the Dutch citizen service number), nine digits that pass
the BSN's elfproef with or without separators (``123-45-6782``, ``p.123.456.782``), or anything with spaces
(the shape of a name) is refused before it can reach Temporal's visibility store.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"


_SEPARATED_DIGITS = re.compile(r"(?<![A-Za-z0-9])[0-9](?:[0-9]|[-._: ][0-9])*(?![A-Za-z0-9])")


def passes_elfproef(digits: str) -> bool:
    """The BSN's eleven test (*elfproef*): 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(weight * int(digit) for weight, digit in zip(weights, digits, strict=True)) % 11 == 0


def bsn_shaped(value: str) -> bool:
    """Whether ``value`` holds a BSN in any spelling: a group of digits and single separators (``-``, ``.``,
    ``_``, ``:``, space) standing on its own (not glued to letters or digits, as in a random hex id) whose
    nine digits pass the elfproef: ``123456782``, ``123-45-6782``, ``coach.123.456.782``."""
    return any(passes_elfproef(re.sub(r"[^0-9]", "", group)) for group in _SEPARATED_DIGITS.findall(value))


def _no_bsn(value: str) -> str:
    if bsn_shaped(value):
        raise ValueError(
            "holds nine digits that pass the elfproef (the shape of a BSN): use a pseudonymous reference, "
            "never a BSN, with or without separators"
        )
    return value


def _not_bare_number(value: str) -> str:
    if re.fullmatch(r"[0-9]+", value):
        raise ValueError("must be a pseudonymous reference, not a bare number (a BSN must never be used)")
    return _no_bsn(value)


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
    AfterValidator(_no_bsn),
]
"""A provider or employer, by the municipality's own code."""

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]
"""A short free-text reason; bounded so history and views stay small."""

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
