"""Indexes for the lists at scale: the staff queue's and the orders API's filters and sorts
(status with submission date, creation date or amount), a buyer's and a vendor's orders
newest first, and a vendor's offers newest first. Found with EXPLAIN ANALYZE on 100,000
orders made by ``flask bench-data`` (bench/explain.py).

Revision ID: b3e7c9a1d2f0
Revises: b7e1c4a9d2f0
Create Date: 2026-12-04 19:55:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b3e7c9a1d2f0'
down_revision = 'b7e1c4a9d2f0'
branch_labels = None
depends_on = None

INDEXES = [
    ('ix_order_status_submitted_at', 'order', ['status', 'submitted_at', 'id']),
    ('ix_order_status_created_at', 'order', ['status', 'created_at', 'id']),
    ('ix_order_status_amount', 'order', ['status', 'total_excl_vat_cents', 'id']),
    ('ix_order_organisation_created_at', 'order', ['organisation_id', 'created_at', 'id']),
    ('ix_order_vendor_created_at', 'order', ['vendor_id', 'created_at', 'id']),
    ('ix_vendor_attempt_vendor_created_at', 'vendor_attempt', ['vendor_id', 'created_at', 'id']),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
