"""credit_rules: severity, display_until and derivation of designations, derivation of
enforcement cases, and the corrections and credit repairs the rules read

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _provenance() -> list[sa.Column[object]]:
    return [
        sa.Column("enterprise_uscc", sa.String(length=18), nullable=False),
        sa.Column("source_system", sa.String(length=40), nullable=False),
        sa.Column("source_record_id", sa.String(length=100), nullable=False),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _record_table(name: str, *columns: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        *columns,
        *_provenance(),
        sa.ForeignKeyConstraint(
            ["enterprise_uscc"],
            ["enterprises.uscc"],
            name=op.f(f"fk_{name}_enterprise_uscc_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint(
            "source_system", "source_record_id", name=op.f(f"uq_{name}_source_system")
        ),
    )
    op.create_index(op.f(f"ix_{name}_enterprise_uscc"), name, ["enterprise_uscc"], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("designations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("severity", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("display_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("derivation", sa.JSON(), nullable=True))
    with op.batch_alter_table("enforcement_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("derivation", sa.JSON(), nullable=True))
    _record_table(
        "corrections",
        sa.Column("target_kind", sa.String(length=40), nullable=False),
        sa.Column("target_system", sa.String(length=40), nullable=False),
        sa.Column("target_record_id", sa.String(length=100), nullable=False),
        sa.Column("corrected_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    _record_table(
        "credit_repairs",
        sa.Column("target_system", sa.String(length=40), nullable=False),
        sa.Column("target_record_id", sa.String(length=100), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    for name in ("credit_repairs", "corrections"):
        op.drop_index(op.f(f"ix_{name}_enterprise_uscc"), table_name=name)
        op.drop_table(name)
    with op.batch_alter_table("enforcement_cases", schema=None) as batch_op:
        batch_op.drop_column("derivation")
    with op.batch_alter_table("designations", schema=None) as batch_op:
        batch_op.drop_column("derivation")
        batch_op.drop_column("display_until")
        batch_op.drop_column("severity")
