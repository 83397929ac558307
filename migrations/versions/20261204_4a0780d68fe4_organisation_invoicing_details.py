"""Organisations' invoicing details: an invoicing address (when invoices go elsewhere than
the address) and the invoicing contact's name and e-mail, copied onto new order forms.

Revision ID: 4a0780d68fe4
Revises: e63a2c9d1f43
Create Date: 2026-12-04 14:57:47.183438

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4a0780d68fe4'
down_revision = 'e63a2c9d1f43'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invoicing_address', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('invoicing_contact_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('invoicing_contact_email', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('invoicing_contact_email')
        batch_op.drop_column('invoicing_contact_name')
        batch_op.drop_column('invoicing_address')
