"""The records database on a real PostgreSQL (tests/postgres.py): what SQLite holds, PostgreSQL holds too."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from activities.audit import AuditLog
from activities.projection import write_projection
from domain.messages import AuditEntry
from domain.projection import Projection
from records import open_records
from records.database import current_revision, head
from records.schema import audit_trail, metadata
from tests.postgres import PostgresCluster


def entry(n: int, workflow_id: str = "trajectory-almere-x", **overrides) -> AuditEntry:
    fields = dict(
        key=f"{workflow_id}:event{n}", workflow_id=workflow_id, kind="event", name="observation_started",
        actor="coach-anna", result="accepted", origin=f"update submit_event u-{n}",
        at=datetime(2027, 1, 4, 9, tzinfo=UTC) + timedelta(minutes=n), detail="referred -> observation",
    )  # fmt: skip
    return AuditEntry(**{**fields, **overrides})


def test_write_says_whether_it_wrote_the_row(postgres: PostgresCluster):
    """It returned False on every insert on PostgreSQL (psycopg's rowcount with implicit RETURNING)."""
    log = AuditLog(postgres.database())
    assert log.write(entry(1)) is True
    assert log.write(entry(1, result="something else")) is False
    assert log.write(entry(2)) is True
    assert log.trail("trajectory-almere-x") == [entry(1), entry(2)]


def rows(url: str) -> list[dict]:
    records = open_records(url)
    with records.read() as connection:
        found = connection.execute(sa.select(audit_trail).order_by(audit_trail.c.key)).mappings().all()
    return [
        {**row, "at": row["at"].replace(tzinfo=row["at"].tzinfo or UTC)}
        for row in ({k: v for k, v in found_row.items() if k not in ("id", "recorded_at")} for found_row in found)
    ]


def test_the_same_projections_give_the_same_rows_on_sqlite_and_postgresql(postgres: PostgresCluster, tmp_path: Path):
    projections = [
        Projection(workflow_id="trajectory-almere-x", key="p1", audit=[entry(1), entry(2, name="coach_reassigned")]),
        Projection(workflow_id="trajectory-almere-x", key="p2", audit=[entry(3, kind="notification", actor="system")]),
        Projection(workflow_id="trajectory-almere-y", key="p3", audit=[entry(1, "trajectory-almere-y", detail="é ✓")]),
    ]
    urls = [f"sqlite:///{tmp_path}/records.db", postgres.database()]
    for url in urls:
        for projection in [*projections, projections[0]]:  # the last one a retry
            write_projection(open_records(url), projection)
    sqlite, postgresql = (rows(url) for url in urls)
    assert len(sqlite) == 4 and sqlite == postgresql


def test_the_migrations_make_exactly_the_schema_on_postgresql(postgres: PostgresCluster):
    records = open_records(postgres.database())
    with records.read() as connection:
        assert current_revision(connection) == head()
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []


def test_six_processes_opening_an_empty_database_at_once_all_succeed(postgres: PostgresCluster):
    """They raced on CREATE TABLE and one crashed; now the first migrates under an advisory lock."""
    url = postgres.database()
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
            [sys.executable, "-c", script, url, entry(n).model_dump_json()],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(6)
    ]
    results = [(process.wait(timeout=120), *process.communicate()) for process in processes]
    assert [(code, out.strip()) for code, out, _ in results] == [(0, "True")] * 6, [err for _, _, err in results]
    assert len(AuditLog(url).trail("trajectory-almere-x")) == 6


def test_the_documented_tls_url_verifies_the_server(postgres: PostgresCluster, tmp_path: Path):
    """``?sslmode=verify-full&sslrootcert=<CA>`` (README): the connection is encrypted and the server's
    certificate must name the host and chain to that CA; a server the CA did not sign is refused."""
    database = postgres.database().rsplit("/", 1)[1]
    url = (
        f"postgresql://postgres@localhost:{postgres.port}/{database}?sslmode=verify-full&sslrootcert={postgres.ca_file}"
    )
    records = open_records(url)
    with records.read() as connection:
        assert connection.execute(sa.text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).scalar() is True
    AuditLog(url).write(entry(1))

    other_ca = tmp_path / "other-ca.pem"
    from tests.postgres import server_certificate

    server_certificate(other_ca, tmp_path / "unused.crt", tmp_path / "unused.key")
    with pytest.raises(sa.exc.OperationalError, match="SSL error|certificate verify failed"):
        open_records(url.replace(str(postgres.ca_file), str(other_ca)))
