"""Account use cases. Services take the acting user, flush, and never commit."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.auth import companies
from app.auth.models import (
    AdhesionStatus,
    ApiToken,
    Language,
    OneTimeToken,
    OneTimeTokenPurpose,
    Organisation,
    Role,
    User,
)
from app.auth.passwords import (
    check_password,
    hash_password,
    needs_rehash,
    password_problems,
    sha256,
    verify_password,
)
from app.auth.sessions import end_all_login_sessions
from app.auth.tokens import api_token_user as api_token_user
from app.auth.tokens import create_api_token as create_api_token
from app.auth.tokens import list_api_tokens as list_api_tokens
from app.auth.tokens import record_api_token_use as record_api_token_use
from app.auth.tokens import revoke_api_token as revoke_api_token
from app.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.common.mail import queue_email
from app.common.pagination import Page
from app.common.single_line import single_line_problem
from app.common.time import utcnow
from app.extensions import db

PAGE_SIZE = 25
INVITATION_HOURS = 72
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def valid_email_syntax(email: str) -> bool:
    email = normalise_email(email)
    return bool(_EMAIL_RE.match(email)) and len(email) <= 254


_EMAIL_TAKEN = _l("An account with this e-mail already exists.")


def _check_email(email: str, field: str = "email") -> str:
    email = normalise_email(email)
    if not valid_email_syntax(email):
        raise ValidationFailed({field: [str(_l("Enter a valid e-mail address."))]})
    if user_by_email(email) is not None:
        raise ValidationFailed({field: [str(_EMAIL_TAKEN)]})
    return email


def user_by_email(email: str) -> User | None:
    # lower() on the column too: the unique index is on lower(email), and a row stored before
    # addresses were lower-cased is still found.
    return db.session.execute(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).scalar_one_or_none()


# --- Login ------------------------------------------------------------------------------

def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or ``None`` (same timing either way)."""
    user = user_by_email(email)
    stored = user.password_hash if user and user.password_hash else None
    if not verify_password(stored, password):
        return None
    if user is None or not user.password_hash or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


# --- Registration and adhesion -----------------------------------------------------------

def staff_recipients() -> list[User]:
    return list(db.session.execute(
        select(User).where(User.role.in_([Role.STAFF, Role.ADMIN]), User.active.is_(True))
        .order_by(User.id)
    ).scalars())


def require_staff(actor: User) -> None:
    """Staff of the participation service (administrators included), else 403."""
    if not actor.is_staff:
        raise Forbidden(str(_l("Only staff of the participation service can do this.")))


def require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise Forbidden(str(_l("Only administrators can do this.")))


def get_organisation(actor: User, organisation_id: int) -> Organisation:
    """Staff see every organisation; a buyer only their own; anyone else: 404."""
    organisation = db.session.get(Organisation, organisation_id)
    visible = organisation is not None and (
        actor.is_staff or (actor.role is Role.BUYER and actor.organisation_id == organisation_id)
    )
    if not visible:
        raise NotFound()
    assert organisation is not None
    return organisation


def _lock_organisation(organisation_id: int) -> Organisation:
    organisation = db.session.execute(
        select(Organisation).where(Organisation.id == organisation_id).with_for_update()
    ).scalar_one_or_none()
    if organisation is None:
        raise NotFound()
    return organisation


def approve_organisation(actor: User, organisation_id: int) -> Organisation:
    """Pending or suspended → approved; its buyers may order from now on."""
    require_staff(actor)
    organisation = _lock_organisation(organisation_id)
    if organisation.status is AdhesionStatus.APPROVED:
        raise Conflict(str(_l("This organisation is already approved.")))
    organisation.status = AdhesionStatus.APPROVED
    organisation.status_reason = ""
    organisation.decided_at = utcnow()
    organisation.decided_by_id = actor.id
    for member in organisation.members:
        if member.active:
            queue_email(to=member.email, language=member.language.value,
                        template="adhesion_approved", organisation=organisation, user=member)
    db.session.flush()
    return organisation


def suspend_organisation(actor: User, organisation_id: int, reason: str) -> Organisation:
    """Approved or pending → suspended; its buyers can no longer order."""
    require_staff(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": [str(_l("Give a reason."))]})
    organisation = _lock_organisation(organisation_id)
    if organisation.status is AdhesionStatus.SUSPENDED:
        raise Conflict(str(_l("This organisation is already suspended.")))
    organisation.status = AdhesionStatus.SUSPENDED
    organisation.status_reason = reason[:2000]
    organisation.decided_at = utcnow()
    organisation.decided_by_id = actor.id
    for member in organisation.members:
        if member.active:
            queue_email(to=member.email, language=member.language.value,
                        template="adhesion_suspended", organisation=organisation,
                        user=member, reason=organisation.status_reason)
    db.session.flush()
    return organisation


def list_organisations(actor: User, status: str | None, page: int) -> Page[Organisation]:
    """One page of organisations, newest first, optionally of one adhesion status."""
    require_staff(actor)
    query = select(Organisation)
    if status in {s.value for s in AdhesionStatus}:
        query = query.where(Organisation.status == AdhesionStatus(status))
    query = query.options(selectinload(Organisation.members)).order_by(
        Organisation.created_at.desc(), Organisation.id.desc())
    return _page(query, page)


def list_users(actor: User, role: str | None, page: int) -> Page[User]:
    """One page of accounts by e-mail, optionally of one role."""
    require_staff(actor)
    query = select(User)
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    query = query.options(selectinload(User.organisation), selectinload(User.vendor)).order_by(
        User.email)
    return _page(query, page)


def _page(query: Select[Any], page: int) -> Page[Any]:
    page = max(page, 1)
    result = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    return Page(list(result.items), int(result.total or 0), page, PAGE_SIZE)


# --- Users -----------------------------------------------------------------------------

def create_user(actor: User | None, *, email: str, role: str, full_name: str = "",
                language: str = "fr", organisation_id: int | None = None,
                vendor_id: int | None = None, password: str | None = None) -> User:
    """Create an account. ``actor`` is ``None`` only for the CLI (an operator on the server).

    Without a password the person receives an invitation e-mail to choose one.
    """
    if actor is not None:
        require_admin(actor)
    errors: dict[str, list[str]] = {}
    try:
        email = _check_email(email)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if role not in {r.value for r in Role}:
        errors["role"] = [str(_l("Choose a role."))]
    if language not in {lang.value for lang in Language}:
        errors["language"] = [str(_l("Choose a language."))]
    if role == Role.BUYER and (organisation_id is None
                               or db.session.get(Organisation, organisation_id) is None):
        errors["organisation"] = [str(_l("A buyer belongs to an existing organisation."))]
    if role == Role.VENDOR and (vendor_id is None or not companies.vendor_exists(vendor_id)):
        errors["vendor"] = [str(_l("A vendor user belongs to an existing vendor."))]
    if password is not None:
        problems = password_problems(password)
        if problems:
            errors["password"] = problems
    name_problem = single_line_problem(full_name)
    if name_problem:
        errors["full_name"] = [name_problem]
    if errors:
        raise ValidationFailed(errors)
    user = User(
        email=email, role=Role(role), full_name=full_name.strip(), language=Language(language),
        organisation_id=organisation_id if role == Role.BUYER else None,
        vendor_id=vendor_id if role == Role.VENDOR else None,
        password_hash=hash_password(password) if password else None,
    )
    try:
        # The address may be taken between the check and this insert (another admin, the
        # CLI, a registration): the unique index on lower(email) decides, and says so here.
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError:
        raise ValidationFailed({"email": [str(_EMAIL_TAKEN)]}) from None
    if password is None:
        token = _new_one_time_token(user, OneTimeTokenPurpose.INVITATION, hours=INVITATION_HOURS)
        queue_email(to=user.email, language=user.language.value, template="invitation",
                    user=user, token=token, hours=INVITATION_HOURS, scrub_after_send=True)
    return user


def set_language(actor: User, language: str) -> None:
    if language not in {lang.value for lang in Language}:
        raise ValidationFailed({"language": [str(_l("Choose a language."))]})
    actor.language = Language(language)
    db.session.flush()


def change_password(actor: User, current: str, new: str) -> None:
    if not actor.password_hash or authenticate(actor.email, current) is None:
        raise ValidationFailed({"current_password": [str(_l("The current password is wrong."))]})
    check_password(new, "new_password")
    actor.password_hash = hash_password(new)
    # Every other login of this person ends; the current one is started again by the view.
    end_credentials(actor)
    db.session.flush()


def end_credentials(user: User) -> None:
    """After a password change or reset nothing issued before it still works: login
    sessions, API tokens and e-mailed links (someone who had the old password may have
    made any of them)."""
    now = utcnow()
    end_all_login_sessions(user)
    db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session=False))
    _cancel_one_time_tokens(user)


def _cancel_one_time_tokens(user: User) -> None:
    db.session.execute(
        update(OneTimeToken).where(OneTimeToken.user_id == user.id,
                                   OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))


# --- One-time tokens (password reset, invitation) ----------------------------------------

def _new_one_time_token(user: User, purpose: OneTimeTokenPurpose, hours: int) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(OneTimeToken(user_id=user.id, purpose=purpose, token_hash=sha256(token),
                                expires_at=utcnow() + timedelta(hours=hours)))
    return token


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the account exists; says nothing either way (no enumeration)."""
    user = user_by_email(email)
    if user is None or not user.active:
        return
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    # Only the newest link works: an older e-mail lying in a mailbox is worth nothing.
    _cancel_one_time_tokens(user)
    token = _new_one_time_token(user, OneTimeTokenPurpose.PASSWORD_RESET, hours=hours)
    db.session.flush()
    queue_email(to=user.email, language=user.language.value, template="password_reset",
                user=user, token=token, hours=hours, scrub_after_send=True)


def valid_one_time_token(token: str) -> OneTimeToken | None:
    row = db.session.execute(
        select(OneTimeToken).where(OneTimeToken.token_hash == sha256(token))
    ).scalar_one_or_none()
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    if not row.user.active:
        return None
    return row


def reset_password(token: str, new_password: str) -> User:
    """Use a reset or invitation token once: set the password and end every login."""
    check_password(new_password)
    row = valid_one_time_token(token)
    if row is None:
        raise Conflict(str(_l("This link has expired or was already used. Ask for a new one.")))
    # Conditional update: two requests with the same token cannot both use it.
    result = db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == row.id, OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(str(_l("This link has expired or was already used. Ask for a new one.")))
    user = row.user
    user.password_hash = hash_password(new_password)
    end_credentials(user)
    db.session.flush()
    return user
