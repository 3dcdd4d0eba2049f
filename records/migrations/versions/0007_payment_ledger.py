"""The payment ledger: every payment order, keyed on its stable id.

Revision ID: 0007_payment_ledger
Revises: 0006_audit_chain
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_payment_ledger"
down_revision = "0006_audit_chain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payment_ledger",
        sa.Column("payment_id", sa.String(300), primary_key=True),
        sa.Column("workflow_id", sa.String(200), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("trajectory_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("payee", sa.String(200), nullable=False),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_payment_ledger_workflow_id", "payment_ledger", ["workflow_id"])
    op.create_index("ix_payment_ledger_region", "payment_ledger", ["region"])
    op.create_index("ix_payment_ledger_payee", "payment_ledger", ["payee"])
    op.create_index("ix_payment_ledger_due", "payment_ledger", ["due"])


def downgrade() -> None:
    op.drop_table("payment_ledger")
