"""The audit trail's hash chain: each trajectory's rows are linked, so an altered or removed row shows.

Row ``n`` of a trajectory stores ``chain_seq = n``, the previous row's hash (``None`` for the first) and its
own hash: SHA-256 over a canonical JSON of its audit fields, its position and the previous hash. Changing a
field breaks that row's hash; removing a row breaks the next row's link (or leaves a gap in the positions).

NEVER change :func:`row_hash`: every row ever written is verified with it. Audit fields added later are
hashed when they hold a value (``None`` and ``""`` are left out), so older rows keep verifying.

What it cannot show on its own: someone who rewrites a row AND recomputes every later hash, or who removes a
trajectory's newest rows. Against that, keep the heads (``trajectories audit verify --heads``) somewhere the
database's users cannot write.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite: written in UTC
        return moment.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def row_hash(fields: Mapping[str, Any], seq: int, previous: str | None) -> str:
    """The hash of an audit row with ``fields`` (its audit fields, not ids or chain columns) at ``seq``."""
    body = {
        "fields": {name: canonical(value) for name, value in sorted(fields.items()) if value not in (None, "")},
        "seq": seq,
        "previous": previous or "",
    }
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
