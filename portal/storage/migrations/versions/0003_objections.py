"""objections: public objections (异议) to published records, with their review status

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=24), nullable=False),
        sa.Column("record_kind", sa.String(length=40), nullable=False),
        sa.Column("record_source_system", sa.String(length=40), nullable=False),
        sa.Column("record_source_id", sa.String(length=100), nullable=False),
        sa.Column("enterprise_uscc", sa.String(length=18), nullable=False),
        sa.Column("enterprise_name", sa.String(length=200), nullable=False),
        sa.Column("record_summary", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_note", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objections")),
        sa.UniqueConstraint("reference", name=op.f("uq_objections_reference")),
    )
    op.create_index(
        "ix_objections_client_hash_submitted_at",
        "objections",
        ["client_hash", "submitted_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_objections_enterprise_uscc"), "objections", ["enterprise_uscc"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_objections_enterprise_uscc"), table_name="objections")
    op.drop_index("ix_objections_client_hash_submitted_at", table_name="objections")
    op.drop_table("objections")
