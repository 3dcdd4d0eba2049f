"""Opening the records database: one engine per URL, migrated to head by Alembic before first use.

SQLite (the default, a file) is created owner-only (0600) with its parent directory, runs in WAL mode with a
busy timeout, and takes its write lock at the start of a write transaction (``BEGIN IMMEDIATE``), so writers
queue instead of failing half-way. PostgreSQL is reached through psycopg (``postgresql://`` means
``postgresql+psycopg://``; TLS by the URL, e.g. ``?sslmode=verify-full&sslrootcert=...``).

Several processes may open an empty database at once (a worker, the API, the CLI): the migration runs under a
lock (a PostgreSQL advisory lock inside the migrating transaction; an ``flock`` on ``<file>.lock`` for SQLite),
and whoever comes second finds the schema at head and does nothing.
"""

from __future__ import annotations

import fcntl
import functools
import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, Connection, Engine, make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001_audit_trail"
"""The revision that describes the schema the worker created before migrations existed: a database that has its
tables but no ``alembic_version`` is stamped with it, then upgraded."""
MIGRATION_LOCK = 0x7472616A  # "traj": the PostgreSQL advisory lock key the migration holds
SQLITE_TIMEOUT_SECONDS = 30


class RecordsUnavailable(RuntimeError):
    """The records database cannot be used as configured (unknown backend, missing driver)."""


@dataclass
class Records:
    """An open records database: ``write()`` for one write transaction, ``read()`` for reading."""

    url: URL
    engine: Engine

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction; on SQLite it holds the write lock from its first statement (BEGIN IMMEDIATE)."""
        with self._writer.begin() as connection:
            yield connection

    @functools.cached_property
    def _writer(self) -> Engine:
        """The engine with the option that makes ``begin`` take the write lock (made once: it is a copy)."""
        return self.engine.execution_options(records_write=True)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            yield connection

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        """Close the pooled connections and forget the engine (the next ``open_records`` opens it anew)."""
        with _lock:
            if _open.get(self.url.render_as_string(hide_password=False)) is self:
                del _open[self.url.render_as_string(hide_password=False)]
        self.engine.dispose()


_open: dict[str, Records] = {}
_lock = threading.Lock()


def open_records(url: str | URL) -> Records:
    """The records database at ``url``, migrated to head; one engine per URL per process."""
    parsed = normalised(url)
    key = parsed.render_as_string(hide_password=False)
    with _lock:
        records = _open.get(key)
        if records is None:
            records = Records(url=parsed, engine=engine_for(parsed))
            migrate(records.engine)
            _open[key] = records
    return records


def normalised(url: str | URL) -> URL:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.get_driver_name() not in ("psycopg", "psycopg2"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        if parsed.get_driver_name() == "psycopg":
            try:
                import psycopg  # noqa: F401
            except ImportError:
                raise RecordsUnavailable(
                    "the records database is PostgreSQL but psycopg is not installed: pip install 'trajectories[postgres]'"
                ) from None
    elif backend != "sqlite":
        raise RecordsUnavailable(f"records database: unsupported backend {backend!r} (use SQLite or PostgreSQL)")
    return parsed


def sqlite_file(url: URL) -> Path | None:
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def create_private(path: Path) -> None:
    """Make ``path`` (and its directory) if missing, readable and writable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


def engine_for(url: str | URL) -> Engine:
    url = normalised(url)
    path = sqlite_file(url)
    if url.get_backend_name() == "sqlite":
        if path is not None:
            create_private(path)
            engine = sa.create_engine(url, connect_args={"timeout": SQLITE_TIMEOUT_SECONDS})
        else:
            engine = sa.create_engine(url, poolclass=sa.pool.StaticPool, connect_args={"check_same_thread": False})
        _sqlite_transactions(engine)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _sqlite_transactions(engine: Engine) -> None:
    """pysqlite begins transactions lazily and never for reads; take BEGIN into our hands (SQLAlchemy's recipe),
    IMMEDIATE for writes, so a write transaction's reads (e.g. the last hash of a chain) see what it writes on."""

    @sa.event.listens_for(engine, "connect")
    def connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get("records_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def alembic_config(url: URL | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the schema to head, once, however many processes try at the same moment."""
    wanted = head()
    with engine.connect() as connection:
        if current_revision(connection) == wanted:
            return
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            _upgrade(connection)
        return
    path = sqlite_file(engine.url)
    with _file_lock(path.with_name(path.name + ".lock") if path else None):
        if path is not None:  # outside any transaction (pysqlite autocommit): a journal mode change needs that
            raw = engine.raw_connection()
            try:
                raw.driver_connection.execute("PRAGMA journal_mode = WAL")  # type: ignore[union-attr]  # open: not None
            finally:
                raw.close()
        with engine.begin() as connection:
            _upgrade(connection)


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    inspector = sa.inspect(connection)
    if current_revision(connection) is None and inspector.has_table("audit_trail"):
        command.stamp(config, BASELINE)  # made by the worker before migrations existed: keep it as it is
    command.upgrade(config, "head")


@contextmanager
def _file_lock(path: Path | None) -> Iterator[None]:
    if path is None:
        yield
        return
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def insert_or_ignore(
    connection: Connection, table: sa.Table, rows: Iterable[Mapping[str, Any]], key: str
) -> list[bool]:
    """Insert each row unless one with the same ``key`` column exists; per row, whether this call wrote it (of
    two rows with one key, the first).

    One statement for all the rows (SQLAlchemy's "insertmanyvalues": a multi-row ``INSERT ... ON CONFLICT DO
    NOTHING RETURNING key``, one round trip per batch), not one per row: a projection write carries a handful of
    rows per table, and a statement's overhead was most of a row's cost. Written rows are told by ``RETURNING``
    rather than ``rowcount``: with implicit RETURNING of the primary key, psycopg's ``rowcount`` for an
    ``INSERT ... ON CONFLICT DO NOTHING`` is not the number of rows written."""
    rows = [dict(row) for row in rows]
    if not rows:
        return []
    written = set(connection.execute(_insert_or_ignore(connection.dialect.name, table, key), rows).scalars())
    answers = []
    for row in rows:
        answers.append(row[key] in written)
        written.discard(row[key])  # a second row with the same key was not written
    return answers


@functools.cache
def _insert_or_ignore(dialect: str, table: sa.Table, key: str) -> sa.Insert:
    """The statement, built once per table (building it was a tenth of a write's time)."""
    statement: sa.Insert
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=[key])
    elif dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        statement = postgresql.insert(table).on_conflict_do_nothing(index_elements=[key])
    else:  # pragma: no cover - normalised() refuses other backends
        raise RecordsUnavailable(f"unsupported backend {dialect!r}")
    return statement.returning(table.c[key])
