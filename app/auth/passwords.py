"""Password hashing and rules, and the one hash used for every stored token or key."""

from __future__ import annotations

import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from app.common.errors import ValidationFailed

# argon2-cffi's defaults are argon2id (RFC 9106 low-memory profile).
_STRONG = PasswordHasher()
# Still argon2id, with the smallest cost: only the testing configuration selects it, so the
# test suite does not spend minutes hashing.
_CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_DUMMY_HASH = _STRONG.hash("not-a-real-password-used-for-timing")

MIN_PASSWORD_LENGTH = 10


def _hasher() -> PasswordHasher:
    if has_app_context() and current_app.config.get("PASSWORD_HASH_CHEAP"):
        return _CHEAP
    return _STRONG


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; without a stored hash, checks a dummy one so
    that an unknown address takes as long as a wrong password."""
    try:
        _hasher().verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return stored is not None


def needs_rehash(stored: str) -> bool:
    return _hasher().check_needs_rehash(stored)


def password_problems(password: str) -> list[str]:
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(str(_l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)))
    if password.strip() != password or not password.strip():
        problems.append(str(_l("Do not start or end the password with a space.")))
    return problems


def check_password(password: str, field: str = "password") -> None:
    problems = password_problems(password)
    if problems:
        raise ValidationFailed({field: problems})
