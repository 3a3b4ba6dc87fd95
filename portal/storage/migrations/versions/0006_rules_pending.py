"""rules_pending: enterprises whose credit rules are owed, recorded with the records that owe them

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rules_pending",
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("uscc", name=op.f("pk_rules_pending")),
    )


def downgrade() -> None:
    op.drop_table("rules_pending")
