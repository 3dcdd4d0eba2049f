"""The records database: made by its migrations, opened safely by many processes at once, owner-only on disk."""

from __future__ import annotations

import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from activities.audit import AuditLog
from domain.messages import AuditEntry
from records import open_records
from records.database import current_revision, head
from records.schema import metadata
from trajectories.audit import verify_trail

LEGACY_AUDIT_TRAIL = """
CREATE TABLE audit_trail (
    id INTEGER NOT NULL, "key" VARCHAR(300) NOT NULL, workflow_id VARCHAR(200) NOT NULL, kind VARCHAR(20) NOT NULL,
    name VARCHAR(100) NOT NULL, actor VARCHAR(200) NOT NULL, result VARCHAR(100) NOT NULL, origin VARCHAR(200) NOT NULL,
    at DATETIME NOT NULL, detail TEXT NOT NULL, recorded_at DATETIME NOT NULL, PRIMARY KEY (id), UNIQUE ("key")
)"""
"""The table exactly as the worker created it (``metadata.create_all``) before there were migrations."""


def entry(key: str = "trajectory-almere-x:event1") -> AuditEntry:
    return AuditEntry(
        key=key, workflow_id="trajectory-almere-x", kind="event", name="observation_started", actor="coach-anna",
        result="accepted", origin="update submit_event u-1", at=datetime(2027, 1, 4, 9, tzinfo=UTC),
    )  # fmt: skip


def test_the_migrations_make_exactly_the_schema_in_records_schema(tmp_path: Path):
    """A table added to records/schema.py without its revision (or the other way round) fails here."""
    records = open_records(f"sqlite:///{tmp_path}/records.db")
    with records.read() as connection:
        assert current_revision(connection) == head()
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []


def test_the_database_file_is_created_owner_only(tmp_path: Path):
    path = tmp_path / "var" / "records.db"
    AuditLog(f"sqlite:///{path}").write(entry())
    for file in path.parent.iterdir():  # the database, its WAL files and the migration lock
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


def test_an_audit_database_from_before_migrations_is_stamped_and_keeps_its_rows(tmp_path: Path):
    path = tmp_path / "audit.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql(LEGACY_AUDIT_TRAIL)
        connection.exec_driver_sql(
            "INSERT INTO audit_trail (key, workflow_id, kind, name, actor, result, origin, at, detail, recorded_at) "
            "VALUES ('trajectory-almere-x:event1', 'trajectory-almere-x', 'event', 'observation_started', 'coach-anna',"
            " 'accepted', 'update submit_event u-1', '2027-01-04 09:00:00.000000', '', '2027-01-04 09:00:01.000000')"
        )
    engine.dispose()
    log = AuditLog(f"sqlite:///{path}")
    assert log.trail("trajectory-almere-x") == [entry()]
    assert log.write(entry()) is False and log.write(entry("trajectory-almere-x:event2")) is True
    with log.records.read() as connection:
        assert current_revision(connection) == head()
    assert verify_trail(url=f"sqlite:///{path}").intact, "the rows already there were chained by the migration"


def test_six_processes_opening_an_empty_database_at_once_all_succeed(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/records.db"
    script = (  # what a worker, the API and the CLI do first: open the records database, then write to it
        "import sys\n"
        "from records import open_records\n"
        "from records.audit import write_entries\n"
        "from domain.messages import AuditEntry\n"
        "row = AuditEntry.model_validate_json(sys.argv[2])\n"
        "with open_records(sys.argv[1]).write() as connection:\n"
        "    print(write_entries(connection, [row])[0])\n"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, url, entry(f"trajectory-almere-x:event{n}").model_dump_json()],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(6)
    ]
    results = [(process.wait(timeout=120), *process.communicate()) for process in processes]
    assert [(code, out.strip()) for code, out, _ in results] == [(0, "True")] * 6, [err for _, _, err in results]
    assert len(AuditLog(url).trail("trajectory-almere-x")) == 6


def test_the_records_command_runs_alembic_on_the_database(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/records.db"

    def records_command(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "records", "--url", url, *args], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert head() not in records_command("current")
    records_command("upgrade", "head")
    assert head() in records_command("current")
    assert stat.S_IMODE((tmp_path / "records.db").stat().st_mode) == 0o600
