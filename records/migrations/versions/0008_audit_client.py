"""The audit trail names the authenticated API client of each row (issue 19, attribution).

Revision ID: 0008_audit_client
Revises: 0007_payment_ledger
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_audit_client"
down_revision = "0007_payment_ledger"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_trail") as batch:
        batch.add_column(sa.Column("client", sa.String(100), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("audit_trail") as batch:
        batch.drop_column("client")
