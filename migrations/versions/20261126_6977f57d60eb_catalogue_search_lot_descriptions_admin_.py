"""Catalogue search text (trigram-indexed on PostgreSQL), lot descriptions, admin log.

Revision ID: 6977f57d60eb
Revises: d0f0a2cea23b
Create Date: 2026-11-26 11:57:02.023576

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6977f57d60eb'
down_revision = 'd0f0a2cea23b'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # pg_trgm is a trusted extension: the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table('admin_log_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('entity_type', sa.String(length=50), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_admin_log_entry_actor_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_log_entry'))
    )
    with op.batch_alter_table('admin_log_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_log_entry_at'), ['at'], unique=False)
        batch_op.create_index('ix_admin_log_entry_entity', ['entity_type', 'entity_id'], unique=False)

    with op.batch_alter_table('catalogue_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
        batch_op.create_index('ix_catalogue_item_search_text', ['search_text'], unique=False, postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'})

    _fill_search_text(bind)
    with op.batch_alter_table('catalogue_item', schema=None) as batch_op:
        batch_op.alter_column('search_text', server_default=None)
        batch_op.create_check_constraint('validity_order', 'valid_to IS NULL OR valid_to >= valid_from')

    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description_fr', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('description_nl', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('description_en', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('lot', schema=None) as batch_op:
        for language in ('fr', 'nl', 'en'):
            batch_op.alter_column(f'description_{language}', server_default=None)



def downgrade():
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.drop_column('description_en')
        batch_op.drop_column('description_nl')
        batch_op.drop_column('description_fr')

    with op.batch_alter_table('catalogue_item', schema=None) as batch_op:
        batch_op.drop_index('ix_catalogue_item_search_text', postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'})
        batch_op.drop_constraint(op.f('ck_catalogue_item_validity_order'), type_='check')
        batch_op.drop_column('search_text')

    with op.batch_alter_table('admin_log_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_admin_log_entry_entity')
        batch_op.drop_index(batch_op.f('ix_admin_log_entry_at'))

    op.drop_table('admin_log_entry')


def _fill_search_text(bind):
    """Rows that existed before the column get their search text."""
    from app.common.text import search_document

    item = sa.table('catalogue_item', sa.column('id'), sa.column('code'), sa.column('search_text'),
                    *[sa.column(f'{f}_{l}') for f in ('title', 'description') for l in ('fr', 'nl', 'en')])
    rows = bind.execute(sa.select(item)).mappings().all()
    for row in rows:
        text = search_document(row['code'], *[row[f'{f}_{l}'] for f in ('title', 'description')
                                              for l in ('fr', 'nl', 'en')])
        bind.execute(item.update().where(item.c.id == row['id']).values(search_text=text))
