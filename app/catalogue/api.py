"""The catalogue part of the JSON API: lots and priced items (public, no login).

The query schemas check types; the search's limits and their words are the service's
(services.browse), declared here for the OpenAPI document.

Every list answers in a fixed number of SQL queries whatever the number of rows (items: one,
or two for a page past the end; lots and frameworks: three, the rows, the committed and the
invoiced amounts), never a lazy load per row.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from marshmallow import fields
from marshmallow.validate import Length, OneOf, Range

from app.catalogue.models import AwardMethod, CatalogueItem, Framework, FrameworkStatus, Lot, Unit
from app.catalogue.services import browse, consumption
from app.catalogue.services import frameworks as framework_services
from app.catalogue.services import lots as lot_services
from app.common.api import INT32_MAX, PROBLEM_JSON, Int, ProblemSchema
from app.common.i18n import reader_language
from app.common.pagination import MAX_PAGE

blp = Blueprint("catalogue_api", __name__, url_prefix="/api/v1",
                description="Framework lots and their priced catalogue items.")

UNITS = [u.value for u in Unit]
AWARD_METHODS = [m.value for m in AwardMethod]
FRAMEWORK_STATUSES = [s.value for s in FrameworkStatus]


# --- Schemas ------------------------------------------------------------------------------

COMMITTED = ("Excl. VAT: orders approved or later and not cancelled; a closed order for what "
             "was invoiced (closing releases the rest).")
INVOICED = "Excl. VAT: the orders' invoices, except the rejected ones."
PAID = "Excl. VAT: the invoices marked paid."


class FrameworkSchema(ma.Schema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    title = fields.String(required=True, metadata={"description": "In the reader's language."})
    status = fields.String(required=True, validate=OneOf(FRAMEWORK_STATUSES))
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    ceiling_cents = fields.Integer(required=True, metadata={
        "description": "The framework agreement's maximum value excl. VAT."})
    committed_cents = fields.Integer(required=True, metadata={"description": COMMITTED})
    invoiced_cents = fields.Integer(required=True, metadata={"description": INVOICED})
    paid_cents = fields.Integer(required=True, metadata={"description": PAID})
    remaining_cents = fields.Integer(required=True,
                                     metadata={"description": "Ceiling minus committed."})
    lot_ids = fields.List(fields.Integer(), required=True)


class LotSchema(ma.Schema):
    id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    title = fields.String(required=True, metadata={"description": "In the reader's language."})
    description = fields.String(required=True)
    award_method = fields.String(required=True, validate=OneOf(AWARD_METHODS))
    framework_id = fields.Integer(required=True)
    framework_reference = fields.String(required=True)
    ceiling_cents = fields.Integer(required=True, allow_none=True,
                                   metadata={"description": "Lot ceiling excl. VAT; null if "
                                                            "the lot has none."})
    committed_cents = fields.Integer(required=True, metadata={"description": COMMITTED})
    invoiced_cents = fields.Integer(required=True, metadata={"description": INVOICED})
    paid_cents = fields.Integer(required=True, metadata={"description": PAID})
    remaining_cents = fields.Integer(required=True, allow_none=True,
                                     metadata={"description": "Ceiling minus committed; null "
                                                              "without a ceiling."})
    response_working_days = fields.Integer(
        required=True, metadata={"description": "Working days a vendor has to answer."})
    vendors = fields.Integer(required=True, metadata={
        "description": "Number of vendors in the lot's cascade (active membership and "
                       "active vendor)."})


class LotQuerySchema(ma.Schema):
    framework = Int(validate=Range(1, INT32_MAX, error=_l("Choose a framework from the list.")),
                    metadata={"description": "Only the lots of this framework id."})


class ItemSchema(ma.Schema):
    id = fields.Integer(required=True, metadata={"description": "Id of this priced version."})
    code = fields.String(required=True)
    lot_id = fields.Integer(required=True)
    title = fields.String(required=True, metadata={"description": "In the reader's language."})
    description = fields.String(required=True)
    unit = fields.String(required=True, validate=OneOf(UNITS))
    unit_price_cents = fields.Integer(required=True, metadata={"description": "Excl. VAT."})
    vat_rate = fields.Float(required=True,
                            metadata={"description": "VAT rate in percent (21 = 21 %)."})
    vat_rate_bp = fields.Integer(required=True,
                                 metadata={"description": "VAT rate in basis points (2100)."})
    vat_cents = fields.Integer(required=True, metadata={"description": "VAT on one unit."})
    unit_price_incl_vat_cents = fields.Integer(required=True)
    valid_from = fields.Date(required=True,
                             metadata={"description": "First day this price applies."})
    valid_to = fields.Date(required=True, allow_none=True,
                           metadata={"description": "Last day it applies; null while current."})


class ItemPageSchema(ma.Schema):
    items = fields.List(fields.Nested(ItemSchema), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Items matching the filters."})
    pages = fields.Integer(required=True, metadata={"description": "At least 1."})


class ItemQuerySchema(ma.Schema):
    lot = Int(validate=Range(1, INT32_MAX, error=_l("Choose a lot from the list.")),
              metadata={"description": "Only the items of this lot id."})
    q = fields.String(load_default="", validate=Length(max=browse.MAX_QUERY_LENGTH,
                                                       error=browse.QUERY_ERROR),
                      metadata={"description": "Words searched in code, titles and "
                                               "descriptions (any language, accents and case "
                                               "ignored, word prefixes match)."})
    unit = fields.String(validate=OneOf(UNITS, error=browse.UNIT_ERROR))
    min_price_cents = Int(validate=Range(0, browse.MAX_PRICE_CENTS, error=browse.AMOUNT_ERROR),
                          metadata={"description": "Unit price excl. VAT, at least."})
    max_price_cents = Int(validate=Range(0, browse.MAX_PRICE_CENTS, error=browse.AMOUNT_ERROR),
                          metadata={"description": "Unit price excl. VAT, at most (not below "
                                                   "min_price_cents)."})
    page = Int(load_default=1, validate=Range(
        1, MAX_PAGE, error=_l("Enter a page number between 1 and 100 000.")))
    per_page = Int(load_default=20, validate=Range(
        1, browse.MAX_PER_PAGE, error=_l("Enter a number between 1 and 100.")))


# --- Serialisation ------------------------------------------------------------------------

def vat_percent(vat_rate_bp: int) -> float:
    return vat_rate_bp / 100


def item_data(item: CatalogueItem, language: str) -> dict[str, Any]:
    return {
        "id": item.id, "code": item.code, "lot_id": item.lot_id,
        "title": item.title(language), "description": item.description(language),
        "unit": item.unit.value, "unit_price_cents": item.unit_price_cents,
        "vat_rate": vat_percent(item.vat_rate_bp), "vat_rate_bp": item.vat_rate_bp,
        "vat_cents": item.vat_cents, "unit_price_incl_vat_cents": item.unit_price_incl_vat_cents,
        "valid_from": item.valid_from, "valid_to": item.valid_to,
    }


def _used(used: consumption.Used) -> dict[str, int]:
    return {"committed_cents": used.committed_cents, "invoiced_cents": used.invoiced_cents,
            "paid_cents": used.paid_cents}


def lot_data(lot: Lot, framework_reference: str, vendors: int, language: str,
             used: consumption.Used) -> dict[str, Any]:
    return {
        "id": lot.id, "number": lot.number, "title": lot.title(language),
        "description": lot.description(language), "award_method": lot.award_method.value,
        "framework_id": lot.framework_id, "framework_reference": framework_reference,
        "ceiling_cents": lot.ceiling_cents, **_used(used),
        "remaining_cents": (None if lot.ceiling_cents is None
                            else lot.ceiling_cents - used.committed_cents),
        "response_working_days": lot.response_working_days,
        "vendors": vendors,
    }


def framework_data(framework: Framework, lot_ids: list[int], language: str,
                   used: consumption.Used) -> dict[str, Any]:
    return {
        "id": framework.id, "reference": framework.reference, "title": framework.title(language),
        "status": framework.status.value, "start_date": framework.start_date,
        "end_date": framework.end_date, "ceiling_cents": framework.max_value_cents,
        **_used(used), "remaining_cents": framework.max_value_cents - used.committed_cents,
        "lot_ids": lot_ids,
    }


# --- Endpoints ----------------------------------------------------------------------------

@blp.get("/frameworks")
@blp.response(200, FrameworkSchema(many=True))
def list_frameworks() -> list[dict[str, Any]]:
    """Every framework agreement, newest first, with what its orders use of its ceiling."""
    language = reader_language()
    used = consumption.by_framework()
    return [framework_data(framework, lot_ids, language, used.get(framework.id,
                                                                  consumption.Used()))
            for framework, lot_ids in framework_services.public_frameworks()]


@blp.get("/lots")
@blp.arguments(LotQuerySchema, location="query", as_kwargs=True)
@blp.response(200, LotSchema(many=True))
@blp.alt_response(422, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="Invalid query parameter")
def list_lots(framework: int | None = None) -> list[dict[str, Any]]:
    """Lots of every framework, by framework then number."""
    language = reader_language()
    used = consumption.by_lot()
    return [lot_data(lot, reference, vendors, language, used.get(lot.id, consumption.Used()))
            for lot, reference, vendors in lot_services.lots_with_vendor_counts(framework)]


@blp.get("/catalogue/items")
@blp.arguments(ItemQuerySchema, location="query", as_kwargs=True)
@blp.response(200, ItemPageSchema)
@blp.alt_response(422, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="Invalid query parameter (`errors` names it)")
def list_items(q: str, page: int, per_page: int, lot: int | None = None,
               unit: str | None = None, min_price_cents: int | None = None,
               max_price_cents: int | None = None) -> dict[str, Any]:
    """Items priced today, by lot number and code, one page at a time."""
    filters = browse.ItemFilters(q=q, lot_id=lot, unit=unit, min_price_cents=min_price_cents,
                                   max_price_cents=max_price_cents)
    result = browse.search_items_counted(filters, page=page, per_page=per_page)
    language = reader_language()
    return {"items": [item_data(item, language) for item in result.items],
            "page": result.page, "per_page": result.per_page, "total": result.total,
            "pages": result.pages}


@blp.get(f"/catalogue/items/<int(max={INT32_MAX}):item_id>")
@blp.response(200, ItemSchema)
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="No such item version")
def get_item(item_id: int) -> dict[str, Any]:
    """One priced version of an item, current or not (orders refer to versions)."""
    return item_data(browse.get_item(item_id), reader_language())
