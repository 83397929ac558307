"""Orders, their lines and approvals, the hash-chained audit trail, notifications,
idempotency keys.

Revision ID: 90fcf539c4f8
Revises: 6977f57d60eb
Create Date: 2026-11-26 12:08:15.274110

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '90fcf539c4f8'
down_revision = '6977f57d60eb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idempotency_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_idempotency_key_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_key')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_idempotency_key_user_id_key'))
    )
    op.create_table('order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'changes_requested', 'approved', 'awaiting_vendor', 'assigned', 'escalated', 'delivered', 'completed', 'closed', 'rejected', 'cancelled', name='order_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('objectives', sa.Text(), nullable=False),
    sa.Column('participation_level', sa.Enum('inform', 'consult', 'involve', 'collaborate', 'empower', name='participation_level', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('target_audiences', sa.Text(), nullable=False),
    sa.Column('commune', sa.String(length=40), nullable=False),
    sa.Column('planned_start', sa.Date(), nullable=True),
    sa.Column('planned_end', sa.Date(), nullable=True),
    sa.Column('inclusion_measures', sa.Text(), nullable=False),
    sa.Column('public_consent', sa.Boolean(), nullable=False),
    sa.Column('total_excl_vat_cents', sa.BigInteger(), nullable=False),
    sa.Column('total_vat_cents', sa.BigInteger(), nullable=False),
    sa.Column('total_incl_vat_cents', sa.BigInteger(), nullable=False),
    sa.Column('approvals_required', sa.Integer(), nullable=False),
    sa.Column('submission_round', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.Column('last_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('audit_head', sa.String(length=64), nullable=False),
    sa.Column('audit_count', sa.Integer(), nullable=False),
    sa.CheckConstraint('total_excl_vat_cents >= 0', name=op.f('ck_order_total_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_order_created_by_id_user')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_order_lot_id_lot')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_order_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name=op.f('fk_order_vendor_id_vendor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order'))
    )
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_order_status_lot', ['status', 'lot_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_notification_order_id_order')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('order_approval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_order_approval_order_id_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['user.id'], name=op.f('fk_order_approval_staff_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_approval')),
    sa.UniqueConstraint('order_id', 'round', 'staff_id', name=op.f('uq_order_approval_order_id_round_staff_id'))
    )
    op.create_table('order_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=32), nullable=True),
    sa.Column('to_state', sa.String(length=32), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_order_event_actor_id_user')),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_order_event_order_id_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_event')),
    sa.UniqueConstraint('order_id', 'seq', name=op.f('uq_order_event_order_id_seq'))
    )
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_event_order_id'), ['order_id'], unique=False)

    op.create_table('order_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_cents', sa.BigInteger(), nullable=False),
    sa.Column('vat_rate_bp', sa.Integer(), nullable=False),
    sa.Column('line_excl_vat_cents', sa.BigInteger(), nullable=False),
    sa.Column('line_vat_cents', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_order_line_quantity_positive')),
    sa.ForeignKeyConstraint(['item_id'], ['catalogue_item.id'], name=op.f('fk_order_line_item_id_catalogue_item')),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_order_line_order_id_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_line')),
    sa.UniqueConstraint('order_id', 'item_id', name=op.f('uq_order_line_order_id_item_id'))
    )
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_line_order_id'), ['order_id'], unique=False)



def downgrade():
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_line_order_id'))

    op.drop_table('order_line')
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_event_order_id'))

    op.drop_table('order_event')
    op.drop_table('order_approval')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_unread')

    op.drop_table('notification')
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_index('ix_order_status_lot')
        batch_op.drop_index(batch_op.f('ix_order_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_order_created_at'))

    op.drop_table('order')
    op.drop_table('idempotency_key')
