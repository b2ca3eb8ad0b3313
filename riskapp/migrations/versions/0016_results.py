"""results: per-item test results (internal and auditor) and conclusions recorded over the rule

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 19:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "item_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("item_id", sa.String(length=200), nullable=False),
        sa.Column("item_date", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=True),
        sa.Column("nature", sa.String(length=20), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("recurring", sa.Boolean(), nullable=False),
        sa.Column("design", sa.Boolean(), nullable=False),
        sa.Column("involves", sa.String(length=200), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=320), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('passed', 'deviation', 'not tested')", name=op.f("ck_item_result_outcome")
        ),
        sa.CheckConstraint("side IN ('internal', 'auditor')", name=op.f("ck_item_result_side")),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_item_result_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["control_id"],
            ["control.id"],
            name=op.f("fk_item_result_control_id_control"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_result")),
        sa.UniqueConstraint(
            "assessment_id",
            "control_id",
            "side",
            "item_id",
            name=op.f("uq_item_result_assessment_id_control_id_side_item_id"),
        ),
    )
    with op.batch_alter_table("item_result", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_result_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_item_result_control_id"), ["control_id"], unique=False)

    op.create_table(
        "conclusion_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.Column("conclusion", sa.String(length=40), nullable=False),
        sa.Column("rule_conclusion", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=320), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_conclusion_override_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["control_id"],
            ["control.id"],
            name=op.f("fk_conclusion_override_control_id_control"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conclusion_override")),
        sa.UniqueConstraint(
            "assessment_id",
            "control_id",
            name=op.f("uq_conclusion_override_assessment_id_control_id"),
        ),
    )
    with op.batch_alter_table("conclusion_override", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conclusion_override_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conclusion_override_control_id"), ["control_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("conclusion_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conclusion_override_control_id"))
        batch_op.drop_index(batch_op.f("ix_conclusion_override_assessment_id"))
    op.drop_table("conclusion_override")
    with op.batch_alter_table("item_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_result_control_id"))
        batch_op.drop_index(batch_op.f("ix_item_result_assessment_id"))
    op.drop_table("item_result")
