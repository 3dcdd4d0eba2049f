"""The audit trail as the worker created it before migrations (a database that has it is stamped, not altered).

Revision ID: 0001_audit_trail
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_audit_trail"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_trail",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(300), nullable=False, unique=True),
        sa.Column("workflow_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("result", sa.String(100), nullable=False),
        sa.Column("origin", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_audit_trail_workflow_id", "audit_trail", ["workflow_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_trail_workflow_id", table_name="audit_trail")
    op.drop_table("audit_trail")
