"""Vendor attempts (cascade offers and mini-competition invitations), dispatch rounds.

Revision ID: e5d49319ac0e
Revises: 90fcf539c4f8
Create Date: 2026-11-26 12:53:46.423779

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5d49319ac0e'
down_revision = '90fcf539c4f8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vendor_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('offer', 'invitation', name='attempt_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('attempt_no', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('offered', 'accepted', 'invited', 'quoted', 'awarded', 'not_awarded', 'declined', 'expired', 'withdrawn', name='attempt_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('conflict_of_interest', sa.Boolean(), nullable=True),
    sa.Column('price_cents', sa.BigInteger(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint('price_cents IS NULL OR price_cents >= 0', name=op.f('ck_vendor_attempt_price_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_vendor_attempt_order_id_order')),
    sa.ForeignKeyConstraint(['responded_by_id'], ['user.id'], name=op.f('fk_vendor_attempt_responded_by_id_user')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name=op.f('fk_vendor_attempt_vendor_id_vendor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor_attempt')),
    sa.UniqueConstraint('order_id', 'attempt_no', name=op.f('uq_vendor_attempt_order_id_attempt_no')),
    sa.UniqueConstraint('order_id', 'round', 'vendor_id', name=op.f('uq_vendor_attempt_order_id_round_vendor_id'))
    )
    with op.batch_alter_table('vendor_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_vendor_attempt_open_deadline', ['state', 'expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_vendor_attempt_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vendor_attempt_vendor_id'), ['vendor_id'], unique=False)
        batch_op.create_index('uq_vendor_attempt_one_winner', ['order_id'], unique=True, postgresql_where=sa.text("state IN ('accepted', 'awarded')"), sqlite_where=sa.text("state IN ('accepted', 'awarded')"))

    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dispatch_round', sa.Integer(), nullable=False,
                                      server_default='0'))
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.alter_column('dispatch_round', server_default=None)



def downgrade():
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_column('dispatch_round')

    with op.batch_alter_table('vendor_attempt', schema=None) as batch_op:
        batch_op.drop_index('uq_vendor_attempt_one_winner', postgresql_where=sa.text("state IN ('accepted', 'awarded')"), sqlite_where=sa.text("state IN ('accepted', 'awarded')"))
        batch_op.drop_index(batch_op.f('ix_vendor_attempt_vendor_id'))
        batch_op.drop_index(batch_op.f('ix_vendor_attempt_order_id'))
        batch_op.drop_index('ix_vendor_attempt_open_deadline')

    op.drop_table('vendor_attempt')
