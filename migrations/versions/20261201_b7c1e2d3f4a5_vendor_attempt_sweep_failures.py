"""Vendor attempts count the deadline sweeper's failures on them, so a failing one is handed
to staff after a few tries instead of being retried every 30 s forever.

Revision ID: b7c1e2d3f4a5
Revises: 560abdbbf0e0
Create Date: 2026-12-01 23:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c1e2d3f4a5'
down_revision = '560abdbbf0e0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('vendor_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sweep_failures', sa.Integer(), nullable=False,
                                      server_default=sa.text('0')))


def downgrade():
    with op.batch_alter_table('vendor_attempt', schema=None) as batch_op:
        batch_op.drop_column('sweep_failures')
