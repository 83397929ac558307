"""Order forms: the data frozen at assignment, and each language's PDF with its sha256.

Revision ID: ebd7ff10d116
Revises: a290278fc5f7
Create Date: 2026-12-02 21:59:47.235654

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ebd7ff10d116'
down_revision = 'a290278fc5f7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('order_form',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_order_form_order_id_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_form')),
    sa.UniqueConstraint('order_id', name=op.f('uq_order_form_order_id'))
    )
    op.create_table('order_form_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_form_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_form_id'], ['order_form.id'], name=op.f('fk_order_form_file_order_form_id_order_form')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_form_file')),
    sa.UniqueConstraint('order_form_id', 'language', name=op.f('uq_order_form_file_order_form_id_language'))
    )


def downgrade():
    op.drop_table('order_form_file')
    op.drop_table('order_form')
