"""Alembic's commands on the records database: ``python -m records current``, ``... history``,
``... revision --autogenerate -m "payment ledger"`` (drafts a revision from ``records.schema``), ``... upgrade head``.

The database is ``--url`` or the configured one (``TRAJECTORIES_RECORDS_URL``, else ``TRAJECTORIES_AUDIT_URL``,
else ``var/records.db``). Opening it with the service migrates it anyway; this is for writing revisions.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from alembic.config import CommandLine

from records.database import alembic_config, engine_for, normalised


def configured_url() -> str:
    state = Path(os.environ.get("TRAJECTORIES_STATE_DIR") or Path(__file__).resolve().parent.parent / "var")
    return (
        os.environ.get("TRAJECTORIES_RECORDS_URL")
        or os.environ.get("TRAJECTORIES_AUDIT_URL")
        or f"sqlite:///{state / 'records.db'}"
    )


def main(argv: list[str]) -> None:
    url = configured_url()
    if argv[:1] == ["--url"] and len(argv) > 1:
        url, argv = argv[1], argv[2:]
    cli = CommandLine(prog="python -m records")
    options = cli.parser.parse_args(argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    engine_for(url).dispose()  # a SQLite file is created owner-only before Alembic touches it
    cli.run_cmd(alembic_config(normalised(url)), options)


if __name__ == "__main__":
    main(sys.argv[1:])
