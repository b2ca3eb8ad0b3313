"""system description: organisation answers, incident log, user-entity controls, significant changes

Revision ID: 0014
Revises: 0008
Create Date: 2026-12-04 05:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "organisation_description",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("services", sa.String(length=4000), nullable=False),
        sa.Column("commitments", sa.String(length=4000), nullable=False),
        sa.Column("security_commitments", sa.String(length=4000), nullable=False),
        sa.Column("legal_requirements", sa.String(length=4000), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_organisation_description_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_description")),
        sa.UniqueConstraint(
            "organization_id", name=op.f("uq_organisation_description_organization_id")
        ),
    )
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("nature", sa.String(length=500), nullable=False),
        sa.Column("timing", sa.String(length=500), nullable=False),
        sa.Column("extent", sa.String(length=2000), nullable=False),
        sa.Column("disposition", sa.String(length=2000), nullable=False),
        sa.Column("significant", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_incident_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_organization_id"), ["organization_id"], unique=False
        )
    op.create_table(
        "user_entity_control",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("control_ref", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_user_entity_control_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_entity_control")),
    )
    with op.batch_alter_table("user_entity_control", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_entity_control_assessment_id"), ["assessment_id"], unique=False
        )
    op.create_table(
        "significant_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("audit_event_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_significant_change_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["audit_event_id"],
            ["audit_event.id"],
            name=op.f("fk_significant_change_audit_event_id_audit_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_significant_change")),
        sa.UniqueConstraint(
            "assessment_id",
            "audit_event_id",
            name=op.f("uq_significant_change_assessment_id_audit_event_id"),
        ),
    )
    with op.batch_alter_table("significant_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_significant_change_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_significant_change_audit_event_id"), ["audit_event_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("significant_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_significant_change_audit_event_id"))
        batch_op.drop_index(batch_op.f("ix_significant_change_assessment_id"))
    op.drop_table("significant_change")
    with op.batch_alter_table("user_entity_control", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_entity_control_assessment_id"))
    op.drop_table("user_entity_control")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_organization_id"))
    op.drop_table("incident")
    op.drop_table("organisation_description")
