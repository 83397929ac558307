"""What happens next on an order, told to the one reading its page (DESIGN §3).

:func:`next_steps` is pure: the order, the reader and the facts the higher packages know
(``hooks.PageSections.facts``: the answer deadline of the open offer, the number of open
invoices) give a heading and one to three sentences saying who acts next and what they must
do. A vendor that was only offered or invited the order is told nothing about the vendor
that won it, nor about any price (DESIGN §1, sealed bids).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.auth.models import Role, User
from app.common.errors import NotFound
from app.orders.models import Order, OrderStatus

S = OrderStatus

# The facts the higher packages give through ``hooks.PageSections.facts``.
OFFER_DEADLINE = "offer_deadline"  # datetime: when the reader's (or any) open offer expires
OPEN_INVOICES = "open_invoices"    # int: invoices registered, disputed or accepted, not paid


class Reader(enum.StrEnum):
    BUYER = "buyer"          # a buyer of the order's organisation
    VENDOR = "vendor"        # a user of the vendor the order is assigned to
    CANDIDATE = "candidate"  # any other vendor's user: at most offered or invited
    STAFF = "staff"          # staff and admins


class Actor(enum.StrEnum):
    """Who acts next."""

    BUYER = "buyer"
    STAFF = "staff"
    PLATFORM = "platform"  # the dispatch, on its own
    VENDORS = "vendors"    # the vendors asked
    VENDOR = "vendor"      # the assigned vendor
    NOBODY = "nobody"


@dataclass(frozen=True)
class NextSteps:
    heading: LazyString
    sentences: tuple[LazyString, ...]
    next_actor: Actor
    you_act: bool = False
    # Shown by the page as ``deadline_sentence % {"when": deadline}``, in Brussels time.
    deadline: datetime | None = None
    deadline_sentence: LazyString | None = None


def reader_kind(order: Order, reader: User) -> Reader:
    """Which kind of reader ``reader`` is for ``order`` (404 for a foreign buyer)."""
    if reader.is_staff:
        return Reader.STAFF
    if reader.role is Role.VENDOR:
        assigned = reader.vendor_id is not None and reader.vendor_id == order.vendor_id
        return Reader.VENDOR if assigned else Reader.CANDIDATE
    if reader.organisation_id is not None and reader.organisation_id == order.organisation_id:
        return Reader.BUYER
    raise NotFound()


def next_steps(order: Order, reader: User, facts: Mapping[str, Any]) -> NextSteps:
    kind = reader_kind(order, reader)
    return _STATES[order.status](order, kind, facts)


# --- Words shared by several states ----------------------------------------------------------

def _nothing(actor: Actor) -> NextSteps:
    return NextSteps(_l("Nothing to do for you"),
                     (_l("You have nothing to do on this order."),), actor)


def _nothing_more() -> NextSteps:
    return NextSteps(_l("Nothing to do for you"),
                     (_l("Your company has nothing more to do on this order."),), Actor.NOBODY)


def _you(kind: Reader, actor: Actor) -> bool:
    mine = {Reader.BUYER: Actor.BUYER, Reader.VENDOR: Actor.VENDOR, Reader.STAFF: Actor.STAFF}
    return mine.get(kind) is actor


def _steps(kind: Reader, actor: Actor, heading: LazyString,
           *sentences: LazyString) -> NextSteps:
    return NextSteps(heading, sentences, actor, you_act=_you(kind, actor))


def _open_invoices(facts: Mapping[str, Any]) -> int | None:
    count = facts.get(OPEN_INVOICES)
    return int(count) if count is not None else None


# --- Each state --------------------------------------------------------------------------

def _draft(order: Order, kind: Reader, facts: Mapping[str, Any]) -> NextSteps:
    if kind is Reader.BUYER:
        return _steps(kind, Actor.BUYER, _l("You complete the order"),
                      _l("Complete the order, then submit it for approval."),
                      _l("The participation service reviews it once it is submitted."))
    if kind is Reader.STAFF:
        return _steps(kind, Actor.BUYER, _l("The buyer completes the order"),
                      _l("The buyer completes the draft and may submit it; you can review "
                         "it then."))
    return _nothing(Actor.BUYER)


def _submitted(order: Order, kind: Reader, facts: Mapping[str, Any]) -> NextSteps:
    left = _l("Approvals still needed: %(left)s of %(required)s.",
              left=max(order.approvals_required - order.approvals_count, 0),
              required=order.approvals_required)
    if kind is Reader.BUYER:
        return _steps(kind, Actor.STAFF, _l("The participation service reviews the order"),
                      _l("The participation service approves the order, asks you for "
                         "changes or rejects it; you will be told."), left)
    if kind is Reader.STAFF:
        sentences = [_l("Approve the order, request changes or reject it."), left]
        if order.approvals_count and order.approvals_count < order.approvals_required:
            sentences.append(_l("The next approval must come from another staff member."))
        return _steps(kind, Actor.STAFF, _l("The participation service decides"), *sentences)
    return _nothing(Actor.STAFF)


def _changes_requested(order: Order, kind: Reader, facts: Mapping[str, Any]) -> NextSteps:
    if kind is Reader.BUYER:
        return _steps(kind, Actor.BUYER, _l("You change the order"),
                      _l("Edit the order as requested, then submit it again."),
                      _l("You may also withdraw it."))
    if kind is Reader.STAFF:
        return _steps(kind, Actor.BUYER, _l("The buyer changes the order"),
                      _l("The buyer changes the order and submits it again; it then comes "
                         "back to the queue."))
    return _nothing(Actor.BUYER)


def _approved(order: Order, kind: Reader, facts: Mapping[str, Any]) -> NextSteps:
    heading = _l("The order is offered to the vendors")
    if kind is Reader.BUYER:
        return _steps(kind, Actor.PLATFORM, heading,
                      _l("The order is approved and is being offered to the vendors of its "
                         "lot."), _l("You will be told when a vendor takes it."))
    if kind is Reader.STAFF:
        return _steps(kind, Actor.PLATFORM, heading,
                      _l("The order is approved and is being offered to the vendors of its "
                         "lot."),
                      _l("If no vendor takes it, it comes back to you as escalated."))
    return _steps(kind, Actor.PLATFORM, heading,
                  _l("If your company is asked, the offer or invitation appears on your "
                     "offers page."))


def _awaiting_vendor(order: Order, kind: Reader, facts: Mapping[str, Any]) -> NextSteps:
    deadline = facts.get(OFFER_DEADLINE)
    if kind in (Reader.VENDOR, Reader.CANDIDATE):
        if deadline is None:  # this company has no open offer or invitation
            return _nothing(Actor.VENDORS)
        return NextSteps(_l("Your company is asked to answer"),
                         (_l("Accept the offer or send your quote, or decline it, from your "
                             "offers page."),),
                         Actor.VENDORS, you_act=True, deadline=deadline,
                         deadline_sentence=_l("Answer before %(when)s: after that the offer "
                                              "expires."))
    if kind is Reader.BUYER:
        sentences: tuple[LazyString, ...] = (
            _l("The order is offered to the vendors of its lot; they accept, quote or "
               "decline."), _l("You will be told when a vendor takes it."))
    else:
        sentences = (_l("The vendors asked accept, quote or decline."),
                     _l("If no vendor takes the order, it is escalated to you."))
    return NextSteps(_l("A vendor is being sought"), sentences, Actor.VENDORS,
                     deadline=deadline,
                     deadline_sentence=_l("An answer is expected by %(when)s.")
                     if deadline is not None else None)


def _escalated(order: Order, kind: Reader, facts: Mapping[str, Any]) -> NextSteps:
    if kind is Reader.BUYER:
        return _steps(kind, Actor.STAFF, _l("The participation service looks for a solution"),
                      _l("No vendor took the order. The participation service offers it "
                         "again or cancels it; you will be told."))
    if kind is Reader.STAFF:
        return _steps(kind, Actor.STAFF, _l("You decide what follows"),
                      _l("No vendor took the order."),
                      _l("Redispatch it to the vendors, or cancel it with a reason."))
    return _nothing(Actor.STAFF)


def _vendor_name(order: Order) -> str:
    return order.vendor.name if order.vendor is not None else ""


def _assigned(order: Order, kind: Reader, facts: Mapping[str, Any]) -> NextSteps:
    if kind is Reader.VENDOR:
        return _steps(kind, Actor.VENDOR, _l("You carry out the work"),
                      _l("Carry out the work described in the order form, then mark the "
                         "order delivered."), _l("The buyer then confirms receipt."))
    if kind is Reader.BUYER:
        return _steps(kind, Actor.VENDOR, _l("The vendor carries out the work"),
                      _l("%(vendor)s carries out the work.", vendor=_vendor_name(order)),
                      _l("You will be asked to confirm receipt once the vendor marks the "
                         "order delivered."))
    if kind is Reader.STAFF:
        return _steps(kind, Actor.VENDOR, _l("The vendor carries out the work"),
                      _l("%(vendor)s carries out the work, then marks the order delivered; "
                         "the buyer confirms receipt.", vendor=_vendor_name(order)))
    return _nothing_more()


def _delivered(order: Order, kind: Reader, facts: Mapping[str, Any]) -> NextSteps:
    if kind is Reader.BUYER:
        return _steps(kind, Actor.BUYER, _l("You check the work"),
                      _l("The vendor marked the order delivered."),
                      _l("Check the work, then confirm receipt or contest it with a reason."))
    if kind is Reader.VENDOR:
        return _steps(kind, Actor.BUYER, _l("The buyer checks the work"),
                      _l("The buyer confirms receipt or contests it; you will be told."),
                      _l("You may already register your invoice quoting the order reference "
                         "%(reference)s.", reference=order.reference))
    if kind is Reader.STAFF:
        return _steps(kind, Actor.BUYER, _l("The buyer checks the work"),
                      _l("The buyer confirms receipt or contests the delivery."))
    return _nothing_more()


def _completed(order: Order, kind: Reader, facts: Mapping[str, Any]) -> NextSteps:
    open_count = _open_invoices(facts)
    still_open = (_l("Invoices still open: %(count)s.", count=open_count)
                  if open_count else None)
    if kind is Reader.VENDOR:
        return _steps(kind, Actor.VENDOR, _l("You invoice"),
                      _l("Register your invoice quoting the order reference %(reference)s.",
                         reference=order.reference),
                      _l("The buyer then accepts, disputes or rejects it, and marks it "
                         "paid."))
    if kind is Reader.BUYER:
        return _steps(kind, Actor.BUYER, _l("You handle the invoices"),
                      _l("Handle the vendor's invoices: accept, dispute or reject each one, "
                         "then mark it paid."), *([still_open] if still_open else []),
                      _l("The participation service then closes the order."))
    if kind is Reader.STAFF:
        sentences = [_l("Close the order once its invoices are paid or rejected.")]
        if still_open is not None:
            sentences.append(still_open)
        elif open_count == 0:
            sentences.append(_l("No invoice is open: you can close the order now."))
        return _steps(kind, Actor.STAFF, _l("You close the order"), *sentences)
    return _nothing_more()


def _closed(order: Order, kind: Reader, facts: Mapping[str, Any]) -> NextSteps:
    return NextSteps(_l("Nothing more happens"),
                     (_l("The order is closed: this is final."),), Actor.NOBODY)


def _rejected(order: Order, kind: Reader, facts: Mapping[str, Any]) -> NextSteps:
    if kind is Reader.BUYER:
        return NextSteps(_l("Nothing more happens"),
                         (_l("The order is rejected: nothing more happens with it."),
                          _l("You may make a new order.")), Actor.NOBODY)
    if kind is Reader.STAFF:
        return NextSteps(_l("Nothing more happens"),
                         (_l("The order is rejected: nothing more happens with it."),),
                         Actor.NOBODY)
    return _nothing(Actor.NOBODY)


def _cancelled(order: Order, kind: Reader, facts: Mapping[str, Any]) -> NextSteps:
    if kind is Reader.BUYER:
        return NextSteps(_l("Nothing more happens"),
                         (_l("The order is cancelled: nothing more happens with it."),
                          _l("You may make a new order.")), Actor.NOBODY)
    if kind is Reader.STAFF:
        return NextSteps(_l("Nothing more happens"),
                         (_l("The order is cancelled: nothing more happens with it."),),
                         Actor.NOBODY)
    return NextSteps(_l("Nothing more happens"),
                     (_l("The order is cancelled: your company has nothing more to do on "
                         "it."),), Actor.NOBODY)


_STATES: dict[OrderStatus, Callable[[Order, Reader, Mapping[str, Any]], NextSteps]] = {
    S.DRAFT: _draft, S.SUBMITTED: _submitted, S.CHANGES_REQUESTED: _changes_requested,
    S.APPROVED: _approved, S.AWAITING_VENDOR: _awaiting_vendor, S.ESCALATED: _escalated,
    S.ASSIGNED: _assigned, S.DELIVERED: _delivered, S.COMPLETED: _completed,
    S.CLOSED: _closed, S.REJECTED: _rejected, S.CANCELLED: _cancelled,
}
