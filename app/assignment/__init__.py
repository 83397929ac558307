"""Vendor assignment (DESIGN §4): cascade and mini-competition, the attempts and their moves,
quotes and their documents, the vendor portal and the offers API.

It sits above the orders (DESIGN §7), which never import it: :func:`register`, called by
``create_app``, answers the orders' hooks (the order page's sections, the events the API
shows), connects the receivers of the orders', catalogue's and vendors' signals, and puts the
``order.dispatch`` handlers on the outbox.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.auth.models import User
from app.orders import hooks
from app.orders.models import Order


def _page_sections(actor: User, order: Order) -> hooks.PageSections:
    from app.assignment import history
    from app.assignment.attempt_reads import open_deadline_fact
    from app.assignment.history_words import event_sentence
    from app.assignment.labels import ATTEMPT_KINDS, attempt_state_label, file_size

    return hooks.PageSections(
        templates=["assignment/order_sections.html"],
        context={"events": history.order_history(actor, order.id),
                 "attempts": history.assignment_timeline(actor, order),
                 "attempt_state": attempt_state_label, "attempt_kind": ATTEMPT_KINDS.word,
                 "event_sentence": event_sentence, "file_size": file_size},
        facts=open_deadline_fact(actor, order))


def _events(actor: User, order_id: int) -> list[dict[str, Any]]:
    from app.assignment import history

    return [history.event_data(entry) for entry in history.order_history(actor, order_id)]


def register(app: Flask) -> None:
    """Called by ``create_app`` (idempotent: tests build many apps in one process)."""
    from app.assignment.services import dispatch, withdrawal

    hooks.order_page_sections.contribute(_page_sections)
    hooks.order_events.answer(_events)
    withdrawal.connect(app)
    dispatch.register()
