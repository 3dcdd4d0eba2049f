"""The audit trail's hash chain per trajectory (``records/chain.py``); rows already there are chained in id order.

Revision ID: 0006_audit_chain
Revises: 0005_agenda
"""

import sqlalchemy as sa
from alembic import op

from records.chain import row_hash

revision = "0006_audit_chain"
down_revision = "0005_agenda"
branch_labels = None
depends_on = None

AUDIT_FIELDS = ("key", "workflow_id", "kind", "name", "actor", "result", "origin", "at", "detail")
"""The audit fields as they were at this revision (a later field is hashed by the code that writes it)."""


def upgrade() -> None:
    with op.batch_alter_table("audit_trail") as batch:
        batch.add_column(sa.Column("chain_seq", sa.Integer, nullable=True))
        batch.add_column(sa.Column("previous_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("row_hash", sa.String(64), nullable=True))
    typed = {"at": sa.DateTime(timezone=True)}  # read back as the writer hashed it: a datetime, not SQLite's text
    table = sa.table("audit_trail", sa.column("id"), *(sa.column(name, typed.get(name)) for name in AUDIT_FIELDS),
                     sa.column("chain_seq"), sa.column("previous_hash"), sa.column("row_hash"))  # fmt: skip
    connection = op.get_bind()
    heads: dict[str, tuple[int, str]] = {}
    for row in connection.execute(sa.select(table).order_by(table.c.workflow_id, table.c.id)).mappings().all():
        seq, previous = heads.get(row["workflow_id"], (0, None))
        digest = row_hash({name: row[name] for name in AUDIT_FIELDS}, seq + 1, previous)
        connection.execute(
            table.update()
            .where(table.c.id == row["id"])
            .values(chain_seq=seq + 1, previous_hash=previous, row_hash=digest)
        )
        heads[row["workflow_id"]] = (seq + 1, digest)
    with op.batch_alter_table("audit_trail") as batch:
        batch.create_unique_constraint("uq_audit_trail_chain", ["workflow_id", "chain_seq"])


def downgrade() -> None:
    with op.batch_alter_table("audit_trail") as batch:
        batch.drop_constraint("uq_audit_trail_chain", type_="unique")
        batch.drop_column("row_hash")
        batch.drop_column("previous_hash")
        batch.drop_column("chain_seq")
