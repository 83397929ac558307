"""Deliveries (each time the assigned vendor marks an order delivered, and the buyer's answer) and
the documents sent with them.

Revision ID: a290278fc5f7
Revises: 5787053a9de3
Create Date: 2026-12-02 15:46:33.831901

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a290278fc5f7'
down_revision = '5787053a9de3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_by_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('pending', 'confirmed', 'contested', name='delivery_outcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], name=op.f('fk_delivery_answered_by_id_user')),
    sa.ForeignKeyConstraint(['delivered_by_id'], ['user.id'], name=op.f('fk_delivery_delivered_by_id_user')),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_delivery_order_id_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery')),
    sa.UniqueConstraint('order_id', 'number', name=op.f('uq_delivery_order_id_number'))
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_order_id'), ['order_id'], unique=False)

    op.create_table('delivery_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_delivery_document_size_positive')),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], name=op.f('fk_delivery_document_delivery_id_delivery')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_document'))
    )
    with op.batch_alter_table('delivery_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_document_delivery_id'), ['delivery_id'], unique=False)



def downgrade():
    with op.batch_alter_table('delivery_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_document_delivery_id'))

    op.drop_table('delivery_document')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_order_id'))

    op.drop_table('delivery')
