"""Erasure requests and the erasure itself: the person is pseudonymised, not deleted.

Orders, approvals and the audit trail must be kept (public procurement records) and point at
the user's row by id. The audit trail's hashed fields hold that id, never a name or an e-mail
address (app.orders.audit.event_fields), so pseudonymising the row leaves every hash as it
was: ``flask audit verify`` passes before and after. Copies of the name or address elsewhere
(e-mails in the outbox, notifications, frozen order-form data, the admin log, an
organisation's invoicing contact) are replaced here too. See docs/personal-data.md.
"""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, cast, func, or_, select, update
from sqlalchemy.orm import joinedload

from app.auth.models import ApiToken, OneTimeToken, Organisation, User
from app.auth.sessions import end_all_login_sessions
from app.common.admin_log import AdminLogEntry
from app.common.errors import Conflict, NotFound, ValidationFailed
from app.common.mail import queue_email
from app.common.outbox import OutboxMessage
from app.common.pagination import Page
from app.common.time import utcnow
from app.execution.models import OrderForm
from app.extensions import db
from app.legal.models import ErasureRequest, ErasureState
from app.notifications.models import Notification
from app.orders.models import Order
from app.vendors.models import Vendor


def pseudonym_email(user: User) -> str:
    """An address that can never receive mail (.invalid is reserved, RFC 2606)."""
    return f"erased-{user.id}@erased.invalid"


def pending_request(user: User) -> ErasureRequest | None:
    return db.session.execute(select(ErasureRequest).where(
        ErasureRequest.user_id == user.id, ErasureRequest.state == ErasureState.PENDING)
    ).scalar_one_or_none()


def latest_request(user: User) -> ErasureRequest | None:
    return db.session.execute(select(ErasureRequest).where(
        ErasureRequest.user_id == user.id).order_by(ErasureRequest.id.desc()).limit(1)
    ).scalar_one_or_none()


def request_erasure(actor: User) -> ErasureRequest:
    """The actor asks for their own data to be erased; a second ask returns the pending one."""
    if actor.erased_at is not None:
        raise Conflict(str(_l("This account was already erased.")))
    existing = pending_request(actor)
    if existing is not None:
        return existing
    request = ErasureRequest(user_id=actor.id)
    db.session.add(request)
    db.session.flush()
    return request


def requests(page: int = 1, per_page: int = 25) -> Page[ErasureRequest]:
    """A page of the requests, newest first, with their people (one query for the rows)."""
    total = db.session.execute(select(func.count(ErasureRequest.id))).scalar_one()
    rows = db.session.execute(
        select(ErasureRequest).options(joinedload(ErasureRequest.user),
                                       joinedload(ErasureRequest.decided_by))
        .order_by(ErasureRequest.created_at.desc(), ErasureRequest.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return Page(list(rows), int(total), page, per_page)


def _pending(actor: User, request_id: int) -> ErasureRequest:
    if not actor.is_staff:
        raise NotFound()
    request = db.session.get(ErasureRequest, request_id, with_for_update=True)
    if request is None:
        raise NotFound()
    if request.state is not ErasureState.PENDING:
        raise Conflict(str(_l("This request was already handled.")))
    return request


def refuse(actor: User, request_id: int, reason: str) -> ErasureRequest:
    request = _pending(actor, request_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [str(_l("Give a reason."))]})
    request.state, request.reason = ErasureState.REFUSED, reason[:5000]
    request.decided_at, request.decided_by_id = utcnow(), actor.id
    user = request.user
    queue_email(to=user.email, language=user.language.value, template="erasure_refused",
                user=user, reason=request.reason)
    return request


def approve(actor: User, request_id: int) -> ErasureRequest:
    """Erase the requester; they are told by an e-mail whose payload is dropped once sent."""
    request = _pending(actor, request_id)
    if request.user_id == actor.id:
        raise Conflict(str(_l("Another staff member must handle your own request.")))
    user = request.user
    address, language = user.email, user.language.value
    erase(user)
    request.state = ErasureState.APPROVED
    request.decided_at, request.decided_by_id = utcnow(), actor.id
    queue_email(to=address, language=language, template="erasure_done", scrub_after_send=True,
                user=user)
    return request


def erase(user: User) -> None:
    """Pseudonymise ``user`` everywhere their name or e-mail address is kept."""
    name, address = user.full_name.strip(), user.email
    now = utcnow()
    user.erased_at = now
    user.full_name = ""
    user.email = pseudonym_email(user)
    user.password_hash = None
    user.active = False
    pseudonym = f"#{user.id}"
    replacements = [(address, user.email)] + ([(name, pseudonym)] if len(name) >= 3 else [])
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id,
                                              ApiToken.revoked_at.is_(None))
                       .values(revoked_at=now))
    db.session.execute(update(OneTimeToken).where(OneTimeToken.user_id == user.id,
                                                  OneTimeToken.used_at.is_(None))
                       .values(used_at=now))
    end_all_login_sessions(user)
    _clear_phones(user)
    contact = [Organisation.invoicing_contact_email == address]
    if name:
        contact.append(Organisation.invoicing_contact_name == name)
    for org in db.session.execute(select(Organisation).where(or_(*contact))).scalars():
        org.invoicing_contact_name, org.invoicing_contact_email = None, None
    for vendor in db.session.execute(select(Vendor).where(
            func.lower(Vendor.contact_email) == address.lower())).scalars():
        vendor.contact_email = None
    _scrub_outbox(address, replacements)
    for model, column in ((Notification, Notification.params), (OrderForm, OrderForm.data),
                          (AdminLogEntry, AdminLogEntry.before),
                          (AdminLogEntry, AdminLogEntry.after)):
        _scrub_json(model, column, replacements)
    db.session.flush()


def _phone_columns(model: Any) -> dict[str, Any]:
    """The model's telephone columns (none today on users; orders get a contact phone with
    the public buyer's request, issue 14), each with its cleared value."""
    return {column.key: (None if column.nullable else "")
            for column in model.__table__.columns if "phone" in column.key}


def _clear_phones(user: User) -> None:
    for key, cleared in _phone_columns(User).items():
        setattr(user, key, cleared)
    if cleared_orders := _phone_columns(Order):
        db.session.execute(update(Order).where(Order.created_by_id == user.id)
                           .values(**cleared_orders))


def _replace(value: Any, replacements: list[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        for old, new in replacements:
            value = _replace_ci(value, old, new)
        return value
    if isinstance(value, dict):
        return {k: _replace(v, replacements) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, replacements) for v in value]
    return value


def _replace_ci(text: str, old: str, new: str) -> str:
    lowered, needle, out, start = text.lower(), old.lower(), [], 0
    while (found := lowered.find(needle, start)) >= 0:
        out.append(text[start:found] + new)
        start = found + len(old)
    return "".join(out) + text[start:]


def _matching(model: Any, column: Any, replacements: list[tuple[str, str]]) -> list[Any]:
    """Rows whose JSON may hold one of the strings (stored as is, or \\u-escaped as the JSON
    serialiser writes non-ASCII letters); the exact, case-blind match is done in Python."""
    text = func.lower(cast(column, Text))
    needles = {form for old, _new in replacements
               for form in (old.lower(), json.dumps(old)[1:-1].lower(),
                            json.dumps(old.lower())[1:-1].lower())}
    rows = db.session.execute(select(model).where(or_(
        *(text.contains(needle, autoescape=True) for needle in sorted(needles))))).scalars()
    return list(rows)


def _scrub_json(model: Any, column: Any, replacements: list[tuple[str, str]]) -> None:
    for obj in _matching(model, column, replacements):
        key = column.key
        setattr(obj, key, _replace(getattr(obj, key), replacements))


def _scrub_outbox(address: str, replacements: list[tuple[str, str]]) -> None:
    """E-mails to the person lose their payload (an unsent one is cancelled); others that
    name them are rewritten."""
    for message in _matching(OutboxMessage, OutboxMessage.payload, replacements):
        payload = message.payload or {}
        if message.kind == "email" and str(payload.get("to", "")).lower() == address.lower():
            message.payload = {"to": "", "scrubbed": True}
            if message.sent_at is None and message.failed_at is None:
                message.failed_at = utcnow()
                message.last_error = "recipient erased"
        else:
            message.payload = _replace(payload, replacements)
