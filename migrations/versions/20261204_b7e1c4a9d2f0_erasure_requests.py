"""Personal data rights: erasure requests, and the moment a user's data was erased.

Revision ID: b7e1c4a9d2f0
Revises: 4a0780d68fe4
Create Date: 2026-12-04 19:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1c4a9d2f0'
down_revision = '4a0780d68fe4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('erasure_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.Enum('pending', 'approved', 'refused', name='erasure_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_erasure_request_decided_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_erasure_request_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_request'))
    )
    with op.batch_alter_table('erasure_request', schema=None) as batch_op:
        batch_op.create_index('ix_erasure_request_state', ['state', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_erasure_request_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('erasure_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasure_request_user_id'))
        batch_op.drop_index('ix_erasure_request_state')
    op.drop_table('erasure_request')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
