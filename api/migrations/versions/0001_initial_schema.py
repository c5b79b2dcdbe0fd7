"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Free-text columns are Text holding Fernet tokens (api/crypto.py). The audit log is append-only:
triggers refuse UPDATE and DELETE on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("staff_email", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("intake_id", sa.Uuid(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_intake_id"), ["intake_id"], unique=False)

    op.create_table(
        "intakes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("receipt_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("reporter_role", sa.String(length=16), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("under_kcoo", sa.Boolean(), nullable=True),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("discrimination_ground", sa.String(length=32), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("occurred_period", sa.Text(), nullable=True),
        sa.Column("ongoing", sa.Boolean(), nullable=True),
        sa.Column("involved_relations", sa.JSON(), nullable=False),
        sa.Column("witnesses", sa.Text(), nullable=True),
        sa.Column("steps_taken", sa.Text(), nullable=True),
        sa.Column("desired_route", sa.String(length=32), nullable=False),
        sa.Column("contact_preference", sa.String(length=16), nullable=False),
        sa.Column("contact_details", sa.Text(), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("transcript", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("routed_to", sa.String(length=20), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline_extended", sa.Boolean(), nullable=False),
        sa.Column("ack_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intakes")),
        sa.UniqueConstraint("receipt_hash", name=op.f("uq_intakes_receipt_hash")),
    )
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intakes_ack_due_at"), ["ack_due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_intakes_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_intakes_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_intakes_decision_due_at"), ["decision_due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_intakes_desired_route"), ["desired_route"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_intakes_discrimination_ground"), ["discrimination_ground"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_intakes_organisation"), ["organisation"], unique=False)
        batch_op.create_index(batch_op.f("ix_intakes_outcome"), ["outcome"], unique=False)
        batch_op.create_index(batch_op.f("ix_intakes_received_at"), ["received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_intakes_routed_to"), ["routed_to"], unique=False)
        batch_op.create_index(batch_op.f("ix_intakes_status"), ["status"], unique=False)
        batch_op.create_index("ix_intakes_status_received", ["status", "received_at"], unique=False)
    op.create_index("ix_intakes_organisation_lower", "intakes", [sa.text("lower(organisation)")])

    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_email")),
    )
    op.create_table(
        "intake_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("changes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["intake_id"],
            ["intakes.id"],
            name=op.f("fk_intake_events_intake_id_intakes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_events")),
    )
    with op.batch_alter_table("intake_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_events_intake_id"), ["intake_id"], unique=False)

    op.create_table(
        "intake_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Uuid(), nullable=False),
        sa.Column("author", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["intake_id"],
            ["intakes.id"],
            name=op.f("fk_intake_messages_intake_id_intakes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_messages")),
    )
    with op.batch_alter_table("intake_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_messages_intake_id"), ["intake_id"], unique=False)

    _audit_append_only()


def _audit_append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit_log is append-only';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    op.drop_index("ix_intakes_organisation_lower", "intakes")
    with op.batch_alter_table("intake_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_messages_intake_id"))

    op.drop_table("intake_messages")
    with op.batch_alter_table("intake_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_events_intake_id"))

    op.drop_table("intake_events")
    op.drop_table("staff")
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.drop_index("ix_intakes_status_received")
        batch_op.drop_index(batch_op.f("ix_intakes_status"))
        batch_op.drop_index(batch_op.f("ix_intakes_routed_to"))
        batch_op.drop_index(batch_op.f("ix_intakes_received_at"))
        batch_op.drop_index(batch_op.f("ix_intakes_outcome"))
        batch_op.drop_index(batch_op.f("ix_intakes_organisation"))
        batch_op.drop_index(batch_op.f("ix_intakes_discrimination_ground"))
        batch_op.drop_index(batch_op.f("ix_intakes_desired_route"))
        batch_op.drop_index(batch_op.f("ix_intakes_decision_due_at"))
        batch_op.drop_index(batch_op.f("ix_intakes_closed_at"))
        batch_op.drop_index(batch_op.f("ix_intakes_category"))
        batch_op.drop_index(batch_op.f("ix_intakes_ack_due_at"))

    op.drop_table("intakes")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_intake_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
