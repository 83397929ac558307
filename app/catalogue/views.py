"""Public catalogue pages (no login): the lots, the item list with its filters, a lot, an item."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Form, SearchField, SelectField, StringField

from app.catalogue.labels import UNITS, template_helpers
from app.catalogue.models import Lot, LotMembership
from app.catalogue.services import browse
from app.catalogue.services import lots as lot_services
from app.common.errors import ValidationFailed
from app.common.i18n import reader_language
from app.common.money import parse_eur
from app.common.numbers import parse_id
from app.common.pagination import page_arg
from app.common.web import ViewResult, add_error

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue", template_folder="templates")

PER_PAGE = 20
FILTER_NAMES = ("q", "lot", "unit", "min_price", "max_price")
# The service's field names -> the form's.
SERVICE_FIELDS = {"q": "q", "lot_id": "lot", "unit": "unit",
                  "min_price_cents": "min_price", "max_price_cents": "max_price"}


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return template_helpers()


class FilterForm(Form):
    """The item filters: a GET form (nothing changes, so no CSRF token).

    Checked by ``_read_filters`` and the service, not by WTForms validators.
    """

    q = SearchField(_l("Search"),
                    description=_l("Words from the title, the description or the code."))
    lot = SelectField(_l("Lot"), validate_choice=False)
    unit = SelectField(_l("Unit"), validate_choice=False)
    min_price = StringField(_l("Minimum price excl. VAT (€)"),
                            render_kw={"inputmode": "decimal", "autocomplete": "off"})
    max_price = StringField(_l("Maximum price excl. VAT (€)"),
                            render_kw={"inputmode": "decimal", "autocomplete": "off"},
                            description=_l("For example 500 or 1 250,50."))



def _read_filters(form: FilterForm, lots: list[Lot]) -> browse.ItemFilters | None:
    """The filters typed in the form, or None (with field errors set) when one is invalid."""
    filters = browse.ItemFilters(q=(form.q.data or "").strip())
    lot_value = (form.lot.data or "").strip()
    if lot_value:
        if (lot_id := parse_id(lot_value)) in {lot.id for lot in lots}:
            filters.lot_id = lot_id
        else:
            add_error(form, "lot", _("Choose a lot from the list."))
    filters.unit = (form.unit.data or "").strip() or None
    for name in ("min_price", "max_price"):
        text = (getattr(form, name).data or "").strip()
        if not text:
            continue
        try:
            cents = parse_eur(text)
        except (ValueError, ArithmeticError):
            add_error(form, name, _("Enter an amount in euros, for example 1 250,50."))
        else:
            setattr(filters, f"{name}_cents", cents)
    try:
        browse.validate_filters(filters)
    except ValidationFailed as exc:
        for service_name, messages in exc.errors.items():
            target = SERVICE_FIELDS.get(service_name)
            for message in messages:
                if target and not getattr(form, target).errors:
                    add_error(form, target, message)
    if any(getattr(form, name).errors for name in FILTER_NAMES):
        return None
    return filters


def _kept_args() -> dict[str, str]:
    """The filters given in the address, for links to other pages of the same results."""
    return {name: value for name in FILTER_NAMES
            if (value := request.args.get(name, "").strip())}


def _public_members(lot: Lot) -> list[LotMembership]:
    """The lot's active members whose company is active (the directory shows those only)."""
    return [m for m in lot_services.active_members(lot) if m.vendor.active]


@bp.route("/")
def index() -> ViewResult:
    language = reader_language()
    lots = lot_services.list_lots(active_only=True)
    form = FilterForm(request.args)
    form.lot.choices = [("", _("All lots"))] + [
        (str(lot.id), _("Lot %(number)s: %(title)s", number=lot.number,
                        title=lot.title(language))) for lot in lots]
    form.unit.choices = [("", _("All units")), *UNITS.choices()]
    filters = _read_filters(form, lots)
    result = None
    if filters is not None:
        page = page_arg()
        result = browse.search_items(filters, page=page, per_page=PER_PAGE)
        if page > result.pages:
            args: dict[str, Any] = {**_kept_args(), "page": result.pages}
            return redirect(url_for("catalogue.index", **args))
    vendor_counts = {lot.id: len(_public_members(lot)) for lot in lots}
    return render_template("catalogue/index.html", lots=lots, form=form, result=result,
                           filtered=bool(_kept_args()),
                           page_args={**_kept_args(), "_anchor": "items-title"},
                           vendor_counts=vendor_counts)


@bp.route("/lots/<int:lot_id>")
def lot(lot_id: int) -> ViewResult:
    lot = lot_services.get_public_lot(lot_id)
    page = page_arg()
    result = browse.search_items(browse.ItemFilters(lot_id=lot.id), page=page,
                                   per_page=PER_PAGE)
    if page > result.pages:
        return redirect(url_for("catalogue.lot", lot_id=lot.id, page=result.pages))
    return render_template("catalogue/lot.html", lot=lot, result=result,
                           members=_public_members(lot))


@bp.route("/items/<code>")
def item(code: str) -> ViewResult:
    return render_template("catalogue/item.html", item=browse.get_current_item(code))
