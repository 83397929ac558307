"""Case-insensitive uniqueness: one account per e-mail address and one organisation per name,
whatever the case, decided by the database (two registrations at once cannot both pass).

Existing rows first: e-mail addresses are lower-cased (the application always stored them so;
a different case can only come from outside it). Two accounts whose addresses differ only by
case cannot be merged automatically: the upgrade stops and names them. Organisations whose
names differ only by case keep the oldest name; the later ones get " (#id)" appended, so
nothing is lost and staff can see and merge them.

Revision ID: 5787053a9de3
Revises: b7c1e2d3f4a5
Create Date: 2026-12-01 23:30:00.000000

"""
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5787053a9de3'
down_revision = "b7c1e2d3f4a5"
branch_labels = None
depends_on = None

_user = sa.table('user', sa.column('id', sa.Integer), sa.column('email', sa.String))
_organisation = sa.table('organisation', sa.column('id', sa.Integer),
                         sa.column('name', sa.String))


def _lower_emails(bind):
    by_lower = defaultdict(list)
    for row in bind.execute(sa.select(_user.c.id, _user.c.email).order_by(_user.c.id)):
        by_lower[row.email.lower()].append(row)
    clashes = {email: rows for email, rows in by_lower.items() if len(rows) > 1}
    if clashes:
        listed = '; '.join(f"{email}: user ids {', '.join(str(r.id) for r in rows)}"
                           for email, rows in sorted(clashes.items()))
        raise RuntimeError('accounts whose e-mail addresses differ only by case must be merged '
                           f'or renamed by hand before this upgrade: {listed}')
    for email, (row,) in by_lower.items():
        if row.email != email:
            bind.execute(_user.update().where(_user.c.id == row.id).values(email=email))


def _rename_duplicate_organisations(bind):
    seen = set()
    rows = bind.execute(sa.select(_organisation.c.id, _organisation.c.name)
                        .order_by(_organisation.c.id))
    for row in list(rows):
        key = row.name.lower()
        if key in seen:
            suffix = f' (#{row.id})'
            bind.execute(_organisation.update().where(_organisation.c.id == row.id)
                         .values(name=row.name[:200 - len(suffix)] + suffix))
        seen.add(key)


def upgrade():
    bind = op.get_bind()
    _lower_emails(bind)
    _rename_duplicate_organisations(bind)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index('uq_user_email_lower', [sa.text('lower(email)')], unique=True)
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index('uq_organisation_name_lower', [sa.text('lower(name)')],
                              unique=True)


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index('uq_organisation_name_lower')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index('uq_user_email_lower')
