"""auditor's request list

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 19:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("plan_key", sa.String(length=200), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=True),
        sa.Column("control_code", sa.String(length=60), nullable=False),
        sa.Column("requested", sa.Text(), nullable=False),
        sa.Column("scope_kind", sa.String(length=20), nullable=False),
        sa.Column("scope_label", sa.String(length=300), nullable=False),
        sa.Column("occurrence_kind", sa.String(length=20), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=True),
        sa.Column("window_end", sa.Date(), nullable=True),
        sa.Column("item_ids", sa.JSON(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("firm_assignee", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "source IN ('plan', 'imported')", name=op.f("ck_audit_request_source")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'in-progress', 'provided', 'accepted')",
            name=op.f("ck_audit_request_status"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_audit_request_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["user_account.id"],
            name=op.f("fk_audit_request_assignee_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["control_id"],
            ["control.id"],
            name=op.f("fk_audit_request_control_id_control"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_request")),
        sa.UniqueConstraint("assessment_id", "code", name=op.f("uq_audit_request_assessment_id_code")),
    )
    with op.batch_alter_table("audit_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_request_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_request_control_id"), ["control_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("audit_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_request_control_id"))
        batch_op.drop_index(batch_op.f("ix_audit_request_assessment_id"))
    op.drop_table("audit_request")
