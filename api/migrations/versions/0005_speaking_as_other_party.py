"""who is telling, and who did it

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

intakes.speaking_as: the person it happened to, a witness, someone on their behalf, an employee of
another employer, a citizen or a company (api/vocab.py SpeakingAs). intakes.other_party: who did it,
as a relation (OtherParty). Both optional: intakes handed over before this revision have neither.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN, as in 0004: a batch copy would lose the lower(organisation) index.
    op.add_column("intakes", sa.Column("speaking_as", sa.String(length=24), nullable=True))
    op.add_column("intakes", sa.Column("other_party", sa.String(length=24), nullable=True))


def downgrade() -> None:
    op.drop_column("intakes", "other_party")
    op.drop_column("intakes", "speaking_as")
