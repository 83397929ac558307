"""Admin pages of items and prices: the list, a new item, its texts, a new price."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import admin_required
from app.catalogue.admin.blueprint import bp, lot_choices, show_errors
from app.catalogue.forms import (
    ItemForm,
    ItemTextsForm,
    PriceForm,
)
from app.catalogue.services import items as item_services
from app.catalogue.services.texts import TEXT_FIELDS
from app.common.errors import ValidationFailed
from app.common.numbers import parse_id
from app.common.pagination import page_arg
from app.common.time import today
from app.common.web import ViewResult
from app.extensions import db

ITEMS_PER_PAGE = 25
# --- Items and prices ------------------------------------------------------------------------

ITEM_FIELDS = {"lot_id": "lot", "unit_price_cents": "unit_price", "vat_rate_bp": "vat_rate"}


@bp.route("/items")
@admin_required
def items() -> ViewResult:
    lot_id = parse_id(request.args.get("lot", ""))
    page = item_services.admin_items(current_user, lot_id, page_arg(), ITEMS_PER_PAGE)
    return render_template("admin/items.html", page=page, lot_id=lot_id,
                           lot_choices=lot_choices())


@bp.route("/items/new", methods=["GET", "POST"])
@admin_required
def new_item() -> ViewResult:
    form = ItemForm(lot=parse_id(request.args.get("lot", "")), valid_from=today())
    form.lot.choices = [(0, _("Choose a lot…")), *lot_choices()]
    if form.validate_on_submit():
        data = item_services.ItemData(
            lot_id=form.lot.data or 0, code=form.code.data or "", unit=form.unit.data or "",
            unit_price_cents=form.unit_price.data or 0, vat_rate_bp=form.vat_rate.data or 0,
            valid_from=form.valid_from.data,
            **{name: getattr(form, name).data or "" for name in TEXT_FIELDS})
        try:
            item = item_services.create_item(current_user, data)
        except ValidationFailed as exc:
            show_errors(form, exc.errors, ITEM_FIELDS)
        else:
            db.session.commit()
            flash(_("Item %(code)s is created.", code=item.code), "success")
            return redirect(url_for("admin.item", code=item.code))
    return render_template("admin/item_new.html", form=form)


def _render_item(code: str, texts_form: ItemTextsForm | None = None,
                 price_form: PriceForm | None = None) -> ViewResult:
    row = item_services.admin_item(current_user, code)
    latest = row.latest
    if texts_form is None:
        texts_form = ItemTextsForm(formdata=None, obj=latest, unit=latest.unit.value)
    if price_form is None:
        shown = row.current or latest
        price_form = PriceForm(formdata=None, unit_price=shown.unit_price_cents,
                               vat_rate=shown.vat_rate_bp,
                               valid_from=max(today(), latest.valid_from))
    return render_template("admin/item.html", row=row, texts_form=texts_form,
                           price_form=price_form, today=today())


@bp.route("/items/<code>")
@admin_required
def item(code: str) -> ViewResult:
    return _render_item(code)


@bp.route("/items/<code>", methods=["POST"])
@admin_required
def update_item(code: str) -> ViewResult:
    item_services.admin_item(current_user, code)  # 404 before reading the form
    form = ItemTextsForm()
    if form.validate_on_submit():
        try:
            item_services.update_item_texts(
                current_user, code,
                {name: getattr(form, name).data or "" for name in TEXT_FIELDS},
                form.unit.data or "")
        except ValidationFailed as exc:
            show_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("The texts of item %(code)s are saved (for every price).", code=code),
                  "success")
            return redirect(url_for("admin.item", code=code))
    return _render_item(code, texts_form=form)


@bp.route("/items/<code>/price", methods=["POST"])
@admin_required
def revise_price(code: str) -> ViewResult:
    item_services.admin_item(current_user, code)
    form = PriceForm()
    if form.validate_on_submit():
        try:
            new = item_services.revise_price(current_user, code, form.unit_price.data or 0,
                                        form.vat_rate.data or 0, form.valid_from.data)
        except ValidationFailed as exc:
            show_errors(form, exc.errors, ITEM_FIELDS)
        else:
            db.session.commit()
            flash(_("The new price of item %(code)s applies from %(day)s.", code=code,
                    day=new.valid_from.isoformat()), "success")
            return redirect(url_for("admin.item", code=code, _anchor="history"))
    return _render_item(code, price_form=form)
