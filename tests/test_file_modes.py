"""Every file the service creates is its owner's only (0600, folders 0700): the records database, the dev server's
``temporal.db`` and its WAL files, logs, outbox records, the API token, the lock file."""

from __future__ import annotations

import stat
import time
from datetime import UTC, datetime
from pathlib import Path

from activities.outbox import Outbox
from domain.messages import DeliveryReceipt
from tests.serving import READY, Serve


def shared(root: Path) -> list[str]:
    """What under ``root`` (not ``root`` itself) group or others may read, write or enter."""
    return [
        f"{path.relative_to(root)} {stat.filemode(path.stat().st_mode)}"
        for path in sorted(root.rglob("*"))
        if stat.S_IMODE(path.stat().st_mode) & 0o077
    ]


def test_outbox_records_and_folders_are_private(tmp_path: Path):
    outbox = Outbox(tmp_path / "outbox")
    outbox.put("delivered", "n1", DeliveryReceipt(id="n1", channel="smtp", delivered_at=datetime.now(UTC)))
    assert shared(tmp_path) == []


def test_serve_creates_nothing_others_can_read(tmp_path: Path):
    serve = Serve.on_free_ports(tmp_path / "var")
    serve.start()
    try:
        serve.wait_for(READY)
        deadline = time.monotonic() + 60  # the samples' first notifications reach the outbox
        while not list((serve.state_dir / "outbox").rglob("*.json")) and time.monotonic() < deadline:
            time.sleep(0.5)
        created = {path.name for path in serve.state_dir.rglob("*")}
        assert {"temporal.db", "records.db", "api-token", "outbox"} <= created, created
        assert shared(serve.state_dir) == []
    finally:
        serve.stop()
