"""The invoices' words: states, sources and moves, in the reader's language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.common.labels import Labels

INVOICE_STATES = Labels({
    "registered": _l("Waiting for the buyer"),
    "accepted": _l("Accepted, to be paid"),
    "disputed": _l("Disputed: to be corrected"),
    "paid": _l("Paid"),
    "rejected": _l("Rejected"),
})

INVOICE_SOURCES = Labels({
    "form": _l("Typed on the platform"),
    "json": _l("Sent through the API"),
    "ubl": _l("UBL electronic invoice"),
})


class _MoveWords:
    """The button and the confirmation of each move."""

    _BUTTONS = {"accept": _l("Accept…"), "dispute": _l("Dispute…"), "reject": _l("Reject…"),
                "mark_paid": _l("Record the payment…"), "correct": _l("Correct…")}
    _DONE = {"accept": _l("The invoice is accepted: record the payment once it is made."),
             "dispute": _l("The invoice is disputed: the vendor is asked to correct it."),
             "reject": _l("The invoice is rejected: it no longer counts as invoiced."),
             "mark_paid": _l("The payment is recorded: the vendor is told.")}

    def button(self, action: str) -> Any:
        return self._BUTTONS[action]

    def done(self, action: str) -> Any:
        return self._DONE[action]


MOVE_WORDS = _MoveWords()
MOVE_URLS = {"accept": "accept", "dispute": "dispute", "reject": "reject",
             "mark_paid": "mark-paid"}
