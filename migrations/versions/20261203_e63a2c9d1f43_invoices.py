"""Invoices: registered against an order by its vendor, one number per vendor, with the UBL
file when there is one; what a closed order still commits; the ceiling thresholds staff were
told of.

Revision ID: e63a2c9d1f43
Revises: ebd7ff10d116
Create Date: 2026-12-03 08:21:57.524572

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e63a2c9d1f43'
down_revision = 'ebd7ff10d116'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount_excl_vat_cents', sa.BigInteger(), nullable=False),
    sa.Column('vat_cents', sa.BigInteger(), nullable=False),
    sa.Column('order_reference', sa.String(length=64), nullable=False),
    sa.Column('state', sa.Enum('registered', 'accepted', 'disputed', 'paid', 'rejected', name='invoice_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('source', sa.Enum('form', 'json', 'ubl', name='invoice_source', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('ubl_filename', sa.String(length=200), nullable=False),
    sa.Column('ubl_sha256', sa.String(length=64), nullable=False),
    sa.Column('ubl', sa.LargeBinary(), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_excl_vat_cents >= 0', name=op.f('ck_invoice_invoice_amount_positive')),
    sa.CheckConstraint('due_date >= issue_date', name=op.f('ck_invoice_invoice_due_after_issue')),
    sa.CheckConstraint('vat_cents >= 0', name=op.f('ck_invoice_invoice_vat_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_invoice_order_id_order')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user.id'], name=op.f('fk_invoice_registered_by_id_user')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name=op.f('fk_invoice_vendor_id_vendor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice')),
    sa.UniqueConstraint('vendor_id', 'number', name='uq_invoice_vendor_number')
    )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_invoice_state_due', ['state', 'due_date'], unique=False)
    # What a closed order still commits of its lot's ceiling: what was invoiced.
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_committed_cents', sa.BigInteger(), nullable=True))
    op.create_table('ceiling_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('committed_cents', sa.BigInteger(), nullable=False),
    sa.Column('ceiling_cents', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_ceiling_notice_order_id_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ceiling_notice')),
    sa.UniqueConstraint('scope', 'threshold', name=op.f('uq_ceiling_notice_scope_threshold'))
    )


def downgrade():
    op.drop_table('ceiling_notice')
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_column('closed_committed_cents')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_state_due')
        batch_op.drop_index(batch_op.f('ix_invoice_order_id'))

    op.drop_table('invoice')
