"""Tamper evidence: each trajectory's audit rows are hash-chained; ``trajectories audit verify`` names the first
broken link after a row is altered or removed with the application's own database user."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from activities.audit import AuditLog
from domain.facts import OutcomeFact
from domain.messages import AuditEntry
from records import open_records
from records.audit import write_entries
from records.database import insert_or_ignore
from records.facts import read_facts, write_facts
from records.schema import audit_trail, outcome_facts
from tests.cli_runner import run
from tests.scenario import OTHER_COACH, Trajectory
from trajectories.audit import verify_trail
from worker import build_worker

WORKFLOW = "trajectory-almere-chain"


def entry(n: int, workflow_id: str = WORKFLOW) -> AuditEntry:
    return AuditEntry(
        key=f"{workflow_id}:event{n}", workflow_id=workflow_id, kind="event", name="observation_started",
        actor="coach-anna", result="accepted", origin=f"update submit_event u-{n}",
        at=datetime(2027, 1, 4, 9, tzinfo=UTC) + timedelta(minutes=n), detail="referred -> observation",
    )  # fmt: skip


def chained(url: str, count: int = 4) -> AuditLog:
    log = AuditLog(url)
    for n in range(1, count + 1):
        log.write(entry(n))
    log.write(entry(1, "trajectory-almere-other"))
    return log


def tamper(url: str, statement: str) -> None:
    """As someone with the application's database user would: plain SQL on the same database."""
    with open_records(url).engine.begin() as connection:
        connection.execute(sa.text(statement))


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/records.db"
    return request.getfixturevalue("postgres").database()


def test_rows_are_linked_in_order_and_verify(url: str):
    chained(url)
    with open_records(url).read() as connection:
        rows = connection.execute(
            sa.select(audit_trail.c.chain_seq, audit_trail.c.previous_hash, audit_trail.c.row_hash)
            .where(audit_trail.c.workflow_id == WORKFLOW).order_by(audit_trail.c.chain_seq)
        ).all()  # fmt: skip
    assert [row.chain_seq for row in rows] == [1, 2, 3, 4]
    assert rows[0].previous_hash is None and all(rows[i].previous_hash == rows[i - 1].row_hash for i in (1, 2, 3))
    report = verify_trail(url=url)
    assert report.intact and (report.trajectories, report.rows) == (2, 5)
    assert report.heads[WORKFLOW] == rows[-1].row_hash


def test_a_retried_write_adds_no_link(url: str):
    log = chained(url)
    assert log.write(entry(2)) is False
    assert verify_trail(WORKFLOW, url).rows == 4 and verify_trail(WORKFLOW, url).intact


def test_an_updated_row_is_named(url: str):
    chained(url)
    tamper(url, f"UPDATE audit_trail SET actor = 'coach-bram' WHERE key = '{WORKFLOW}:event2'")
    report = verify_trail(url=url)
    assert [(b.workflow_id, b.position, b.key) for b in report.breaks] == [(WORKFLOW, 2, f"{WORKFLOW}:event2")]
    assert "altered" in report.breaks[0].problem
    assert verify_trail("trajectory-almere-other", url).intact


def test_a_deleted_row_is_named(url: str):
    chained(url)
    tamper(url, f"DELETE FROM audit_trail WHERE key = '{WORKFLOW}:event3'")
    [found] = verify_trail(url=url).breaks
    assert (found.position, found.key) == (4, f"{WORKFLOW}:event4") and "position 3 missing" in found.problem


def test_a_row_whose_hash_was_recomputed_breaks_the_next_link(url: str):
    """Rewriting a row and its own hash is not enough: the next row still names the old hash."""
    chained(url)
    from records.chain import row_hash

    with open_records(url).read() as connection:
        row = (
            connection.execute(sa.select(audit_trail).where(audit_trail.c.key == f"{WORKFLOW}:event2")).mappings().one()
        )
    fields = {name: row[name] for name in AuditEntry.model_fields} | {"actor": "coach-bram"}
    forged = row_hash(fields, 2, row["previous_hash"])
    tamper(url, f"UPDATE audit_trail SET actor = 'coach-bram', row_hash = '{forged}' WHERE key = '{WORKFLOW}:event2'")
    [found] = verify_trail(url=url).breaks
    assert (found.position, found.key) == (3, f"{WORKFLOW}:event3") and "does not link" in found.problem


def test_the_calling_client_is_part_of_a_rows_hash(url: str):
    """Attribution is tamper-evident too: changing the API client a row names, or giving one to a row that
    had none (the worker's own), breaks that row's hash."""
    log = AuditLog(url)
    log.write(entry(1))
    log.write(entry(2).model_copy(update={"client": "backend-gemeente"}))
    log.write(entry(3))
    assert verify_trail(WORKFLOW, url).intact
    assert [row.client for row in log.trail(WORKFLOW)] == ["", "backend-gemeente", ""]
    tamper(url, f"UPDATE audit_trail SET client = 'backend-other' WHERE key = '{WORKFLOW}:event2'")
    tamper(url, f"UPDATE audit_trail SET client = 'backend-other' WHERE key = '{WORKFLOW}:event3'")
    [found] = verify_trail(url=url).breaks
    assert (found.position, found.key) == (2, f"{WORKFLOW}:event2") and "altered" in found.problem
    tamper(url, f"UPDATE audit_trail SET client = 'backend-gemeente' WHERE key = '{WORKFLOW}:event2'")
    [found] = verify_trail(url=url).breaks
    assert (found.position, found.key) == (3, f"{WORKFLOW}:event3") and "altered" in found.problem


def test_rows_chained_before_the_client_column_still_verify(tmp_path: Path):
    """Rows written at revision 0006_audit_chain (no ``client`` column) keep verifying after the upgrade that
    adds it, and rows written after it (with a client) extend their chain."""
    from alembic import command

    from records.chain import row_hash
    from records.database import alembic_config

    url = f"sqlite:///{tmp_path}/records.db"
    engine = sa.create_engine(url)
    fields = ("key", "workflow_id", "kind", "name", "actor", "result", "origin", "at", "detail")  # as at 0006
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0006_audit_chain")
        assert "client" not in {column["name"] for column in sa.inspect(connection).get_columns("audit_trail")}
        previous = None
        for n in (1, 2):
            values = {name: getattr(entry(n), name) for name in fields}
            digest = row_hash(values, n, previous)
            connection.execute(
                sa.text(
                    "INSERT INTO audit_trail (key, workflow_id, kind, name, actor, result, origin, at, detail, "
                    "recorded_at, chain_seq, previous_hash, row_hash) VALUES (:key, :workflow_id, :kind, :name, "
                    ":actor, :result, :origin, :at, :detail, :at, :seq, :previous, :digest)"
                ),
                values | {"at": values["at"].replace(tzinfo=None), "seq": n, "previous": previous, "digest": digest},
            )
            previous = digest
    engine.dispose()

    log = AuditLog(url)  # migrates to head: the client column arrives empty
    log.write(entry(3).model_copy(update={"client": "backend-gemeente"}))
    report = verify_trail(WORKFLOW, url)
    assert report.intact and report.rows == 3, report.breaks
    assert [row.client for row in log.trail(WORKFLOW)] == ["", "", "backend-gemeente"]


def test_one_write_of_many_entries_links_each_new_one_once(url: str):
    """A projection's entries go in one call (three statements): stored keys and a key twice in the call are
    skipped, each trajectory's new rows follow its own head."""
    log = chained(url, count=2)
    other = "trajectory-almere-other"
    batch = [entry(2), entry(3), entry(3), entry(2, other), entry(1, other), entry(4)]
    with log.records.write() as connection:
        assert write_entries(connection, batch) == [False, True, False, True, False, True]
    report = verify_trail(url=url)
    assert report.intact and (report.trajectories, report.rows) == (2, 6), report.breaks
    assert [row.key for row in log.trail(WORKFLOW)] == [f"{WORKFLOW}:event{n}" for n in (1, 2, 3, 4)]


def test_facts_written_at_once_say_which_were_new(url: str):
    """``insert_or_ignore`` in one statement: per row whether this call wrote it (of a key twice, the first)."""
    at = datetime(2027, 1, 4, 9, tzinfo=UTC)

    def fact(key: str, to_state: str = "referred") -> OutcomeFact:
        return OutcomeFact(key=key, workflow_id=WORKFLOW, region="almere", trajectory_id="chain", at=at,
                           event="referred", to_state=to_state)  # fmt: skip

    records = open_records(url)
    with records.write() as connection:
        assert write_facts(connection, [fact("f1")]) == 1
    with records.write() as connection:
        rows = [fact("f1", "other").model_dump(), fact("f2").model_dump(), fact("f2", "other").model_dump()]
        assert insert_or_ignore(connection, outcome_facts, rows, "key") == [False, True, False]
        assert insert_or_ignore(connection, outcome_facts, [], "key") == []
    with records.read() as connection:
        assert [(f.key, f.to_state) for f in read_facts(connection)] == [("f1", "referred"), ("f2", "referred")]


def test_concurrent_writers_of_one_trajectory_never_fork_its_chain(url: str):
    """Four processes write twelve rows each into one trajectory at once: one chain of 48 links."""
    AuditLog(url)  # migrated before the race: the race here is the chain's
    script = (
        "import sys\n"
        "from activities.audit import AuditLog\n"
        "from tests.test_audit_chain import entry\n"
        "log = AuditLog(sys.argv[1])\n"
        "for n in range(int(sys.argv[2]), int(sys.argv[2]) + 12):\n"
        "    assert log.write(entry(n))\n"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", script, url, str(start)], stderr=subprocess.PIPE, text=True)
        for start in (0, 100, 200, 300)
    ]
    errors = [(process.wait(timeout=180), process.communicate()[1]) for process in processes]
    assert [code for code, _ in errors] == [0, 0, 0, 0], errors
    report = verify_trail(WORKFLOW, url)
    assert report.intact and report.rows == 48


async def test_the_command_names_the_broken_link_of_a_real_run(env, tmp_path: Path, capsys, monkeypatch):
    url = f"sqlite:///{tmp_path}/records.db"
    monkeypatch.setenv("TRAJECTORIES_RECORDS_URL", url)
    monkeypatch.setenv("COLUMNS", "200")
    async with build_worker(env.client, f"test-{uuid.uuid4()}", outbox=tmp_path / "outbox", audit=url) as worker:
        t = await Trajectory.start(env, worker)
        await t.send("observation_started")
        await t.send("coach_reassigned", coach_id=OTHER_COACH)
        await t.send("withdrawn", reason="moved")
        await t.handle.result()
    trajectory_id = t.handle.id.removeprefix("trajectory-almere-")

    intact = await run(capsys, "audit", "verify")
    assert intact.code == 0 and "audit trail intact: 1 trajectories" in intact.out, intact

    tamper(url, f"UPDATE audit_trail SET actor = 'someone-else' WHERE key = '{t.handle.id}:event2'")
    broken = await run(capsys, "audit", "verify", "--region", "almere", "--trajectory", trajectory_id)
    assert broken.code == 1 and "AuditChainBroken" in broken.err
    assert f"{t.handle.id}:event2" in broken.out and "altered" in broken.out
    trail = await run(capsys, "audit", "almere", trajectory_id)  # the trail itself is still readable
    assert trail.code == 0 and "someone-else" in trail.out
