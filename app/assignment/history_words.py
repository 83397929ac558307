"""The order history in plain words, from the entries ``app.assignment.history`` shaped for the
reader: a sentence names a vendor only when the entry does."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.assignment.history import HistoryEntry


def event_phrases() -> dict[str, Any]:
    """One sentence per audit action; ``who`` is the actor's name."""
    return {
        "create": _l("%(who)s created the draft."),
        "update": _l("%(who)s edited the order."),
        "submit": _l("%(who)s submitted the order for approval."),
        "withdraw": _l("%(who)s withdrew the order."),
        "approval_recorded": _l("%(who)s approved the order (approval %(count)s of "
                                "%(required)s)."),
        "approve": _l("%(who)s approved the order."),
        "reject": _l("%(who)s rejected the order: «%(reason)s»"),
        "request_changes": _l("%(who)s requested changes: «%(reason)s»"),
        "cancel": _l("%(who)s cancelled the order: «%(reason)s»"),
        "dispatch": _l("The assignment was offered to the lot's vendors."),
        "redispatch": _l("%(who)s offered the assignment to the vendors again."),
        "assign": _l("The order was assigned to a vendor."),
        "escalate": _l("No vendor could be assigned: the participation service follows up."),
        "vendor_asked": _l("A vendor was asked to take the assignment."),
        "vendor_declined": _l("A vendor declined the assignment."),
        "vendor_quoted": _l("A vendor sent a quote."),
        "vendor_expired": _l("A vendor did not answer before the deadline."),
        "vendor_withdrawn": _l("A request to a vendor was withdrawn: the vendor no longer "
                               "takes part in the lot."),
        "deliver": _l("%(who)s marked the service as delivered."),
        "confirm_receipt": _l("%(who)s confirmed the service was received."),
        "contest_delivery": _l("%(who)s contested the delivery: «%(reason)s»"),
        "order_form_issued": _l("The order form was made in French, Dutch and English; "
                                "their digests are recorded."),
        "close": _l("%(who)s closed the order."),
        "invoice_registered": _l("%(who)s registered invoice %(number)s."),
        "invoice_accepted": _l("%(who)s accepted invoice %(number)s."),
        "invoice_disputed": _l("%(who)s disputed invoice %(number)s: «%(reason)s»"),
        "invoice_corrected": _l("%(who)s corrected invoice %(number)s."),
        "invoice_rejected": _l("%(who)s rejected invoice %(number)s: «%(reason)s»"),
        "invoice_paid": _l("%(who)s recorded the payment of invoice %(number)s."),
    }


def named_vendor_phrases() -> dict[str, Any]:
    """The sentences of the entries that name their vendor (``vendor``)."""
    return {
        "assign": _l("The order was assigned to %(vendor)s."),
        "vendor_asked": _l("%(vendor)s was asked to take the assignment."),
        "vendor_declined": _l("%(vendor)s declined the assignment."),
        "vendor_quoted": _l("%(vendor)s sent a quote."),
        "vendor_expired": _l("%(vendor)s did not answer before the deadline."),
        "vendor_withdrawn": _l("The request to %(vendor)s was withdrawn: the vendor no longer "
                               "takes part in the lot."),
    }


def event_sentence(entry: HistoryEntry) -> str:
    who = entry.who or _("The platform")
    payload = entry.payload
    phrase = named_vendor_phrases().get(entry.action) if entry.vendor else None
    if phrase is None:
        phrase = event_phrases().get(entry.action)
    if phrase is None:
        return _("%(who)s: %(action)s", who=who, action=entry.action)
    return str(phrase) % {"who": who, "vendor": entry.vendor or "", "reason": entry.reason,
                          "count": payload.get("approvals", ""),
                          "required": payload.get("approvals_required", ""),
                          "number": payload.get("number", "")}
