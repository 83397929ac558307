"""The order state machine (DESIGN §3): one table of moves, one function that makes them.

``transition`` checks the move is allowed from the current state for the actor's role, stamps
the time, writes the hash-chained ``OrderEvent`` and returns it; an illegal move raises
``Conflict`` (409). Business checks specific to a move (ceilings, four-eyes, ownership) live
in the services that call it, inside the same transaction with the order row locked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from app.auth.models import Role, User
from app.common.errors import Conflict
from app.common.time import utcnow
from app.orders import audit
from app.orders.models import Order, OrderEvent, OrderStatus

S = OrderStatus
SYSTEM = "system"


@dataclass(frozen=True)
class Move:
    sources: tuple[OrderStatus, ...]
    target: OrderStatus
    roles: tuple[str, ...]
    needs_reason: bool = False


MOVES: dict[str, Move] = {
    "submit": Move((S.DRAFT, S.CHANGES_REQUESTED), S.SUBMITTED, (Role.BUYER,)),
    "withdraw": Move((S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED), S.CANCELLED, (Role.BUYER,)),
    "approve": Move((S.SUBMITTED,), S.APPROVED, (Role.STAFF, Role.ADMIN)),
    "reject": Move((S.SUBMITTED,), S.REJECTED, (Role.STAFF, Role.ADMIN), needs_reason=True),
    "request_changes": Move((S.SUBMITTED,), S.CHANGES_REQUESTED, (Role.STAFF, Role.ADMIN),
                            needs_reason=True),
    "cancel": Move((S.APPROVED, S.AWAITING_VENDOR, S.ASSIGNED, S.ESCALATED), S.CANCELLED,
                   (Role.STAFF, Role.ADMIN), needs_reason=True),
    "dispatch": Move((S.APPROVED,), S.AWAITING_VENDOR, (SYSTEM, Role.STAFF, Role.ADMIN)),
    "assign": Move((S.AWAITING_VENDOR,), S.ASSIGNED, (SYSTEM, Role.VENDOR)),
    # From approved too: a dispatch step that failed for good hands the order to staff.
    "escalate": Move((S.APPROVED, S.AWAITING_VENDOR), S.ESCALATED, (SYSTEM,)),
    "redispatch": Move((S.ESCALATED,), S.AWAITING_VENDOR, (Role.STAFF, Role.ADMIN)),
    "deliver": Move((S.ASSIGNED,), S.DELIVERED, (Role.VENDOR,)),
    "confirm_receipt": Move((S.DELIVERED,), S.COMPLETED, (Role.BUYER,)),
    "contest_delivery": Move((S.DELIVERED,), S.ASSIGNED, (Role.BUYER,), needs_reason=True),
    "close": Move((S.COMPLETED,), S.CLOSED, (Role.STAFF, Role.ADMIN)),
}

# Events that record something without moving the order.
NOTES = {"create", "update", "approval_recorded", "vendor_asked", "vendor_declined",
         "vendor_quoted", "vendor_expired", "vendor_withdrawn"}


def allowed_actions(order: Order, role: str) -> list[str]:
    return [name for name, move in MOVES.items()
            if order.status in move.sources and role in move.roles]


def check(order: Order, action: str, actor: User | None) -> Move:
    """The move ``action`` if ``actor`` may make it on ``order`` now, else ``Conflict`` (a
    service checks this before its own field checks, so a move not possible now is a 409
    whatever the body)."""
    move = MOVES.get(action)
    role = actor.role.value if actor is not None else SYSTEM
    if move is None or role not in move.roles:
        raise Conflict(str(_l("This action is not available to you.")))
    if order.status not in move.sources:
        raise Conflict(str(_l("This order is %(status)s: this action is not possible now.",
                              status=order.status.value)))
    return move


def transition(order: Order, action: str, actor: User | None, *, reason: str = "",
               payload: dict[str, Any] | None = None) -> OrderEvent:
    """Make ``action`` on ``order`` (locked by the caller) or raise ``Conflict``."""
    move = check(order, action, actor)
    reason = reason.strip()
    if move.needs_reason and not reason:
        from app.common.errors import ValidationFailed

        raise ValidationFailed({"reason": [str(_l("Give a reason."))]})
    previous = order.status
    order.status = move.target
    now = utcnow()
    order.updated_at = now
    if reason:
        order.last_reason = reason[:5000]
    if action == "submit":
        order.submitted_at = now
    if action in ("approve", "reject", "request_changes"):
        order.decided_at = now
    return audit.append(order, actor=actor, action=action, from_state=previous.value,
                        to_state=move.target.value, reason=reason, payload=payload)


def note(order: Order, action: str, actor: User | None, *, reason: str = "",
         payload: dict[str, Any] | None = None) -> OrderEvent:
    """Record an event that does not change the state (creation, edits, a first approval,
    a vendor's answer)."""
    assert action in NOTES
    order.updated_at = utcnow()
    return audit.append(order, actor=actor, action=action, from_state=order.status.value,
                        to_state=order.status.value, reason=reason, payload=payload)
