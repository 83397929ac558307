"""An order's history and its assignment timeline as the reader may see them: bids are sealed
(DESIGN §1).

The audit trail (``OrderEvent``) and the vendor attempts are complete in the database; this is
the one place that decides what each reader gets back from them, already shaped into plain
dataclasses, so a page, the API and anything else show the same thing and never filter:

- **staff** see everything, with each event's chain hash;
- **the buyer** sees that a vendor was asked, answered, declined or did not answer, without
  the vendor's identity, rank, reason, note, price or document, except: the assigned vendor
  (once the order is assigned) and the quotes of a closed mini-competition (awarded or not
  awarded: vendor, price and note; the awarded quote's document);
- **a vendor** sees the events about its own company's attempts and the order's moves, without
  anything about the other vendors (an escalation's cause, another company's answers).

The chain hash is staff-only: a hash over a payload the reader does not see would let them
try prices until one matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.assignment import quote_documents
from app.assignment.models import AttemptState, VendorAttempt
from app.auth.models import Role, User
from app.common.errors import NotFound
from app.extensions import db
from app.orders import services
from app.orders.models import Order, OrderEvent

# The events that record one vendor attempt (they all carry its ``attempt_id``).
VENDOR_NOTES = frozenset({"vendor_asked", "vendor_declined", "vendor_quoted", "vendor_expired",
                          "vendor_withdrawn"})
# A quote of a competition that is over: the buyer may compare them.
CLOSED_QUOTE = (AttemptState.AWARDED, AttemptState.NOT_AWARDED)
WON = (AttemptState.ACCEPTED, AttemptState.AWARDED)
# Order moves whose payload says nothing about vendors. Any other move's payload is staff-only
# unless a rule below says otherwise, so a new payload key cannot leak by default.
_PLAIN_PAYLOAD = frozenset({"create", "update", "submit", "withdraw", "approval_recorded",
                            "approve", "reject", "request_changes", "cancel", "dispatch",
                            "deliver", "order_form_issued", "close", "invoice_registered",
                            "invoice_accepted", "invoice_disputed", "invoice_corrected",
                            "invoice_rejected", "invoice_paid"})


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the history. ``who`` is the actor's name as the reader may see it (None:
    the platform, or a vendor's user the reader may not know); ``vendor`` the name of the
    vendor company the line is about, when the reader may know it."""

    id: int
    seq: int
    at: datetime
    action: str
    from_state: str | None
    to_state: str | None
    actor_id: int | None
    who: str | None
    vendor: str | None
    reason: str
    payload: dict[str, Any]
    hash: str | None  # staff only


@dataclass(frozen=True)
class QuoteFile:
    filename: str
    size_bytes: int


@dataclass(frozen=True)
class TimelineRow:
    """One vendor attempt on the order page. ``vendor`` None: "a vendor"; ``rank`` None,
    ``reason``/``note`` empty, ``price_cents``/``document`` None when not the reader's to
    see."""

    attempt_id: int
    kind: str
    state: str
    conflict_of_interest: bool
    vendor: str | None
    rank: int | None
    created_at: datetime
    expires_at: datetime
    responded_at: datetime | None
    reason: str
    price_cents: int | None
    note: str
    document: QuoteFile | None


@dataclass(frozen=True)
class _Reader:
    staff: bool
    vendor_id: int | None  # set for a vendor's user; None for staff and the buyer


def _reader(actor: User, order: Order) -> _Reader:
    """Who reads, checked against the order (404 for an order the actor may not see)."""
    if actor.is_staff:
        return _Reader(True, None)
    if actor.role is Role.BUYER and actor.organisation_id is not None \
            and actor.organisation_id == order.organisation_id:
        return _Reader(False, None)
    if actor.role is Role.VENDOR and actor.vendor_id is not None \
            and actor.vendor_id == order.vendor_id:
        return _Reader(False, actor.vendor_id)
    raise NotFound()


def _attempts(order: Order) -> dict[int, VendorAttempt]:
    return {a.id: a for a in db.session.execute(
        select(VendorAttempt).where(VendorAttempt.order_id == order.id)
        .options(selectinload(VendorAttempt.vendor)).order_by(VendorAttempt.attempt_no)
        .execution_options(populate_existing=True)).scalars()}


# --- The history ---------------------------------------------------------------------------

def order_history(actor: User, order_id: int) -> list[HistoryEntry]:
    """The order's events, oldest first, as ``actor`` may see them (404 if the order is not
    theirs)."""
    order = services.get_order(actor, order_id)
    reader = _reader(actor, order)
    attempts = _attempts(order)
    events = db.session.execute(
        select(OrderEvent).where(OrderEvent.order_id == order.id)
        .options(selectinload(OrderEvent.actor)).order_by(OrderEvent.seq)).scalars()
    shaped = (_entry(reader, order, event, attempts) for event in events)
    return [entry for entry in shaped if entry is not None]


def _line(event: OrderEvent, *, actor_id: int | None, who: str | None, vendor: str | None,
          reason: str, payload: dict[str, Any], hash_: str | None = None) -> HistoryEntry:
    return HistoryEntry(id=event.id, seq=event.seq, at=event.at, action=event.action,
                        from_state=event.from_state, to_state=event.to_state,
                        actor_id=actor_id, who=who, vendor=vendor, reason=reason,
                        payload=payload, hash=hash_)


def _attempt_of(event: OrderEvent, attempts: dict[int, VendorAttempt]) -> VendorAttempt | None:
    attempt_id = (event.payload or {}).get("attempt_id")
    return attempts.get(attempt_id) if isinstance(attempt_id, int) else None


def _entry(reader: _Reader, order: Order, event: OrderEvent,
           attempts: dict[int, VendorAttempt]) -> HistoryEntry | None:
    attempt = _attempt_of(event, attempts)
    if reader.staff:
        about = attempt.vendor.name if attempt is not None else None
        return _line(event, actor_id=event.actor_id, who=_name(event.actor), vendor=about,
                     reason=event.reason, payload=dict(event.payload or {}), hash_=event.hash)
    if event.action in VENDOR_NOTES:
        return _vendor_note(reader, event, attempt)
    return _move(reader, order, event, attempt)


def _name(user: User | None) -> str | None:
    return user.display_name if user is not None else None


def _vendor_note(reader: _Reader, event: OrderEvent,
                 attempt: VendorAttempt | None) -> HistoryEntry | None:
    if attempt is not None and reader.vendor_id is not None \
            and attempt.vendor_id == reader.vendor_id:
        # The company's own answer: all of it (its colleague's name included).
        return _line(event, actor_id=event.actor_id, who=_name(event.actor),
                     vendor=attempt.vendor.name, reason=event.reason,
                     payload=dict(event.payload or {}))
    if reader.vendor_id is not None:
        return None  # another company's attempt
    if event.action == "vendor_quoted" and attempt is not None \
            and attempt.state in CLOSED_QUOTE:
        payload: dict[str, Any] = {"attempt_id": attempt.id, "vendor_id": attempt.vendor_id,
                                   "price_cents": attempt.price_cents, "note": attempt.note}
        document = (event.payload or {}).get("document")
        if attempt.state is AttemptState.AWARDED and document:
            payload["document"] = document
        return _line(event, actor_id=None, who=None, vendor=attempt.vendor.name, reason="",
                     payload=payload)
    return _line(event, actor_id=None, who=None, vendor=None, reason="", payload={})


def _move(reader: _Reader, order: Order, event: OrderEvent,
          attempt: VendorAttempt | None) -> HistoryEntry:
    """An order move. A vendor's user is named to its own company; to the buyer, the
    assigned vendor's moves are the company's."""
    actor_id, who = event.actor_id, _name(event.actor)
    actor = event.actor
    if actor is not None and actor.role is Role.VENDOR and actor.vendor_id != reader.vendor_id:
        actor_id = None
        assigned = order.vendor if actor.vendor_id == order.vendor_id else None
        who = assigned.name if assigned is not None else None
    payload = dict(event.payload or {})
    vendor: str | None = None
    if event.action == "assign":
        winner = payload.get("vendor_id")
        if reader.vendor_id is None or reader.vendor_id == winner:
            vendor = attempt.vendor.name if attempt is not None else (
                order.vendor.name if order.vendor is not None else None)
        else:
            payload = {}
    elif event.action == "escalate":
        # Why no vendor was found is about the others' answers: not for a vendor.
        payload = {"why": payload["why"]} if reader.vendor_id is None and "why" in payload \
            else {}
    elif event.action not in _PLAIN_PAYLOAD:
        payload = {}
    return _line(event, actor_id=actor_id, who=who, vendor=vendor, reason=event.reason,
                 payload=payload)


def event_data(entry: HistoryEntry) -> dict[str, Any]:
    """An entry as the API answers it."""
    return {"id": entry.id, "seq": entry.seq, "at": entry.at, "actor_id": entry.actor_id,
            "action": entry.action, "from_state": entry.from_state,
            "to_state": entry.to_state, "reason": entry.reason, "payload": entry.payload,
            "hash": entry.hash}


# --- The assignment timeline ---------------------------------------------------------------

def assignment_timeline(actor: User, order: Order) -> list[TimelineRow]:
    """The vendors asked to take ``order``, in the order they were asked, as ``actor`` may
    see them. A vendor gets none: it reads its own answers in its portal."""
    reader = _reader(actor, order)
    if reader.vendor_id is not None:
        return []
    attempts = list(_attempts(order).values())
    documents = quote_documents.visible_on_order(actor, attempts)
    return [_row(reader, order, attempt, documents.get(attempt.id)) for attempt in attempts]


def _row(reader: _Reader, order: Order, attempt: VendorAttempt,
         document: Any) -> TimelineRow:
    file = QuoteFile(document.filename, document.size_bytes) if document is not None else None
    if reader.staff:
        return TimelineRow(
            attempt_id=attempt.id, kind=attempt.kind.value, state=attempt.state.value,
            conflict_of_interest=bool(attempt.conflict_of_interest), vendor=attempt.vendor.name,
            rank=attempt.rank, created_at=attempt.created_at, expires_at=attempt.expires_at,
            responded_at=attempt.responded_at, reason=attempt.reason,
            price_cents=attempt.price_cents, note=attempt.note, document=file)
    closed_quote = attempt.state in CLOSED_QUOTE
    named = closed_quote or (attempt.state in WON and attempt.vendor_id == order.vendor_id)
    return TimelineRow(
        attempt_id=attempt.id, kind=attempt.kind.value, state=attempt.state.value,
        conflict_of_interest=False, vendor=attempt.vendor.name if named else None, rank=None,
        created_at=attempt.created_at, expires_at=attempt.expires_at,
        responded_at=attempt.responded_at, reason="",
        price_cents=attempt.price_cents if closed_quote else None,
        note=attempt.note if closed_quote else "", document=file)
