"""The notifications in words: one sentence per kind, in the reader's language."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.notifications.models import Notification


def notification_phrases() -> dict[str, Any]:
    return {
        "order_submitted": _l("Order %(reference)s “%(title)s” was submitted and waits for "
                              "approval."),
        "order_approved": _l("Your order %(reference)s “%(title)s” is approved."),
        "order_rejected": _l("Your order %(reference)s “%(title)s” is rejected."),
        "order_changes_requested": _l("Changes are requested on your order %(reference)s "
                                      "“%(title)s”."),
        "order_cancelled": _l("Your order %(reference)s “%(title)s” is cancelled."),
        "offer_received": _l("You are offered order %(reference)s “%(title)s”: answer before "
                             "the deadline."),
        "invitation_received": _l("You are invited to quote for order %(reference)s "
                                  "“%(title)s”: answer before the deadline."),
        "offer_withdrawn": _l("The request about order %(reference)s “%(title)s” is withdrawn: "
                              "the order was cancelled."),
        "attempt_withdrawn": _l("The request about order %(reference)s “%(title)s” is "
                                "withdrawn: your company no longer takes part in its lot."),
        "order_escalated": _l("No vendor took order %(reference)s “%(title)s”: it needs a "
                              "follow-up."),
        "order_dispatch_failed": _l("Order %(reference)s “%(title)s” could not be sent to the "
                                    "vendors: it needs a follow-up."),
        "quote_not_awarded": _l("Your quote for order %(reference)s “%(title)s” was not "
                                "selected."),
        "order_assigned_vendor": _l("Order %(reference)s “%(title)s” is assigned to your "
                                    "company."),
        "order_assigned": _l("Your order %(reference)s “%(title)s” is assigned to a vendor."),
        "order_delivered": _l("Order %(reference)s “%(title)s” is delivered: confirm receipt "
                              "or contest it."),
        "delivery_confirmed": _l("Receipt of order %(reference)s “%(title)s” is confirmed: "
                                 "you may invoice it."),
        "delivery_contested": _l("The delivery of order %(reference)s “%(title)s” is "
                                 "contested: see the reason."),
        "invoice_registered": _l("An invoice of order %(reference)s “%(title)s” waits for "
                                 "you: accept, dispute or reject it."),
        "invoice_corrected": _l("A disputed invoice of order %(reference)s “%(title)s” was "
                                "corrected: check it again."),
        "invoice_accepted": _l("Your invoice of order %(reference)s “%(title)s” is "
                               "accepted."),
        "invoice_disputed": _l("Your invoice of order %(reference)s “%(title)s” is disputed: "
                               "correct it."),
        "invoice_rejected": _l("Your invoice of order %(reference)s “%(title)s” is "
                               "rejected."),
        "invoice_paid": _l("Your invoice of order %(reference)s “%(title)s” is paid."),
        "lot_ceiling_threshold": _l("With order %(reference)s, the orders of lot "
                                    "%(lot_number)s commit %(threshold)s %% of its ceiling "
                                    "or more."),
        "framework_ceiling_threshold": _l("With order %(reference)s, the orders of framework "
                                          "agreement %(framework_reference)s commit "
                                          "%(threshold)s %% of its ceiling or more."),
    }


def notification_text(notification: Notification) -> str:
    params = notification.params or {}
    values = {"reference": params.get("reference", ""), "title": params.get("title", ""),
              "threshold": params.get("threshold", ""),
              "lot_number": params.get("lot_number", ""),
              "framework_reference": params.get("framework_reference", "")}
    phrase = notification_phrases().get(notification.kind)
    if phrase is None:
        return _("News about order %(reference)s “%(title)s”.", **values)
    return str(phrase) % values
