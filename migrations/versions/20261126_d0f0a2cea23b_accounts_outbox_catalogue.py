"""Accounts, organisations, vendors, outbox and the first catalogue tables.

Revision ID: d0f0a2cea23b
Revises: 
Create Date: 2026-11-26 11:35:49.564758

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd0f0a2cea23b'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('framework',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=50), nullable=False),
    sa.Column('title_fr', sa.String(length=300), nullable=False),
    sa.Column('title_nl', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('max_value_cents', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'active', 'expired', name='framework_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('max_value_cents >= 0', name=op.f('ck_framework_max_value_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_framework')),
    sa.UniqueConstraint('reference', name=op.f('uq_framework_reference'))
    )
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.Enum('commune', 'cpas', 'regional_administration', 'regional_agency', 'public_interest_body', 'citizen_collective', name='org_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('enterprise_number', sa.String(length=20), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'suspended', name='adhesion_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('name', name=op.f('uq_organisation_name'))
    )
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('scrub_after_send', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_sent_at'), ['sent_at'], unique=False)

    op.create_table('vendor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('enterprise_number', sa.String(length=20), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('service_languages', sa.String(length=20), nullable=False),
    sa.Column('presentation_fr', sa.Text(), nullable=False),
    sa.Column('presentation_nl', sa.Text(), nullable=False),
    sa.Column('presentation_en', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor')),
    sa.UniqueConstraint('name', name=op.f('uq_vendor_name'))
    )
    op.create_table('lot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title_fr', sa.String(length=300), nullable=False),
    sa.Column('title_nl', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('award_method', sa.Enum('cascade', 'mini_competition', name='award_method', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('ceiling_cents', sa.BigInteger(), nullable=True),
    sa.Column('response_working_days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['framework.id'], name=op.f('fk_lot_framework_id_framework')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot')),
    sa.UniqueConstraint('framework_id', 'number', name=op.f('uq_lot_framework_id_number'))
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('role', sa.Enum('buyer', 'vendor', 'staff', 'admin', name='user_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.Enum('fr', 'nl', 'en', name='user_language', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(role = 'buyer' AND organisation_id IS NOT NULL AND vendor_id IS NULL) OR (role = 'vendor' AND vendor_id IS NOT NULL AND organisation_id IS NULL) OR (role IN ('staff', 'admin') AND organisation_id IS NULL AND vendor_id IS NULL)", name=op.f('ck_user_role_affiliation')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_user_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name=op.f('fk_user_vendor_id_vendor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    # organisation and user refer to each other: the second key comes once both exist.
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_organisation_decided_by_id_user', 'user',
                                    ['decided_by_id'], ['id'])
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_vendor_id'), ['vendor_id'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('catalogue_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title_fr', sa.String(length=300), nullable=False),
    sa.Column('title_nl', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('description_fr', sa.Text(), nullable=False),
    sa.Column('description_nl', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('unit', sa.Enum('day', 'half_day', 'workshop', 'item', 'lump_sum', name='item_unit', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('unit_price_cents', sa.BigInteger(), nullable=False),
    sa.Column('vat_rate_bp', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.CheckConstraint('unit_price_cents >= 0', name=op.f('ck_catalogue_item_price_positive')),
    sa.CheckConstraint('vat_rate_bp >= 0 AND vat_rate_bp <= 10000', name=op.f('ck_catalogue_item_vat_rate_range')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_catalogue_item_lot_id_lot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_item')),
    sa.UniqueConstraint('code', 'valid_from', name=op.f('uq_catalogue_item_code_valid_from'))
    )
    with op.batch_alter_table('catalogue_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogue_item_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalogue_item_lot_id'), ['lot_id'], unique=False)

    op.create_table('login_session',
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_agent', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_login_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key_hash', name=op.f('pk_login_session'))
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_session_user_id'), ['user_id'], unique=False)

    op.create_table('lot_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'suspended', 'terminated', name='membership_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.CheckConstraint('rank >= 1', name=op.f('ck_lot_membership_rank_positive')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_lot_membership_lot_id_lot')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name=op.f('fk_lot_membership_vendor_id_vendor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot_membership')),
    sa.UniqueConstraint('lot_id', 'vendor_id', name=op.f('uq_lot_membership_lot_id_vendor_id'))
    )
    with op.batch_alter_table('lot_membership', schema=None) as batch_op:
        batch_op.create_index('uq_lot_membership_active_rank', ['lot_id', 'rank'], unique=True, postgresql_where=sa.text("status = 'active'"), sqlite_where=sa.text("status = 'active'"))

    op.create_table('one_time_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('password_reset', 'invitation', name='one_time_token_purpose', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_one_time_token_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_one_time_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_one_time_token_token_hash'))
    )
    with op.batch_alter_table('one_time_token', schema=None) as batch_op:
        batch_op.create_index('ix_one_time_token_user_purpose', ['user_id', 'purpose'], unique=False)



def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint('fk_organisation_decided_by_id_user', type_='foreignkey')
    with op.batch_alter_table('one_time_token', schema=None) as batch_op:
        batch_op.drop_index('ix_one_time_token_user_purpose')

    op.drop_table('one_time_token')
    with op.batch_alter_table('lot_membership', schema=None) as batch_op:
        batch_op.drop_index('uq_lot_membership_active_rank', postgresql_where=sa.text("status = 'active'"), sqlite_where=sa.text("status = 'active'"))

    op.drop_table('lot_membership')
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_session_user_id'))

    op.drop_table('login_session')
    with op.batch_alter_table('catalogue_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_item_lot_id'))
        batch_op.drop_index(batch_op.f('ix_catalogue_item_code'))

    op.drop_table('catalogue_item')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_vendor_id'))
        batch_op.drop_index(batch_op.f('ix_user_organisation_id'))

    op.drop_table('user')
    op.drop_table('lot')
    op.drop_table('vendor')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_sent_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_created_at'))

    op.drop_table('outbox_message')
    op.drop_table('organisation')
    op.drop_table('framework')
