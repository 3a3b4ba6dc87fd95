"""exemplary_suspension: the materialised suspension of an exemplary designation while a bad
record of the enterprise is in force (designations.suspended_from, suspended_until)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("designations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suspended_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("suspended_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("designations", schema=None) as batch_op:
        batch_op.drop_column("suspended_until")
        batch_op.drop_column("suspended_from")
