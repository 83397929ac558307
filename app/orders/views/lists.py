"""The buyer's and vendor's list of orders, and the staff queue with its filters."""

from __future__ import annotations

import re
from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.auth.models import Organisation, Role
from app.catalogue.models import Lot
from app.catalogue.services import lots as lot_services
from app.common import money
from app.common.i18n import reader_language
from app.common.pagination import page_arg
from app.common.web import ViewResult, add_error
from app.extensions import db
from app.orders import services
from app.orders.forms import QueueFilterForm
from app.orders.labels import SORTS, STATUSES
from app.orders.models import OrderStatus
from app.orders.views import bp
from app.orders.views.helpers import may_submit

QUEUE_FILTERS = ("status", "lot", "organisation", "min_amount", "max_amount", "older_than",
                 "sort")
MAX_AMOUNT_CENTS = 10**12
MAX_AGE_DAYS = 3650
_DIGITS = re.compile(r"[0-9]{1,12}")


@bp.route("/")
@login_required
def index() -> ViewResult:
    if current_user.is_staff:
        return _staff_queue()
    page = page_arg()
    result = services.list_orders(current_user, services.OrderFilters(sort="newest"), page)
    if page > result.pages:
        return redirect(url_for("orders.index", page=result.pages))
    return render_template("orders/list.html", result=result,
                           may_submit=current_user.role is Role.BUYER and may_submit())


def _amount(form: QueueFilterForm, name: str) -> int | None:
    text = (getattr(form, name).data or "").strip()
    if not text:
        return None
    try:
        cents = money.parse_eur(text)
    except (ValueError, ArithmeticError):
        cents = -1
    if not 0 <= cents <= MAX_AMOUNT_CENTS:
        add_error(form, name, _("Enter an amount in euros, for example 1 250,50."))
        return None
    return cents


def _read_queue_filters(form: QueueFilterForm, lots: list[Lot],
                        organisation_ids: set[int]) -> services.OrderFilters | None:
    """The filters typed in the form, or None (with field errors set) when one is invalid."""
    filters = services.OrderFilters()
    status = (form.status.data or "").strip()
    if status and status not in STATUSES:
        add_error(form, "status", _("Choose a status from the list."))
    filters.status = status or None
    for name, known in (("lot", {lot.id for lot in lots}), ("organisation", organisation_ids)):
        value = (getattr(form, name).data or "").strip()
        if value:
            if _DIGITS.fullmatch(value) and int(value) in known:
                setattr(filters, f"{name}_id", int(value))
            else:
                add_error(form, name, _("Choose a value from the list."))
    filters.min_total_cents = _amount(form, "min_amount")
    filters.max_total_cents = _amount(form, "max_amount")
    if (filters.min_total_cents is not None and filters.max_total_cents is not None
            and filters.min_total_cents > filters.max_total_cents):
        add_error(form, "max_amount", _("The maximum is below the minimum."))
    age = (form.older_than.data or "").strip()
    if age:
        if _DIGITS.fullmatch(age) and int(age) <= MAX_AGE_DAYS:
            filters.older_than_days = int(age)
        else:
            add_error(form, "older_than",
                       _("Enter a whole number of days from 0 to %(n)s.", n=MAX_AGE_DAYS))
    sort = (form.sort.data or "oldest").strip()
    if sort not in services.SORTS:
        add_error(form, "sort", _("Choose an order from the list."))
    filters.sort = sort
    if any(getattr(form, name).errors for name in QUEUE_FILTERS):
        return None
    return filters


def _staff_queue() -> ViewResult:
    language = reader_language()
    lots = lot_services.list_lots()
    organisations = list(db.session.execute(
        select(Organisation.id, Organisation.name).order_by(Organisation.name)))
    form = QueueFilterForm(request.args)
    if "status" not in request.args:
        form.status.data = OrderStatus.SUBMITTED.value  # the queue: what waits for staff
    form.status.choices = [("", _("All statuses"))] + [
        (value, str(label)) for value, label in STATUSES.items()]
    form.lot.choices = [("", _("All lots"))] + [
        (str(lot.id), _("Lot %(number)s: %(title)s", number=lot.number,
                        title=lot.title(language))) for lot in lots]
    form.organisation.choices = [("", _("All organisations"))] + [
        (str(org_id), name) for org_id, name in organisations]
    form.sort.choices = [(value, str(label)) for value, label in SORTS.items()]
    filters = _read_queue_filters(form, lots, {org_id for org_id, _name in organisations})
    args: dict[str, Any] = {name: request.args.get(name, "").strip() for name in QUEUE_FILTERS
                            if name in request.args}
    result = None
    if filters is not None:
        page = page_arg()
        result = services.list_orders(current_user, filters, page)
        if page > result.pages:
            return redirect(url_for("orders.index", page=result.pages, **args))
    return render_template("orders/queue.html", form=form, result=result, args=args,
                           filtered=bool(args))
