"""indexes for the overdue and category listings and for the figures

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Each index replaces one that is a prefix of it, so an intake still updates as many indexes as before.

- ix_intakes_status_deadlines (replaces ix_intakes_status_received): the overdue filter tests the
  status, acknowledged_at and both due dates; with these and the sort key in the index, counting
  and paging overdue intakes reads the index alone, not the rows. That matters most on SQLite,
  where the due dates sit behind the encrypted text and transcript in each row, mostly on overflow
  pages.
- ix_intakes_category_received (replaces ix_intakes_category): a category's intakes newest first,
  so a page is read in index order instead of sorting all of the category's rows.
- ix_intakes_figures (replaces ix_intakes_received_at): every column the figures count, after the
  received time, so a period's figures come from the index alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUS_DEADLINES = ["status", "received_at", "acknowledged_at", "ack_due_at", "decision_due_at", "id"]
CATEGORY_RECEIVED = ["category", "received_at"]
FIGURES = [
    "received_at",
    "category",
    "discrimination_ground",
    "desired_route",
    "outcome",
    "status",
    "organisation",
    "routed_to",
    "acknowledged_at",
    "ack_due_at",
    "decision_due_at",
]


def upgrade() -> None:
    op.create_index("ix_intakes_status_deadlines", "intakes", STATUS_DEADLINES)
    op.create_index("ix_intakes_category_received", "intakes", CATEGORY_RECEIVED)
    op.create_index("ix_intakes_figures", "intakes", FIGURES)
    op.drop_index("ix_intakes_status_received", "intakes")
    op.drop_index("ix_intakes_category", "intakes")
    op.drop_index("ix_intakes_received_at", "intakes")


def downgrade() -> None:
    op.create_index("ix_intakes_received_at", "intakes", ["received_at"])
    op.create_index("ix_intakes_category", "intakes", ["category"])
    op.create_index("ix_intakes_status_received", "intakes", ["status", "received_at"])
    op.drop_index("ix_intakes_figures", "intakes")
    op.drop_index("ix_intakes_category_received", "intakes")
    op.drop_index("ix_intakes_status_deadlines", "intakes")
