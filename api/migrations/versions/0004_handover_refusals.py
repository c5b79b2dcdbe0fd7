"""handover refusals, and a marker for an unread message from the reporter

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

One row per intake the API refused with 422: when, the sender's intake id if it could be read, and
the fields with the kind of error (never their content). Staff see them on the review pages.
intakes.unread_from_reporter: true from a reporter's follow-up message until staff open the intake.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN (SQLite has both): a batch copy of the table would lose the
    # lower(organisation) index that SQLite cannot reflect.
    op.add_column(
        "intakes", sa.Column("unread_from_reporter", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.create_table(
        "handover_refusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("intake_id", sa.Uuid(), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_refusals")),
        sa.UniqueConstraint("intake_id", name=op.f("uq_handover_refusals_intake_id")),
    )
    with op.batch_alter_table("handover_refusals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_refusals_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handover_refusals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_refusals_at"))
    op.drop_table("handover_refusals")
    op.drop_column("intakes", "unread_from_reporter")
