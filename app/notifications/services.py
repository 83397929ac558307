"""Notifying users (in the app and by e-mail), counting, listing and marking them read.

This package sits below the orders (DESIGN §7): what it needs of an order is the
:class:`AboutOrder` protocol, never the orders' model.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import and_, func, select, update

from app.auth.models import User
from app.common.errors import NotFound
from app.common.mail import Recipient, queue_emails
from app.common.pagination import Page
from app.common.time import utcnow
from app.extensions import db
from app.notifications.models import Notification

PAGE_SIZE = 25
_KEPT = ("threshold", "lot_number", "framework_reference")


class AboutOrder(Protocol):
    """What a notification reads of the order it is about."""

    @property
    def id(self) -> int: ...

    @property
    def reference(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def audit_count(self) -> int: ...


def notify(users: list[User], kind: str, order: AboutOrder, **context: Any) -> None:
    """An in-app notification and an e-mail (template ``kind``) to each user, in their
    language. ``context`` goes to the e-mail; ``reason`` and an ``attempt`` are also kept on
    the notification (the attempt's id lets it link to the offer)."""
    params: dict[str, Any] = {"reference": order.reference, "title": order.title,
                              "reason": context.get("reason", "")}
    if "attempt" in context:
        params["attempt_id"] = context["attempt"].id
    for key in _KEPT:  # plain values some sentences name (a lot's number, a threshold…)
        if key in context:
            params[key] = context[key]
    context["reason"] = params["reason"]
    event = f"{order.id}:{order.audit_count}"  # the audit event just written
    # Someone pseudonymised at their request is told nothing more.
    users = [user for user in users if user.erased_at is None]
    db.session.add_all([Notification(user_id=user.id, kind=kind, order_id=order.id,
                                     params=params) for user in users])
    queue_emails([Recipient(u.email, u.language.value, u.display_name) for u in users],
                 template=kind, event=event, order=order, **context)


def unread_count(actor: User) -> int:
    return int(db.session.execute(
        select(func.count(Notification.id)).where(
            and_(Notification.user_id == actor.id, Notification.read_at.is_(None)))
    ).scalar_one())


def list_notifications(actor: User, page: int = 1) -> Page[Notification]:
    query = select(Notification).where(Notification.user_id == actor.id)
    total = db.session.execute(
        select(func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(
        query.order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).scalars().all()
    return Page(list(rows), total, max(page, 1), PAGE_SIZE)


def mark_read(actor: User, notification_id: int | None = None) -> int:
    """Mark one notification (or all of them) read; returns how many changed."""
    query = update(Notification).where(Notification.user_id == actor.id,
                                       Notification.read_at.is_(None))
    if notification_id is not None:
        if db.session.get(Notification, notification_id) is None:
            raise NotFound()
        query = query.where(Notification.id == notification_id)
    result = db.session.execute(query.values(read_at=utcnow())
                                .execution_options(synchronize_session=False))
    if notification_id is not None and result.rowcount == 0:  # type: ignore[attr-defined]
        owned = db.session.execute(select(Notification.id).where(
            Notification.id == notification_id, Notification.user_id == actor.id)).first()
        if owned is None:
            raise NotFound()
    return int(result.rowcount)  # type: ignore[attr-defined]
