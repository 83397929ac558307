"""The orders API's schemas: bodies check types only (and what the document states); the
limits and rules are the services' (``app.orders.validation``), with their wording."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields
from marshmallow.validate import Length, OneOf, Range, Regexp, Validator

from app.common.api import INT32_MAX, Int
from app.common.communes import commune_names
from app.common.communes_api import CommuneField, CommuneNamesSchema
from app.orders import validation
from app.orders.models import OrderStatus, ParticipationLevel

STATUSES = [s.value for s in OrderStatus]
LEVELS = [p.value for p in ParticipationLevel]
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
ID = f"<int(max={INT32_MAX}):order_id>"


class StrictInt(fields.Integer):
    """Whole numbers only: 1.5, "2" and true are refused with a sentence; 227.0 is the
    JSON number 227 (JSON Schema counts it as an integer, so the API takes it)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _validated(self, value: Any) -> Any:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._validated(value)

    def make_error(self, key: str, **kwargs: Any) -> ma.ValidationError:
        if key in ("invalid", "too_large"):
            return ma.ValidationError(str(_l("Enter a whole number.")))
        return super().make_error(key, **kwargs)


# Marshmallow's own messages are English: every field and validator here says it in the
# reader's language instead.
REQUIRED = {"required": _l("This field is required."), "null": _l("This field is required.")}


def text_field(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(
        validate=Length(max=max_length, error=_l("Use at most %(n)s characters.",
                                                 n=max_length)),
        error_messages={**REQUIRED, "invalid": _l("Enter text.")}, **kwargs)


_NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"  # some visible text, no NUL (the guard's rule)


class Rule(Validator):
    """A rule of the service (``app.orders.validation``) applied at the door, so a body's
    type errors and rule errors come back together, in the service's words."""

    def __init__(self, problems: Callable[[Any], list[str]]) -> None:
        self.problems = problems

    def __call__(self, value: Any) -> Any:
        if found := self.problems(value):
            raise ma.ValidationError(found)
        return value


def _order_text(name: str, *, required: bool = False, **kwargs: Any) -> fields.String:
    """An order's text field: its limit, and whether it may be blank or span lines, are the
    service's rule; the document states them (maxLength; minLength and pattern when it is
    required)."""
    doc: dict[str, Any] = {"maxLength": validation.TEXT_LIMITS[name]}
    if required:
        doc.update(minLength=1, pattern=_NOT_BLANK)
    else:
        kwargs.setdefault("load_default", "")
    return fields.String(required=required, metadata=doc,
                         validate=Rule(lambda value: validation.text_problems(name, value)),
                         error_messages={**REQUIRED, "invalid": _l("Enter text.")}, **kwargs)


def _choice(values: list[str], error: Any, problems: Callable[[Any], list[str]],
            **kwargs: Any) -> fields.String:
    """A choice among ``values``: the service's rule (``problems``), documented as an enum."""
    return fields.String(metadata={"enum": values}, validate=Rule(problems),
                         error_messages={**REQUIRED, "invalid": error}, **kwargs)


def _date() -> fields.Date:
    return fields.Date(load_default=None, allow_none=True,
                       error_messages={"invalid": _l("Enter a date as YYYY-MM-DD.")})


class Strict(ma.Schema):
    error_messages = {"unknown": _l("This field is not accepted."),
                      "type": _l("Send a JSON object.")}

    class Meta:
        unknown = ma.RAISE


class LineInSchema(Strict):
    # Types only: the service refuses an unknown item and a quantity out of range.
    item_id = StrictInt(required=True, error_messages=REQUIRED,
                        validate=Rule(validation.item_id_problems),
                        metadata={"minimum": 1, "maximum": INT32_MAX})
    quantity = StrictInt(required=True, error_messages=REQUIRED,
                         validate=Rule(validation.quantity_problems), metadata={
        "description": "1 to 10 000.", "minimum": 1, "maximum": validation.MAX_QUANTITY})


class OrderInSchema(Strict):
    """What a buyer sends. Totals, status and organisation are the server's: sending them is
    refused (422) rather than silently ignored. Fields check their type; every limit and
    rule is the service's (``app.orders.validation``, the order form's too, in the same
    words), applied here through :class:`Rule` and stated in the document."""

    lot_id = StrictInt(required=True, error_messages=REQUIRED,
                       validate=Rule(validation.lot_id_problems),
                       metadata={"minimum": 1, "maximum": INT32_MAX})
    title = _order_text("title", required=True)
    objectives = _order_text("objectives", required=True)
    participation_level = _choice(LEVELS, _l("Choose a level of citizen involvement."),
                                  validation.level_problems, required=True)
    commune = CommuneField(required=True)
    description = _order_text("description")
    target_audiences = _order_text("target_audiences")
    planned_start = _date()
    planned_end = _date()
    inclusion_measures = _order_text("inclusion_measures")
    public_consent = fields.Boolean(load_default=False, error_messages={
        "invalid": _l("Enter true or false.")})
    lines = fields.List(
        fields.Nested(LineInSchema), required=True,
        validate=Rule(validation.line_count_problems),
        metadata={"minItems": 1, "maxItems": validation.MAX_LINES},
        error_messages={**REQUIRED, "invalid": _l("Send a list of lines.")})


class LineOutSchema(ma.Schema):
    id = fields.Integer(required=True)
    item_id = fields.Integer(required=True)
    quantity = fields.Integer(required=True)
    unit_price_cents = fields.Integer(required=True,
                                      metadata={"description": "Snapshot, excl. VAT."})
    vat_rate_bp = fields.Integer(required=True)
    line_excl_vat_cents = fields.Integer(required=True)
    line_vat_cents = fields.Integer(required=True)


class _CommuneNames(fields.Nested):
    """The commune's names in the three languages, from the order's commune code."""

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        return commune_names(obj.commune)


class OrderOutSchema(ma.Schema):
    """An order as the API answers it: dumped from the ``Order`` itself."""

    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    status = fields.String(required=True, validate=OneOf(STATUSES))
    lot_id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    objectives = fields.String(required=True)
    participation_level = fields.String(required=True)
    target_audiences = fields.String(required=True)
    commune = fields.String(required=True, metadata={"description": "The commune's code "
                                                     "(`GET /api/v1/communes`)."})
    commune_names = _CommuneNames(CommuneNamesSchema, required=True)
    planned_start = fields.Date(required=True, allow_none=True)
    planned_end = fields.Date(required=True, allow_none=True)
    inclusion_measures = fields.String(required=True)
    public_consent = fields.Boolean(required=True)
    total_excl_vat_cents = fields.Integer(required=True)
    total_vat_cents = fields.Integer(required=True)
    total_incl_vat_cents = fields.Integer(required=True)
    vendor_id = fields.Integer(required=True, allow_none=True,
                               metadata={"description": "Null until assigned."})
    approvals = fields.Integer(required=True, attribute="approvals_count")
    approvals_required = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    submitted_at = fields.DateTime(required=True, allow_none=True)
    lines = fields.List(fields.Nested(LineOutSchema), required=True)


class OrderPageSchema(ma.Schema):
    orders = fields.List(fields.Nested(OrderOutSchema), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class OrderQuerySchema(ma.Schema):
    status = fields.String(validate=OneOf(STATUSES, error=_l("Choose a status from the list.")))
    lot = Int(validate=Range(1, INT32_MAX, error=_l("Choose a lot from the list.")))
    page = Int(load_default=1, validate=Range(
        1, 100_000, error=_l("Enter a page number between 1 and 100 000.")))
    per_page = Int(load_default=25, validate=Range(
        1, 100, error=_l("Enter a number between 1 and 100.")))


class ReasonSchema(Strict):
    # The moves that take this body need a reason: the document says so (not blank, no NUL).
    reason = fields.String(
        required=True,
        validate=[Length(max=5000, error=_l("Use at most %(n)s characters.", n=5000)),
                  Regexp(_NOT_BLANK, error=_l("Give a reason."))],
        error_messages={**REQUIRED, "invalid": _l("Enter text.")})


class EventSchema(ma.Schema):
    id = fields.Integer(required=True)
    seq = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    actor_id = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The user who made the move; null for the platform, and for a "
                       "vendor's user the reader may not know (bids are sealed)."})
    action = fields.String(required=True)
    from_state = fields.String(required=True, allow_none=True)
    to_state = fields.String(required=True, allow_none=True)
    reason = fields.String(required=True, metadata={
        "description": "Empty when it is another vendor's reason."})
    payload = fields.Dict(required=True, metadata={
        "description": "What the reader may see of the event's data: staff everything; the "
                       "buyer no vendor's identity, price, note or document until the "
                       "competition is closed; a vendor nothing about the other vendors."})
    hash = fields.String(required=True, allow_none=True, metadata={
        "description": "The event's chain hash, for staff only; null for everyone else, "
                       "since a hash over data they do not see would let them guess it."})
