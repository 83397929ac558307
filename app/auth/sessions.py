"""Server-side login sessions: the signed cookie holds a random key, the table its hash."""

from __future__ import annotations

import secrets

from sqlalchemy import delete

from app.auth.models import LoginSession, User
from app.auth.passwords import sha256
from app.common.time import utcnow
from app.extensions import db


def start_login_session(user: User, user_agent: str = "") -> str:
    key = secrets.token_urlsafe(32)
    db.session.add(LoginSession(key_hash=sha256(key), user_id=user.id,
                                user_agent=user_agent[:300]))
    user.last_login_at = utcnow()
    user.session_key = key
    db.session.flush()
    return key


def load_login_session(key: str) -> User | None:
    row = db.session.get(LoginSession, sha256(key))
    if row is None or not row.user.active:
        return None
    user = row.user
    user.session_key = key
    return user


def end_login_session(key: str | None) -> None:
    if key:
        db.session.execute(delete(LoginSession).where(LoginSession.key_hash == sha256(key)))


def end_all_login_sessions(user: User) -> None:
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
