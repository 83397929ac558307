"""Order pages: the buyer's orders and order form, the staff queue, the order page with its
moves, and the notifications. Views own the commit; services check who may see what.

Every page about one order starts with ``services.get_order``, so an order the reader may not
see answers 404 before anything else is looked at.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from app.auth.models import AdhesionStatus, Organisation, Role
from app.catalogue.models import CatalogueItem, Lot
from app.catalogue.services import browse
from app.catalogue.services import lots as lot_services
from app.common import money
from app.common.communes import REGION_WIDE, commune_choices, commune_name
from app.common.downloads import private_attachment
from app.common.errors import Conflict, Forbidden, ValidationFailed
from app.common.i18n import reader_language
from app.common.pagination import page_arg
from app.common.web import ViewResult, add_error
from app.extensions import db
from app.orders import assignment, history, quote_documents, services, workflow
from app.orders.forms import (
    ConfirmForm,
    OrderForm,
    QueueFilterForm,
    ReasonForm,
    participation_levels,
)
from app.orders.history_words import event_sentence
from app.orders.lots import orderable_lot, orderable_lots
from app.orders.models import (
    AttemptState,
    Notification,
    Order,
    OrderStatus,
    VendorAttempt,
)

bp = Blueprint("orders", __name__, url_prefix="/orders")

EDITABLE = (OrderStatus.DRAFT, OrderStatus.CHANGES_REQUESTED)
QUEUE_FILTERS = ("status", "lot", "organisation", "min_amount", "max_amount", "older_than",
                 "sort")
MAX_AMOUNT_CENTS = 10**12
MAX_AGE_DAYS = 3650
_DIGITS = re.compile(r"[0-9]{1,12}")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,12}")
_LINE_ERROR = re.compile(r"lines\.([0-9]+)\.(item_id|quantity)")


# --- Words in the reader's language -----------------------------------------------------------



def status_labels() -> dict[str, Any]:
    return {
        "draft": _l("Draft"),
        "submitted": _l("Waiting for approval"),
        "changes_requested": _l("Changes requested"),
        "approved": _l("Approved"),
        "awaiting_vendor": _l("Waiting for a vendor"),
        "assigned": _l("Assigned to a vendor"),
        "escalated": _l("No vendor found: followed up by staff"),
        "delivered": _l("Delivered"),
        "completed": _l("Completed"),
        "closed": _l("Closed"),
        "rejected": _l("Rejected"),
        "cancelled": _l("Cancelled"),
    }


def sort_labels() -> dict[str, Any]:
    return {
        "oldest": _l("Oldest submission first"),
        "newest": _l("Newest first"),
        "amount_desc": _l("Highest amount first"),
        "amount_asc": _l("Lowest amount first"),
    }


def unit_labels() -> dict[str, Any]:
    return {"day": _l("Day"), "half_day": _l("Half-day"), "workshop": _l("Workshop"),
            "item": _l("Item"), "lump_sum": _l("Lump sum")}


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
    }


def attempt_state_labels() -> dict[str, Any]:
    """The state of a vendor attempt (offer or invitation), in words."""
    return {
        "offered": _l("Waiting for an answer"),
        "invited": _l("Waiting for a quote"),
        "accepted": _l("Accepted"),
        "declined": _l("Declined"),
        "expired": _l("Expired: no answer before the deadline"),
        "withdrawn": _l("Withdrawn"),
        "quoted": _l("Quote sent"),
        "awarded": _l("Quote selected"),
        "not_awarded": _l("Quote not selected"),
    }


def attempt_kind_labels() -> dict[str, Any]:
    return {"offer": _l("Offer (cascade)"),
            "invitation": _l("Invitation to quote (mini-competition)")}


def attempt_state_label(attempt: VendorAttempt | history.TimelineRow) -> str:
    """An attempt's state in words (a portal's own attempt or a row of the timeline)."""
    state = str(attempt.state)
    if state == AttemptState.DECLINED and attempt.conflict_of_interest:
        return _("Declined: conflict of interest")
    return str(attempt_state_labels().get(state, state))


def notification_text(notification: Notification) -> str:
    params = notification.params or {}
    values = {"reference": params.get("reference", ""), "title": params.get("title", "")}
    phrase = notification_phrases().get(notification.kind)
    if phrase is None:
        return _("News about order %(reference)s “%(title)s”.", **values)
    return str(phrase) % values


def commune_label(code: str) -> str:
    if code == REGION_WIDE[0]:
        return _("The whole Region")
    return commune_name(code, reader_language())


@bp.context_processor
def _helpers() -> dict[str, Any]:
    language = reader_language()
    statuses = status_labels()
    units = unit_labels()
    levels = {value: (name, explanation) for value, name, explanation in participation_levels()}

    def lot_label(lot: Lot) -> str:
        return _("Lot %(number)s: %(title)s", number=lot.number, title=lot.title(language))

    return {
        "lang": language,
        "eur": lambda cents: money.format_eur(cents, language),
        "vat_rate": lambda bp_: money.format_vat_rate(bp_, language),
        "status_label": lambda status: str(statuses.get(str(status), status)),
        "unit_label": lambda unit: str(units.get(str(unit), unit)),
        "level_label": lambda value: str(levels[str(value)][0]) if str(value) in levels else "",
        "level_explanation": lambda value: str(levels[value][1]) if value in levels else "",
        "lot_label": lot_label,
        "commune_label": commune_label,
        "long_date": lambda day: str(format_date(day, "long")) if day else "",
        "event_sentence": event_sentence,
        "notification_text": notification_text,
        "file_size": file_size,
    }


def file_size(size_bytes: int) -> str:
    """A file's size as people read it: "245 kB", "1.2 MB", in the reader's language."""
    if size_bytes < 1024 * 1024:
        return _("%(size)s kB", size=format_decimal(max(1, round(size_bytes / 1024)), "#,##0"))
    return _("%(size)s MB", size=format_decimal(size_bytes / (1024 * 1024), "#,##0.0"))


# --- Small helpers ---------------------------------------------------------------------------


def _check_form(form: ConfirmForm | ReasonForm) -> None:
    """One-button and reason forms: a missing or stale CSRF token is a bad request (the
    reason itself is checked by the service)."""
    if not form.validate():
        abort(400)


def _require_move(order: Order, action: str) -> None:
    """A move the reader's role never makes is 403; one the order's state refuses, 409."""
    move = workflow.MOVES[action]
    if current_user.role.value not in move.roles:
        raise Forbidden()
    if order.status not in move.sources:
        raise Conflict(_("This order is “%(status)s”: this action is not possible now.",
                         status=status_labels()[order.status.value]))


def _require_buyer() -> None:
    if current_user.role is not Role.BUYER or current_user.organisation_id is None:
        raise Forbidden()


def _may_submit() -> bool:
    organisation = current_user.organisation
    return organisation is not None and organisation.status is AdhesionStatus.APPROVED


# --- Lists ---------------------------------------------------------------------------------

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
                           may_submit=current_user.role is Role.BUYER and _may_submit())


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
    if status and status not in status_labels():
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
        (value, str(label)) for value, label in status_labels().items()]
    form.lot.choices = [("", _("All lots"))] + [
        (str(lot.id), _("Lot %(number)s: %(title)s", number=lot.number,
                        title=lot.title(language))) for lot in lots]
    form.organisation.choices = [("", _("All organisations"))] + [
        (str(org_id), name) for org_id, name in organisations]
    form.sort.choices = [(value, str(label)) for value, label in sort_labels().items()]
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


# --- The order form ----------------------------------------------------------------------------

def _lot_from(value: Any) -> Lot | None:
    """The lot named by a form or query value, if the service would accept an order on it."""
    text = str(value or "").strip()
    return orderable_lot(int(text)) if _DIGITS.fullmatch(text) else None


def _lot_items(lot: Lot | None) -> list[CatalogueItem]:
    if lot is None:
        return []
    return browse.search_items(browse.ItemFilters(lot_id=lot.id), per_page=100).items


def _choose_lot(order: Order | None = None, error: bool = False) -> ViewResult:
    action = (url_for("orders.edit", order_id=order.id) if order is not None
              else url_for("orders.new"))
    return render_template("orders/choose_lot.html", lots=orderable_lots(), order=order,
                           action=action, error=error)


def _commune_choices() -> list[tuple[str, str]]:
    return [("", _("Choose…"))] + [
        (code, _("The whole Region") if code == REGION_WIDE[0] else name)
        for code, name in commune_choices(reader_language())]


class LineState:
    """What the lines part of the form shows: quantities typed and errors by item."""

    def __init__(self, items: list[CatalogueItem]) -> None:
        self.items = items
        self.quantities: dict[str, str] = {}
        self.errors: dict[str, list[str]] = {}
        self.general_errors: list[str] = []
        # For each line sent to the service, the key (item id) it came from.
        self.keys: list[str] = []

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.general_errors)

    def read(self) -> list[services.LineInput]:
        """The ``quantity-<item id>`` inputs; 0 or empty means "not ordered".

        Inputs for items the page did not show (another lot, an unknown id) are sent too,
        so the service refuses them instead of their being silently dropped.
        """
        prefix = "quantity-"
        posted = {key[len(prefix):]: value.strip() for key, value in request.form.items()
                  if key.startswith(prefix)}
        shown = [str(item.id) for item in self.items]
        self.quantities = {key: posted.get(key, "") for key in shown}
        lines: list[services.LineInput] = []
        for key in [*shown, *(key for key in posted if key not in shown)]:
            text = posted.get(key, "")
            quantity: Any = int(text) if _WHOLE_NUMBER.fullmatch(text) else text
            if text == "" or quantity == 0:
                continue
            item_id: Any = int(key) if _DIGITS.fullmatch(key) else key
            lines.append(services.LineInput(item_id=item_id, quantity=quantity))
            self.keys.append(key)
        return lines

    def apply(self, name: str, messages: list[str]) -> bool:
        """Put a service error about the lines next to its quantity; False if not a line."""
        if name == "lines":
            self.general_errors.extend(messages)
            return True
        match = _LINE_ERROR.fullmatch(name)
        if match is None:
            return False
        index, part = int(match.group(1)), match.group(2)
        if part == "quantity":
            messages = [_("Enter a whole number from 0 to %(n)s.", n=services.MAX_QUANTITY)]
        key = self.keys[index] if index < len(self.keys) else None
        if key is not None and key in self.quantities:
            self.errors.setdefault(key, []).extend(messages)
        else:
            self.general_errors.extend(messages)
        return True


def _render_form(form: OrderForm, lot: Lot | None, lines: LineState,
                 order: Order | None = None, lot_errors: list[str] | None = None) -> ViewResult:
    form.commune.choices = _commune_choices()
    return render_template("orders/form.html", form=form, lot=lot, lines=lines, order=order,
                           lot_errors=lot_errors or [],
                           may_submit=_may_submit(), max_quantity=services.MAX_QUANTITY)


def _save(form: OrderForm, order: Order | None) -> ViewResult:
    """Validate everything at once; save only if the form and the service both agree."""
    lot_value = str(form.lot_id.data or "").strip()
    lot = _lot_from(lot_value)  # only a lot of an active framework can be ordered from
    lines = LineState(_lot_items(lot))
    line_inputs = lines.read()
    form_ok = form.validate() and lot is not None
    if "csrf_token" in form.errors:
        return _render_form(form, lot, lines, order)
    data = services.OrderInput(
        lot_id=int(lot_value) if _DIGITS.fullmatch(lot_value) else lot_value,
        title=form.title.data or "", objectives=form.objectives.data or "",
        participation_level=form.participation_level.data or "",
        commune=form.commune.data or "", description=form.description.data or "",
        target_audiences=form.target_audiences.data or "",
        planned_start=form.planned_start.data, planned_end=form.planned_end.data,
        inclusion_measures=form.inclusion_measures.data or "",
        public_consent=bool(form.public_consent.data), lines=line_inputs)
    lot_errors: list[str] = []
    try:
        saved = (services.create_order(current_user, data) if order is None
                 else services.update_order(current_user, order.id, data))
    except ValidationFailed as exc:
        db.session.rollback()
        for name, messages in exc.errors.items():
            field = getattr(form, name, None)
            if name == "lot_id":
                lot_errors.extend(messages)
            elif lines.apply(name, messages):
                pass
            elif field is not None:
                field.errors = [*field.errors, *messages]
            else:
                lot_errors.extend(messages)
    else:
        if form_ok:
            db.session.commit()
            flash(_("The order %(reference)s is saved as a draft.", reference=saved.reference)
                  if saved.status is OrderStatus.DRAFT
                  else _("The order %(reference)s is saved.", reference=saved.reference),
                  "success")
            return redirect(url_for("orders.show", order_id=saved.id))
        db.session.rollback()
    if lot is None and not lot_errors:
        lot_errors.append(_("Choose a lot of the framework."))
    return _render_form(form, lot, lines, order, lot_errors)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ViewResult:
    _require_buyer()
    form = OrderForm()
    if request.method == "POST":
        return _save(form, None)
    code = request.args.get("item", "").strip()
    if code:
        item = browse.get_current_item(code)  # an unknown code is a 404
        lot: Lot | None = _lot_from(item.lot_id)
        if lot is None:
            return _choose_lot(error=True)
        lines = LineState(_lot_items(lot))
        lines.quantities = {str(item.id): "1"}
    else:
        lot = _lot_from(request.args.get("lot"))
        if lot is None:
            return _choose_lot(error="lot" in request.args)
        lines = LineState(_lot_items(lot))
    form.lot_id.data = str(lot.id)
    return _render_form(form, lot, lines)


@bp.route("/<int:order_id>/edit", methods=["GET", "POST"])
@login_required
def edit(order_id: int) -> ViewResult:
    order = services.get_order(current_user, order_id)
    _require_buyer()
    if order.status not in EDITABLE:
        raise Conflict(_("This order can no longer be edited."))
    form = OrderForm(obj=order) if request.method == "GET" else OrderForm()
    if request.method == "POST":
        return _save(form, order)
    if request.args.get("choose_lot"):
        return _choose_lot(order)
    lot = _lot_from(request.args.get("lot") or order.lot_id)
    if lot is None:
        return _choose_lot(order, error=True)
    lines = LineState(_lot_items(lot))
    # The current price of each ordered service (a revised price is a new catalogue row).
    by_code = {line.item.code: line.quantity for line in order.lines}
    lines.quantities = {str(item.id): str(by_code[item.code])
                        for item in lines.items if item.code in by_code}
    form.lot_id.data = str(lot.id)
    return _render_form(form, lot, lines, order)


# --- The order page and its moves --------------------------------------------------------------

def _reason_form(action: str, form: ReasonForm | None = None) -> ReasonForm:
    """The reason field, with a hint saying who reads it and what follows."""
    form = form or ReasonForm()
    form.reason.description = {
        "request_changes": _("The buyer reads this text, can change the order and submit it "
                             "again."),
        "reject": _("For example what is missing, or why the order does not fit the "
                    "framework agreement."),
        "cancel": _("For example: the project is postponed, or the vendor cannot deliver."),
    }[action]
    return form


# The moves these pages offer (the others are made by the vendors' pages or the workers).
PAGE_ACTIONS = {"submit", "withdraw", "approve", "request_changes", "reject", "cancel",
                "redispatch"}


def _render_show(order: Order, reason_form: ReasonForm | None = None) -> ViewResult:
    role = current_user.role.value
    events = history.order_history(current_user, order.id)
    # The reason of the move that put the order in its current state, if it had one.
    last_move = next((e for e in reversed(events) if e.action not in workflow.NOTES), None)
    status_reason = (last_move.reason if last_move is not None
                     and last_move.to_state == order.status.value else "")
    already_approved = any(a.staff_id == current_user.id and a.round == order.submission_round
                           for a in order.approvals)
    kinds = attempt_kind_labels()
    return render_template(
        "orders/show.html", attempts=history.assignment_timeline(current_user, order),
        attempt_state=attempt_state_label,
        attempt_kind=lambda kind: str(kinds.get(str(kind), kind)),
        order=order, events=events, status_reason=status_reason,
        actions=set(workflow.allowed_actions(order, role)) & PAGE_ACTIONS,
        editable=role == Role.BUYER.value and order.status in EDITABLE,
        may_submit=_may_submit() if role == Role.BUYER.value else False,
        already_approved=already_approved,
        room=services.headroom(order.lot) if current_user.is_staff else None,
        reason_form=_reason_form("request_changes", reason_form))


@bp.route("/<int:order_id>")
@login_required
def show(order_id: int) -> ViewResult:
    return _render_show(services.get_order(current_user, order_id))


@bp.route("/<int:order_id>/attempts/<int:attempt_id>/quote.pdf")
@login_required
def quote_document(order_id: int, attempt_id: int) -> ViewResult:
    """A vendor's written quote: staff may download every one, the buyer the awarded one."""
    document = quote_documents.for_order(current_user, order_id, attempt_id)
    return private_attachment(document.content, document.filename, "application/pdf")


@bp.route("/<int:order_id>/submit", methods=["POST"])
@login_required
def submit(order_id: int) -> ViewResult:
    order = services.get_order(current_user, order_id)
    _check_form(ConfirmForm())
    _require_move(order, "submit")
    try:
        services.submit(current_user, order_id)
    except ValidationFailed as exc:
        db.session.rollback()
        flash(_("The order cannot be submitted yet: edit it first."), "error")
        for messages in exc.errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(url_for("orders.show", order_id=order_id))
    db.session.commit()
    flash(_("The order is submitted: the participation service will review it."), "success")
    return redirect(url_for("orders.show", order_id=order_id))


@bp.route("/<int:order_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(order_id: int) -> ViewResult:
    """Withdrawing cannot be undone: a confirmation page comes first."""
    order = services.get_order(current_user, order_id)
    _require_move(order, "withdraw")
    form = ConfirmForm()
    if request.method == "POST":
        _check_form(form)
        services.withdraw(current_user, order_id)
        db.session.commit()
        flash(_("The order is withdrawn."), "success")
        return redirect(url_for("orders.show", order_id=order_id))
    return render_template("orders/confirm.html", order=order, action="withdraw", form=form)


@bp.route("/<int:order_id>/approve", methods=["POST"])
@login_required
def approve(order_id: int) -> ViewResult:
    order = services.get_order(current_user, order_id)
    _check_form(ConfirmForm())
    _require_move(order, "approve")
    order = services.approve(current_user, order_id)
    db.session.commit()
    if order.status is OrderStatus.APPROVED:
        flash(_("The order is approved."), "success")
    else:
        flash(_("Your approval is recorded (%(count)s of %(required)s): another staff member "
                "must approve it too.", count=order.approvals_count,
                required=order.approvals_required), "success")
    return redirect(url_for("orders.show", order_id=order_id))


@bp.route("/<int:order_id>/request-changes", methods=["POST"])
@login_required
def request_changes(order_id: int) -> ViewResult:
    order = services.get_order(current_user, order_id)
    form = ReasonForm()
    _check_form(form)
    _require_move(order, "request_changes")
    try:
        services.request_changes(current_user, order_id, form.reason.data or "")
    except ValidationFailed as exc:
        db.session.rollback()
        form.reason.errors = [*form.reason.errors, *exc.errors.get("reason", [])]
        return _render_show(services.get_order(current_user, order_id), reason_form=form)
    db.session.commit()
    flash(_("Changes are requested: the buyer is told."), "success")
    return redirect(url_for("orders.show", order_id=order_id))


def _decide(order_id: int, action: str) -> ViewResult:
    """Reject or cancel: a confirmation page with the reason the buyer will read."""
    order = services.get_order(current_user, order_id)
    _require_move(order, action)
    form = _reason_form(action)
    if request.method == "POST":
        _check_form(form)
        decide = services.reject if action == "reject" else services.cancel
        try:
            decide(current_user, order_id, form.reason.data or "")
        except ValidationFailed as exc:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, *exc.errors.get("reason", [])]
            order = services.get_order(current_user, order_id)
        else:
            db.session.commit()
            flash(_("The order is rejected: the buyer is told.") if action == "reject"
                  else _("The order is cancelled: the buyer is told."), "success")
            return redirect(url_for("orders.show", order_id=order_id))
    return render_template("orders/confirm.html", order=order, action=action, form=form)


@bp.route("/<int:order_id>/reject", methods=["GET", "POST"])
@login_required
def reject(order_id: int) -> ViewResult:
    return _decide(order_id, "reject")


@bp.route("/<int:order_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(order_id: int) -> ViewResult:
    return _decide(order_id, "cancel")


@bp.route("/<int:order_id>/redispatch", methods=["POST"])
@login_required
def redispatch(order_id: int) -> ViewResult:
    """Staff start a new round of offers or invitations for an escalated order."""
    order = services.get_order(current_user, order_id)
    _check_form(ConfirmForm())
    _require_move(order, "redispatch")
    order = assignment.redispatch(current_user, order_id)
    db.session.commit()
    if order.status is OrderStatus.AWAITING_VENDOR:
        flash(_("The assignment is offered to the lot's vendors again."), "success")
    else:
        flash(_("No active vendor of the lot can take the assignment: the order still needs "
                "a follow-up."), "error")
    return redirect(url_for("orders.show", order_id=order_id))


# --- Notifications -----------------------------------------------------------------------------

@bp.route("/notifications")
@login_required
def notifications() -> ViewResult:
    page = page_arg()
    result = services.list_notifications(current_user, page)
    if page > result.pages:
        return redirect(url_for("orders.notifications", page=result.pages))
    return render_template("orders/notifications.html", result=result, form=ConfirmForm())


def _back_to_notifications() -> ViewResult:
    return redirect(url_for("orders.notifications", page=page_arg(request.form)))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int) -> ViewResult:
    _check_form(ConfirmForm())
    services.mark_read(current_user, notification_id)
    db.session.commit()
    flash(_("The notification is marked as read."), "success")
    return _back_to_notifications()


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read() -> ViewResult:
    _check_form(ConfirmForm())
    count = services.mark_read(current_user)
    db.session.commit()
    flash(_("All notifications are marked as read.") if count
          else _("There was no unread notification."), "success")
    return _back_to_notifications()

