"""A directory of JSON records, one file per record, written at most once.

The default delivery mechanism of this service (the transactional-outbox idea on a file system): a
record is written atomically under its id, and a second write with the same id is a no-op. That makes
every activity built on it idempotent under Temporal's retries. An integration (mail relay, UWV gateway,
payments system) picks the files up; issue-specific channels replace it where configured.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from pydantic import BaseModel

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Outbox:
    """Writes each record once under ``root/<kind>/<id>.json``."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path_for(self, kind: str, record_id: str) -> Path:
        return self.root / kind / f"{_SAFE.sub('_', record_id)}.json"

    def has(self, kind: str, record_id: str) -> bool:
        return self.path_for(kind, record_id).exists()

    def put(self, kind: str, record_id: str, record: BaseModel) -> bool:
        """Write ``record`` unless it is there already; return whether this call wrote it."""
        target = self.path_for(kind, record_id)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)  # records are 0600 (mkstemp), folders 0700
        target.parent.mkdir(mode=0o700, exist_ok=True)
        if target.exists():
            return False
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(record.model_dump_json(indent=2))
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(tmp, target)  # fails if another attempt won the race: exactly once
            except FileExistsError:
                return False
            return True
        finally:
            os.unlink(tmp)

    def records(self, kind: str) -> list[Path]:
        folder = self.root / kind
        return sorted(folder.glob("*.json")) if folder.exists() else []
