"""Execution after assignment (DESIGN §9): delivery and receipt, the order form.

It sits above the assignment (DESIGN §7): the orders and the assignment never import it.
:func:`register`, called by ``create_app``, adds its section to the order page (the delivery
moves, the deliveries and their documents, both parties' contacts once assigned).
"""

from __future__ import annotations

from flask import Flask

from app.auth.models import User
from app.orders import hooks
from app.orders.models import Order

# The moves the delivery section offers on the order page.
DELIVERY_ACTIONS = ("deliver", "confirm_receipt", "contest_delivery")


def _page_sections(actor: User, order: Order) -> hooks.PageSections:
    from app.assignment.labels import file_size
    from app.common.i18n import LANGUAGE_LABELS, LANGUAGE_NAMES
    from app.execution import order_forms, services
    from app.orders import workflow

    actions = [name for name in workflow.allowed_actions(order, actor.role.value)
               if name in DELIVERY_ACTIONS]
    return hooks.PageSections(
        templates=["execution/order_sections.html"], position=50,
        context={"delivery_actions": actions,
                 "deliveries": services.deliveries(actor, order),
                 "contacts": services.contacts(actor, order), "file_size": file_size,
                 "order_form": order_forms.has_form(order),
                 "form_languages": [(code, LANGUAGE_LABELS.word(code))
                                    for code in LANGUAGE_NAMES]})


def register(app: Flask) -> None:
    """Called by ``create_app`` (idempotent: tests build many apps in one process)."""
    from app.common import mail, outbox
    from app.execution import order_forms

    hooks.order_page_sections.contribute(_page_sections)
    hooks.order_assigned.contribute(order_forms.freeze)
    outbox.handler(order_forms.ISSUE)(order_forms.issue_message)
    mail.attachment(order_forms.ATTACHMENT)(order_forms.attachment)
