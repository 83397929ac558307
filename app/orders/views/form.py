"""The order form: choosing a lot, then the project and the quantities of its services."""

from __future__ import annotations

import re
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.catalogue.models import CatalogueItem, Lot
from app.catalogue.services import browse
from app.common.communes import REGION_WIDE, commune_choices
from app.common.errors import Conflict, ValidationFailed
from app.common.i18n import reader_language
from app.common.web import ViewResult
from app.extensions import db
from app.orders import services, validation
from app.orders.forms import OrderForm
from app.orders.lots import orderable_lot, orderable_lots
from app.orders.models import Order, OrderStatus
from app.orders.views import bp
from app.orders.views.helpers import EDITABLE, may_submit, require_buyer

_DIGITS = re.compile(r"[0-9]{1,12}")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,12}")
_LINE_ERROR = re.compile(r"lines\.([0-9]+)\.(item_id|quantity)")


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
            messages = [_("Enter a whole number from 0 to %(n)s.", n=validation.MAX_QUANTITY)]
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
                           may_submit=may_submit(), max_quantity=validation.MAX_QUANTITY)


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
    require_buyer()
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
    require_buyer()
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
