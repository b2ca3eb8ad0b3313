"""evidence types: population source, completeness and sample unit

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 04:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evidence_type', schema=None) as batch_op:
        batch_op.add_column(sa.Column('population', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('completeness', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('sample_unit', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('evidence_type', schema=None) as batch_op:
        batch_op.drop_column('sample_unit')
        batch_op.drop_column('completeness')
        batch_op.drop_column('population')
