"""Checks the order pages share."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import AdhesionStatus, Role
from app.common.errors import Conflict, Forbidden
from app.orders import workflow
from app.orders.forms import ConfirmForm, ReasonForm
from app.orders.labels import STATUSES
from app.orders.models import Order, OrderStatus

EDITABLE = (OrderStatus.DRAFT, OrderStatus.CHANGES_REQUESTED)


def check_form(form: ConfirmForm | ReasonForm) -> None:
    """One-button and reason forms: a missing or stale CSRF token is a bad request (the
    reason itself is checked by the service)."""
    if not form.validate():
        abort(400)


def require_move(order: Order, action: str) -> None:
    """A move the reader's role never makes is 403; one the order's state refuses, 409."""
    move = workflow.MOVES[action]
    if current_user.role.value not in move.roles:
        raise Forbidden()
    if order.status not in move.sources:
        raise Conflict(_("This order is “%(status)s”: this action is not possible now.",
                         status=STATUSES[order.status.value]))


def require_buyer() -> None:
    if current_user.role is not Role.BUYER or current_user.organisation_id is None:
        raise Forbidden()


def may_submit() -> bool:
    organisation = current_user.organisation
    return organisation is not None and organisation.status is AdhesionStatus.APPROVED
