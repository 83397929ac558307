"""API tokens: made and shown once, stored hashed, their last use recorded to the minute."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from app.auth.models import ApiToken, User
from app.auth.passwords import sha256
from app.common.errors import NotFound, ValidationFailed
from app.common.single_line import single_line_problem
from app.common.time import utcnow
from app.extensions import db


def create_api_token(actor: User, name: str = "") -> tuple[ApiToken, str]:
    """Returns the row and the token itself, which is shown once and stored only hashed."""
    problem = single_line_problem(name)
    if problem:
        raise ValidationFailed({"name": [problem]})
    plaintext = "pp_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=actor.id, name=name.strip()[:100], token_hash=sha256(plaintext),
                   prefix=plaintext[:10])
    db.session.add(row)
    db.session.flush()
    return row, plaintext


# A token's last use is recorded to the minute: a read must not write on every call (nor hold
# the token's row lock, which would queue the calls made with one token behind each other).
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def api_token_user(plaintext: str) -> tuple[User, bool] | None:
    """The active user an API token belongs to, and whether its last use is due to be
    recorded (more than a minute ago, or never): then ``record_api_token_use`` is called
    before the request's own work begins, in a transaction of its own."""
    row = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == sha256(plaintext),
                               ApiToken.revoked_at.is_(None))
        .options(joinedload(ApiToken.user))
    ).scalar_one_or_none()
    if row is None or not row.user.active:
        return None
    last = row.last_used_at
    return row.user, last is None or last < utcnow() - TOKEN_USE_RESOLUTION


def record_api_token_use(plaintext: str) -> None:
    """One conditional UPDATE: of several calls in the same instant, one records the use."""
    now = utcnow()
    db.session.execute(
        update(ApiToken).where(ApiToken.token_hash == sha256(plaintext),
                               or_(ApiToken.last_used_at.is_(None),
                                   ApiToken.last_used_at < now - TOKEN_USE_RESOLUTION))
        .values(last_used_at=now).execution_options(synchronize_session=False))


def list_api_tokens(actor: User) -> list[ApiToken]:
    return list(db.session.execute(
        select(ApiToken).where(ApiToken.user_id == actor.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    ).scalars())


def revoke_api_token(actor: User, token_id: int) -> None:
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != actor.id or row.revoked_at is not None:
        raise NotFound()
    row.revoked_at = utcnow()
    db.session.flush()
