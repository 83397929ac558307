"""The invoice state machine (DESIGN §9): one table of moves, one function that makes them.

``registered → accepted → paid``, ``registered → disputed → registered`` (the vendor corrects),
``registered | disputed → rejected``. Each move is written into the order's audit trail
(the order row is locked by the caller), so the order's history tells the invoices' story.
A move not possible now raises ``Conflict`` (409); a move by a role that may not make it is
refused by the services before (404: the invoice is not theirs to handle).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from app.auth.models import Role, User
from app.common.errors import Conflict, ValidationFailed
from app.common.time import utcnow
from app.invoicing.models import Invoice, InvoiceState
from app.orders import audit
from app.orders.models import Order

I = InvoiceState  # noqa: E741
BUYER_SIDE = (Role.BUYER, Role.STAFF, Role.ADMIN)  # staff may act for the buyer


@dataclass(frozen=True)
class Move:
    sources: tuple[InvoiceState, ...]
    target: InvoiceState
    roles: tuple[Role, ...]
    event: str
    needs_reason: bool = False


MOVES: dict[str, Move] = {
    "accept": Move((I.REGISTERED,), I.ACCEPTED, BUYER_SIDE, "invoice_accepted"),
    "dispute": Move((I.REGISTERED,), I.DISPUTED, BUYER_SIDE, "invoice_disputed",
                    needs_reason=True),
    "correct": Move((I.DISPUTED,), I.REGISTERED, (Role.VENDOR,), "invoice_corrected"),
    "reject": Move((I.REGISTERED, I.DISPUTED), I.REJECTED, BUYER_SIDE, "invoice_rejected",
                   needs_reason=True),
    "mark_paid": Move((I.ACCEPTED,), I.PAID, BUYER_SIDE, "invoice_paid"),
}
REGISTERED_EVENT = "invoice_registered"
EVENTS = frozenset({REGISTERED_EVENT} | {move.event for move in MOVES.values()})


def allowed_moves(invoice: Invoice, role: Role) -> list[str]:
    return [name for name, move in MOVES.items()
            if invoice.state in move.sources and role in move.roles]


def check(invoice: Invoice, action: str, actor: User) -> Move:
    move = MOVES[action]
    if actor.role not in move.roles:
        raise Conflict(str(_l("This action is not available to you.")))
    if invoice.state not in move.sources:
        raise Conflict(str(_l("This invoice is %(state)s: this action is not possible now.",
                              state=invoice.state.value)))
    return move


def _payload(invoice: Invoice, **extra: Any) -> dict[str, Any]:
    return {"invoice_id": invoice.id, "number": invoice.number,
            "amount_excl_vat_cents": invoice.amount_excl_vat_cents,
            "vat_cents": invoice.vat_cents, "state": invoice.state.value, **extra}


def record_registered(order: Order, invoice: Invoice, actor: User) -> None:
    """The audit event of a new invoice (``order`` locked by the caller)."""
    order.updated_at = utcnow()
    audit.append(order, actor=actor, action=REGISTERED_EVENT, from_state=order.status.value,
                 to_state=order.status.value,
                 payload=_payload(invoice, source=invoice.source.value,
                                  ubl_sha256=invoice.ubl_sha256 or None))


def transition(order: Order, invoice: Invoice, action: str, actor: User, *,
               reason: str = "", payload: dict[str, Any] | None = None) -> Move:
    """Make ``action`` on ``invoice`` (its order locked by the caller) or raise."""
    move = check(invoice, action, actor)
    reason = reason.strip()
    if move.needs_reason and not reason:
        raise ValidationFailed({"reason": [str(_l("Give a reason."))]})
    previous = invoice.state
    invoice.state = move.target
    now = utcnow()
    invoice.updated_at = now
    if move.needs_reason:
        invoice.reason = reason
    order.updated_at = now
    audit.append(order, actor=actor, action=move.event, from_state=order.status.value,
                 to_state=order.status.value, reason=reason,
                 payload=_payload(invoice, previous=previous.value, **(payload or {})))
    return move
