"""Quote documents: the PDF a vendor may send with its quote, one per vendor attempt.

Revision ID: 560abdbbf0e0
Revises: e5d49319ac0e
Create Date: 2026-11-27 09:12:31.508214

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '560abdbbf0e0'
down_revision = 'e5d49319ac0e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quote_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_quote_document_size_positive')),
    sa.ForeignKeyConstraint(['attempt_id'], ['vendor_attempt.id'], name=op.f('fk_quote_document_attempt_id_vendor_attempt')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_document')),
    sa.UniqueConstraint('attempt_id', name=op.f('uq_quote_document_attempt_id'))
    )


def downgrade():
    op.drop_table('quote_document')
