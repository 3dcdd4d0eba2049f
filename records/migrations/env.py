"""Alembic's environment: the schema is ``records.schema.metadata``; the connection is the one
``records.database.migrate`` holds its lock on (or, from the command line, one to the configured URL)."""

from __future__ import annotations

from alembic import context

from records.schema import metadata


def run() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:  # `python -m records ...` without a held connection
        from records.database import engine_for

        url = config.get_main_option("sqlalchemy.url")
        if not url:
            raise RuntimeError(
                "no sqlalchemy.url: run migrations through records.database.open_records or `python -m records`"
            )
        with engine_for(url).begin() as connection:
            migrate(connection)
        return
    migrate(connection)


def migrate(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # ALTER on SQLite goes by table copy
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("records: offline (SQL script) migrations are not supported; run against a database")
run()
