"""retired successors: a retired library control names the controls replacing it

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 04:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('control', schema=None) as batch_op:
        batch_op.add_column(sa.Column('successors', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('retired_in', sa.String(length=100), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('control', schema=None) as batch_op:
        batch_op.drop_column('retired_in')
        batch_op.drop_column('successors')
