"""A vendor's answers: accept or decline an offer, quote for or decline an invitation.

Each locks the order, checks the attempt is the actor's company's (404) and still open
(409), and moves it with ``app.assignment.workflow.move``.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.assignment import quote_documents, workflow
from app.assignment.attempt_reads import get_attempt
from app.assignment.models import AttemptKind, AttemptState, VendorAttempt
from app.assignment.services.rounds import after_answer, lock_order, may_take, tell_assignment
from app.assignment.services.withdrawal import NOT_ELIGIBLE, withdraw_attempt
from app.auth.models import User
from app.common import money
from app.common.errors import Conflict, ValidationFailed
from app.common.i18n import reader_language
from app.common.time import utcnow
from app.extensions import db
from app.orders import workflow as order_workflow
from app.orders.models import Order
from app.vendors.models import Vendor


def _require_eligible(order: Order, attempt: VendorAttempt) -> None:
    """Under the order's lock: a vendor out of the lot (or deactivated) takes nothing; its
    still-open attempt is withdrawn on the way, and that change is kept with the 409."""
    if may_take(order, attempt.vendor_id):
        return
    withdrawn = withdraw_attempt(order, attempt, NOT_ELIGIBLE)
    raise Conflict(str(_l("Your company can no longer take orders in this lot: its "
                          "membership is suspended or terminated, or the company is "
                          "deactivated.")), commit=withdrawn)


def _for_vendor(actor: User, attempt_id: int) -> tuple[Order, VendorAttempt]:
    """The attempt if it belongs to the actor's company (else 404), with its order locked."""
    attempt = get_attempt(actor, attempt_id)
    order = lock_order(attempt.order_id)
    assert order is not None
    db.session.refresh(attempt)
    return order, attempt


def _require_open(attempt: VendorAttempt, state: AttemptState) -> None:
    if attempt.state is not state:
        raise Conflict(str(_l("This request was already answered, withdrawn or has expired.")))
    if attempt.expires_at <= utcnow():
        raise Conflict(str(_l("The deadline to answer has passed.")))


def accept(actor: User, attempt_id: int, conflict_of_interest: bool) -> Order:
    """Accept an offer. Declaring a conflict of interest counts as declining it."""
    order, attempt = _for_vendor(actor, attempt_id)
    if attempt.kind is not AttemptKind.OFFER:
        raise Conflict(str(_l("An invitation is answered with a quote.")))
    _require_open(attempt, AttemptState.OFFERED)
    if conflict_of_interest:
        return _decline(actor, order, attempt, str(_l("Conflict of interest declared.")),
                        conflict=True)
    _require_eligible(order, attempt)
    if not workflow.move(attempt.id, "accept",
                      responded_at=utcnow(), responded_by_id=actor.id,
                      conflict_of_interest=False):
        raise Conflict(str(_l("This request was already answered, withdrawn or has expired.")))
    order.vendor = db.session.get(Vendor, attempt.vendor_id)
    order_workflow.transition(order, "assign", actor, payload={"attempt_id": attempt.id,
                                                         "vendor_id": attempt.vendor_id})
    tell_assignment(order)
    return order


def decline(actor: User, attempt_id: int, reason: str) -> Order:
    order, attempt = _for_vendor(actor, attempt_id)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": [str(_l("Give a reason."))]})
    expected = AttemptState.OFFERED if attempt.kind is AttemptKind.OFFER else \
        AttemptState.INVITED
    _require_open(attempt, expected)
    return _decline(actor, order, attempt, reason)


def _decline(actor: User, order: Order, attempt: VendorAttempt, reason: str,
             conflict: bool = False) -> Order:
    if not workflow.move(attempt.id, "decline",
                      responded_at=utcnow(), responded_by_id=actor.id, reason=reason[:2000],
                      conflict_of_interest=conflict):
        raise Conflict(str(_l("This request was already answered, withdrawn or has expired.")))
    order_workflow.note(order, "vendor_declined", actor, reason=reason[:2000],
                  payload={"attempt_id": attempt.id, "vendor_id": attempt.vendor_id})
    after_answer(order, attempt)
    return order


def quote(actor: User, attempt_id: int, price_cents: int, note: str,
          document: quote_documents.QuoteUpload | None = None, *,
          conflict_of_interest: bool) -> Order:
    """Answer an invitation with a price (integer cents excl. VAT, at most the order's total
    excl. VAT), a note, optionally the written quote as a PDF, and the conflict-of-interest
    declaration: declaring a conflict counts as declining. A refused file refuses the whole
    quote."""
    order, attempt = _for_vendor(actor, attempt_id)
    if attempt.kind is not AttemptKind.INVITATION:
        raise Conflict(str(_l("An offer is accepted or declined, not quoted.")))
    if conflict_of_interest:
        _require_open(attempt, AttemptState.INVITED)
        return _decline(actor, order, attempt, str(_l("Conflict of interest declared.")),
                        conflict=True)
    errors: dict[str, list[str]] = {}
    if isinstance(price_cents, bool) or not isinstance(price_cents, int) \
            or not 1 <= price_cents <= 10**11:
        errors["price_cents"] = [str(_l("Enter a price between 0.01 and 1 000 000 000."))]
    elif price_cents > order.total_excl_vat_cents:
        errors["price_cents"] = [str(_l(
            "A quote may not exceed the order's total excl. VAT: at most %(maximum)s.",
            maximum=money.format_eur(order.total_excl_vat_cents, reader_language())))]
    if len(note) > 5000:
        errors["note"] = [str(_l("Use at most %(n)s characters.", n=5000))]
    if document is not None and (refused := quote_documents.problems(document)):
        errors[quote_documents.FIELD] = refused
    if errors:
        raise ValidationFailed(errors)
    _require_open(attempt, AttemptState.INVITED)
    _require_eligible(order, attempt)
    if not workflow.move(attempt.id, "quote",
                      responded_at=utcnow(), responded_by_id=actor.id,
                      price_cents=price_cents, note=note.strip(), conflict_of_interest=False):
        raise Conflict(str(_l("This request was already answered, withdrawn or has expired.")))
    payload: dict[str, Any] = {"attempt_id": attempt.id, "price_cents": price_cents}
    if document is not None:
        # The checksum in the hash-chained trail: a changed file later would show.
        stored = quote_documents.store(attempt, document)
        payload["document"] = {"filename": stored.filename, "size_bytes": stored.size_bytes,
                               "sha256": stored.sha256}
    order_workflow.note(order, "vendor_quoted", actor, payload=payload)
    after_answer(order, attempt)
    return order
