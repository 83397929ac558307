"""The orders part of the JSON API (bearer tokens only).

Every route is scoped by the services: an order the caller may not see answers 404, a move
that is not allowed now 409, a refused body 422 with an ``errors`` object naming the fields.
``POST /orders`` honours an ``Idempotency-Key`` header, per user: the same key with the same
body answers the first response again; the same key with another body answers 422.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import fields
from marshmallow.validate import Length, OneOf, Range, Regexp
from werkzeug.datastructures import FileStorage

from app.common.api import INT32_MAX, PROBLEM_JSON, Int, ProblemSchema
from app.common.communes import commune_names
from app.common.communes_api import CommuneField, CommuneNamesSchema
from app.common.downloads import private_attachment
from app.common.errors import ValidationFailed, field_errors
from app.common.single_line import SingleLineValidator
from app.extensions import db
from app.orders import assignment, history, idempotency, quote_documents, services, workflow
from app.orders.models import (
    AttemptKind,
    AttemptState,
    Order,
    OrderStatus,
    ParticipationLevel,
    QuoteDocument,
    VendorAttempt,
)

blp = Blueprint("orders_api", __name__, url_prefix="/api/v1",
                description="Orders: the buyer's requests and the staff's decisions.")

STATUSES = [s.value for s in OrderStatus]
LEVELS = [p.value for p in ParticipationLevel]
_BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]


# --- Schemas -----------------------------------------------------------------------------

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


def _text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(
        validate=Length(max=max_length, error=_l("Use at most %(n)s characters.",
                                                 n=max_length)),
        error_messages={**REQUIRED, "invalid": _l("Enter text.")}, **kwargs)


_NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"  # some visible text, no NUL (the guard's rule)


def _required_text(max_length: int, single_line: bool = False, **kwargs: Any) -> fields.String:
    """Text the service refuses when blank: the document says so (minLength, pattern)."""
    validators: list[Any] = [
        Length(min=1, max=max_length, error=_l("Use at most %(n)s characters.", n=max_length)),
        Regexp(_NOT_BLANK, error=_l("This field is required."))]
    if single_line:
        validators.append(SingleLineValidator())
    return fields.String(
        required=True,
        validate=validators,
        error_messages={**REQUIRED, "invalid": _l("Enter text.")}, **kwargs)


def _choice(values: list[str], error: Any, **kwargs: Any) -> fields.String:
    return fields.String(validate=OneOf(values, error=error),
                         error_messages={**REQUIRED, "invalid": error}, **kwargs)


def _date() -> fields.Date:
    return fields.Date(load_default=None, allow_none=True,
                       error_messages={"invalid": _l("Enter a date as YYYY-MM-DD.")})


class _Strict(ma.Schema):
    error_messages = {"unknown": _l("This field is not accepted."),
                      "type": _l("Send a JSON object.")}

    class Meta:
        unknown = ma.RAISE


class LineInSchema(_Strict):
    item_id = StrictInt(required=True, validate=Range(
        1, INT32_MAX, error=_l("This service is not in the catalogue.")),
        error_messages=REQUIRED)
    quantity = StrictInt(required=True, validate=Range(
        1, services.MAX_QUANTITY, error=_l("Enter a whole number from 1 to %(n)s.",
                                           n=services.MAX_QUANTITY)),
        error_messages=REQUIRED, metadata={"description": "1 to 10 000."})


class OrderInSchema(_Strict):
    """What a buyer sends. Totals, status and organisation are the server's: sending them is
    refused (422) rather than silently ignored."""

    lot_id = StrictInt(required=True, validate=Range(
        1, INT32_MAX, error=_l("Choose a lot of the framework.")), error_messages=REQUIRED)
    title = _required_text(200, single_line=True)
    objectives = _required_text(5000)
    participation_level = _choice(LEVELS, _l("Choose a level of citizen involvement."),
                                  required=True)
    commune = CommuneField(required=True)
    description = _text(5000, load_default="")
    target_audiences = _text(2000, load_default="")
    planned_start = _date()
    planned_end = _date()
    inclusion_measures = _text(5000, load_default="")
    public_consent = fields.Boolean(load_default=False, error_messages={
        "invalid": _l("Enter true or false.")})
    lines = fields.List(
        fields.Nested(LineInSchema), required=True,
        validate=Length(min=1, max=services.MAX_LINES, error=_l(
            "Add between 1 and %(n)s services.", n=services.MAX_LINES)),
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


class OrderOutSchema(ma.Schema):
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
    commune_names = fields.Nested(CommuneNamesSchema, required=True)
    planned_start = fields.Date(required=True, allow_none=True)
    planned_end = fields.Date(required=True, allow_none=True)
    inclusion_measures = fields.String(required=True)
    public_consent = fields.Boolean(required=True)
    total_excl_vat_cents = fields.Integer(required=True)
    total_vat_cents = fields.Integer(required=True)
    total_incl_vat_cents = fields.Integer(required=True)
    vendor_id = fields.Integer(required=True, allow_none=True,
                               metadata={"description": "Null until assigned."})
    approvals = fields.Integer(required=True)
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


class ReasonSchema(_Strict):
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


# --- Helpers -----------------------------------------------------------------------------

def order_data(order: Order) -> dict[str, Any]:
    return {
        "id": order.id, "reference": order.reference, "status": order.status.value,
        "lot_id": order.lot_id, "organisation_id": order.organisation_id,
        "title": order.title, "description": order.description,
        "objectives": order.objectives,
        "participation_level": order.participation_level.value,
        "target_audiences": order.target_audiences, "commune": order.commune,
        "commune_names": commune_names(order.commune),
        "planned_start": order.planned_start, "planned_end": order.planned_end,
        "inclusion_measures": order.inclusion_measures,
        "public_consent": order.public_consent,
        "total_excl_vat_cents": order.total_excl_vat_cents,
        "total_vat_cents": order.total_vat_cents,
        "total_incl_vat_cents": order.total_incl_vat_cents,
        "vendor_id": order.vendor_id, "approvals": order.approvals_count,
        "approvals_required": order.approvals_required,
        "created_at": order.created_at, "updated_at": order.updated_at,
        "submitted_at": order.submitted_at,
        "lines": [{"id": line.id, "item_id": line.item_id, "quantity": line.quantity,
                   "unit_price_cents": line.unit_price_cents, "vat_rate_bp": line.vat_rate_bp,
                   "line_excl_vat_cents": line.line_excl_vat_cents,
                   "line_vat_cents": line.line_vat_cents} for line in order.lines],
    }


def _serialised(order: Order) -> dict[str, Any]:
    """What the response schema would emit, as stored for an idempotent replay."""
    return dict(OrderOutSchema().dump(order_data(order)))


def _input(body: dict[str, Any]) -> services.OrderInput:
    lines = [services.LineInput(line["item_id"], line["quantity"]) for line in body.pop("lines")]
    return services.OrderInput(lines=lines, **body)


# --- Endpoints ---------------------------------------------------------------------------

@blp.post("/orders")
@blp.arguments(OrderInSchema)
@blp.response(201, OrderOutSchema)
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(403, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="Not a buyer")
@blp.alt_response(422, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="Invalid body (`errors` names each field, e.g. "
                              "`lines.0.quantity`), or an Idempotency-Key reused with "
                              "another body")
@blp.doc(security=_BEARER, parameters=[idempotency.PARAMETER])
def create_order(body: dict[str, Any]) -> ResponseReturnValue:
    """Create a draft order for the caller's organisation (buyers)."""
    return idempotency.write_once(
        201, lambda: _serialised(services.create_order(current_user, _input(body))))


@blp.get("/orders")
@blp.arguments(OrderQuerySchema, location="query", as_kwargs=True)
@blp.response(200, OrderPageSchema)
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(422, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.doc(security=_BEARER)
def list_orders(page: int, per_page: int, status: str | None = None,
                lot: int | None = None) -> ResponseReturnValue:
    """The orders the caller may see: their organisation's (buyers), the ones assigned to
    their company (vendors), or all (staff)."""
    result = services.list_orders(current_user, services.OrderFilters(
        status=status, lot_id=lot, sort="newest"), page=page, per_page=per_page)
    db.session.commit()
    return {"orders": [order_data(o) for o in result.items], "page": result.page,
            "per_page": result.per_page, "total": result.total, "pages": result.pages}


_ID = f"<int(max={INT32_MAX}):order_id>"


@blp.get(f"/orders/{_ID}")
@blp.response(200, OrderOutSchema)
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.doc(security=_BEARER)
def get_order(order_id: int) -> ResponseReturnValue:
    """One order, if the caller may see it."""
    order = services.get_order(current_user, order_id)
    db.session.commit()
    return order_data(order)


@blp.get(f"/orders/{_ID}/events")
@blp.response(200, EventSchema(many=True))
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.doc(security=_BEARER)
def order_events(order_id: int) -> ResponseReturnValue:
    """The order's audit trail, oldest first, as the reader may see it: bids are sealed.

    Staff get every event with its chain hash. The buyer reads the vendors' answers without
    their identity, reason, note, price or document, except the assigned vendor and the
    quotes of a closed mini-competition; a vendor reads only its own company's answers and
    the order's moves. The hash is null for everyone but staff."""
    events = history.order_history(current_user, order_id)
    db.session.commit()
    return [history.event_data(e) for e in events]


def _move(name: str, path: str, summary: str, with_reason: bool) -> None:
    """One POST route per state move; each calls the service of the same name."""
    def act(order_id: int, reason: str | None) -> ResponseReturnValue:
        call = getattr(services, name)
        order = call(current_user, order_id) if reason is None else call(
            current_user, order_id, reason)
        db.session.commit()
        return order_data(order)

    def view_with_reason(body: dict[str, Any], order_id: int) -> ResponseReturnValue:
        return act(order_id, (body or {}).get("reason", ""))

    def view_without(order_id: int) -> ResponseReturnValue:
        return act(order_id, None)

    view = view_with_reason if with_reason else view_without
    view.__name__ = f"{name}_order"
    view.__doc__ = summary
    decorated: Any = view
    decorated = blp.alt_response(422, schema=ProblemSchema, content_type=PROBLEM_JSON)(decorated)
    decorated = blp.alt_response(409, schema=ProblemSchema, content_type=PROBLEM_JSON,
                                 description="Not possible in the order's state")(decorated)
    decorated = blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM_JSON)(decorated)
    decorated = blp.alt_response(403, schema=ProblemSchema, content_type=PROBLEM_JSON)(decorated)
    decorated = blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)(decorated)
    decorated = blp.response(200, OrderOutSchema)(decorated)
    if with_reason:
        decorated = blp.arguments(ReasonSchema)(decorated)
    decorated = blp.doc(security=_BEARER)(decorated)
    blp.post(f"/orders/{_ID}/{path}")(decorated)


_move("submit", "submit", "Submit a draft for approval (buyers).", False)
_move("withdraw", "withdraw", "Withdraw an order not yet approved (buyers).", False)
_move("approve", "approve", "Approve (staff). Above the four-eyes threshold the order stays "
      "submitted until a second staff member approves.", False)
_move("reject", "reject", "Reject with a reason (staff).", True)
_move("request_changes", "request-changes", "Send back to the buyer with a reason (staff).",
      True)
_move("cancel", "cancel", "Cancel an approved or later order with a reason (staff).", True)

assert set(workflow.MOVES) >= {"submit", "withdraw", "approve", "reject", "request_changes",
                               "cancel"}


# --- Vendor assignment ---------------------------------------------------------------------

class OfferSchema(ma.Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=OneOf([k.value for k in AttemptKind]),
                         metadata={"description": "`offer` (cascade) or `invitation` "
                                                  "(mini-competition)."})
    order_id = fields.Integer(required=True)
    state = fields.String(required=True, validate=OneOf([s.value for s in AttemptState]))
    expires_at = fields.DateTime(required=True, metadata={"description": "Answer before."})
    round = fields.Integer(required=True)
    rank = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    responded_at = fields.DateTime(required=True, allow_none=True)
    price_cents = fields.Integer(required=True, allow_none=True)
    reason = fields.String(required=True)
    document = fields.Nested(
        "QuoteDocumentSchema", required=True, allow_none=True,
        metadata={"description": "The written quote sent with the price, or null."})


class QuoteDocumentSchema(ma.Schema):
    filename = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    sha256 = fields.String(required=True, metadata={"description": "Of the file's bytes."})
    url = fields.String(required=True, metadata={
        "description": "Where the company's users download it (bearer token)."})


class AcceptSchema(_Strict):
    conflict_of_interest = fields.Boolean(
        required=True, error_messages={**REQUIRED, "invalid": _l("Enter true or false.")},
        metadata={"description": "true declares a conflict of interest, which counts as "
                                 "declining the offer."})


_PRICE_RANGE = Range(1, 10**11, error=_l("Enter a price between 0.01 and 1 000 000 000."))


class _QuoteAnswer(_Strict):
    """What a quote carries besides its price, in either body."""

    note = _text(5000, load_default="")
    conflict_of_interest = fields.Boolean(
        required=True, error_messages={**REQUIRED, "invalid": _l("Enter true or false.")},
        metadata={"description": "false declares no conflict of interest for the order; "
                                 "true declares one, which counts as declining the "
                                 "invitation (no price is needed then)."})

    @ma.validates_schema
    def _price_unless_a_conflict(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("price_cents") is None and data.get("conflict_of_interest") is not True:
            raise ma.ValidationError(str(REQUIRED["required"]), "price_cents")


_PRICE_DOC = {"description": "Excl. VAT, in cents; at most the order's "
                             "`total_excl_vat_cents`. Required unless a conflict of interest "
                             "is declared."}


class QuoteSchema(_QuoteAnswer):
    price_cents = StrictInt(load_default=None, validate=_PRICE_RANGE,
                            error_messages=REQUIRED, metadata=_PRICE_DOC)


class PdfUpload(Upload):
    """A file part of a multipart body (a plain text part of that name is refused)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, FileStorage):
            raise ma.ValidationError(str(_l("Send the PDF as a file.")))
        return value


class QuoteUploadSchema(_QuoteAnswer):
    """The same quote as ``multipart/form-data``, with the written quote as a file."""

    price_cents = Int(load_default=None, validate=_PRICE_RANGE, error_messages=REQUIRED,
                      metadata=_PRICE_DOC)
    document = PdfUpload(metadata={
        "description": "Optional: the written quote, a PDF of at most 5 MB "
                       "(`QUOTE_PDF_MAX_BYTES`) whose name ends in `.pdf`."})


def offer_data(attempt: VendorAttempt, document: QuoteDocument | None = None
               ) -> dict[str, Any]:
    return {"id": attempt.id, "kind": attempt.kind.value, "order_id": attempt.order_id,
            "state": attempt.state.value, "expires_at": attempt.expires_at,
            "round": attempt.round, "rank": attempt.rank, "created_at": attempt.created_at,
            "responded_at": attempt.responded_at, "price_cents": attempt.price_cents,
            "reason": attempt.reason,
            "document": None if document is None else {
                "filename": document.filename, "size_bytes": document.size_bytes,
                "sha256": document.sha256,
                "url": url_for("orders_api.offer_document", attempt_id=attempt.id)}}


def _offer_with_document(attempt: VendorAttempt) -> dict[str, Any]:
    return offer_data(attempt, quote_documents.documents_for([attempt.id]).get(attempt.id))


_OFFER = f"<int(max={INT32_MAX}):attempt_id>"


def _offer_responses(view: Any) -> Any:
    for status in (422, 409, 404, 401):
        view = blp.alt_response(status, schema=ProblemSchema, content_type=PROBLEM_JSON)(view)
    return blp.doc(security=_BEARER)(view)


@blp.get("/offers")
@blp.response(200, OfferSchema(many=True))
@_offer_responses
def list_offers() -> ResponseReturnValue:
    """The caller's company's offers and invitations, newest first (vendor users)."""
    attempts = assignment.vendor_attempts(current_user)
    documents = quote_documents.documents_for([a.id for a in attempts])
    db.session.commit()
    return [offer_data(a, documents.get(a.id)) for a in attempts]


@blp.post(f"/offers/{_OFFER}/accept")
@blp.arguments(AcceptSchema)
@blp.response(200, OrderOutSchema)
@_offer_responses
def accept_offer(body: dict[str, Any], attempt_id: int) -> ResponseReturnValue:
    """Accept an offer (409 once it is answered, withdrawn or past its deadline)."""
    order = assignment.accept(current_user, attempt_id, body["conflict_of_interest"])
    db.session.commit()
    return order_data(order)


@blp.post(f"/offers/{_OFFER}/decline")
@blp.arguments(ReasonSchema)
@blp.response(200, OfferSchema)
@_offer_responses
def decline_offer(body: dict[str, Any], attempt_id: int) -> ResponseReturnValue:
    """Decline an offer or an invitation, with a reason."""
    assignment.decline(current_user, attempt_id, body.get("reason", ""))
    db.session.commit()
    return _offer_with_document(assignment.get_attempt(current_user, attempt_id))


_MULTIPART = "multipart/form-data"


@blp.post(f"/offers/{_OFFER}/quote")
@blp.response(200, OfferSchema)
@blp.alt_response(413, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="The body is larger than the PDF limit plus 1 MB")
@_offer_responses
@blp.doc(requestBody={"required": True, "content": {
    "application/json": {"schema": QuoteSchema},
    _MULTIPART: {"schema": QuoteUploadSchema}}})
def quote_offer(attempt_id: int) -> ResponseReturnValue:
    """Answer an invitation with a price in cents excl. VAT, a note and the
    conflict-of-interest declaration (`true` counts as declining the invitation).

    Send a JSON body, or `multipart/form-data` with the same fields and, optionally, the
    written quote (a PDF) as the file `document`. A refused file refuses the whole quote
    (422, `errors.document`); a body larger than the PDF limit plus 1 MB answers 413.
    """
    if request.mimetype == _MULTIPART:
        body = _multipart_quote()
    else:
        body = blp.ARGUMENTS_PARSER.parse(QuoteSchema(), request, location="json")
    assignment.quote(current_user, attempt_id, body.get("price_cents") or 0,
                     body.get("note", ""), body.get("document"),
                     conflict_of_interest=body["conflict_of_interest"])
    db.session.commit()
    return _offer_with_document(assignment.get_attempt(current_user, attempt_id))


def _multipart_quote() -> dict[str, Any]:
    """The multipart body checked like the JSON one, the file read up to the limit."""
    raw: dict[str, Any] = {key: request.form.get(key) for key in request.form}
    for key, files in request.files.lists():
        if len(files) > 1:
            raise ValidationFailed({key: [str(_l("Send one file only."))]})
        raw[key] = files[0]
    try:
        body: dict[str, Any] = QuoteUploadSchema().load(raw)
    except ma.ValidationError as exc:
        raise ValidationFailed(field_errors(exc.messages)) from exc
    body["document"] = quote_documents.from_file(body.get("document"))
    return body


@blp.get(f"/offers/{_OFFER}/document")
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="Not the caller's company's quote, or sent without a PDF")
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.doc(security=_BEARER, responses={"200": {
    "description": "The PDF, as an attachment.",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
def offer_document(attempt_id: int) -> ResponseReturnValue:
    """The written quote the caller's company sent with its quote (404 if none)."""
    document = quote_documents.for_vendor(current_user, attempt_id)
    response = private_attachment(document.content, document.filename, "application/pdf")
    db.session.commit()
    return response


@blp.post(f"/orders/{_ID}/redispatch")
@blp.response(200, OrderOutSchema)
@_offer_responses
def redispatch_order(order_id: int) -> ResponseReturnValue:
    """Start a new round of vendor attempts for an escalated order (staff)."""
    order = assignment.redispatch(current_user, order_id)
    db.session.commit()
    return order_data(order)
