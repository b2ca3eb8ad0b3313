"""check deviation facts: a confirmed census deviation carries nature, cause, who, recurring, design

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 22:10:00

Existing decisions get the defaults: no cause is made up from the reason for
confirming (the rule then says "no identified cause" until one is recorded).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("check_decision", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("nature", sa.String(length=20), server_default="other", nullable=False)
        )
        batch_op.add_column(
            sa.Column("cause", sa.String(length=2000), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("involves", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("recurring", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("design", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("check_decision", schema=None) as batch_op:
        batch_op.drop_column("design")
        batch_op.drop_column("recurring")
        batch_op.drop_column("involves")
        batch_op.drop_column("cause")
        batch_op.drop_column("nature")
