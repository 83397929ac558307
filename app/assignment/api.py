"""The offers part of the orders API (bearer tokens only): a vendor company's offers and
invitations, its answers and its quote documents, and staff redispatching an order.

The routes are on the orders API blueprint (``orders_api``), so their endpoint names, URLs
and place in the OpenAPI document stay the order API's; importing this module adds them,
before ``app.api`` registers that blueprint.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import fields
from marshmallow.validate import OneOf, Range
from werkzeug.datastructures import FileStorage

from app.assignment import quote_documents
from app.assignment.attempt_reads import attempts_page, get_attempt
from app.assignment.models import AttemptKind, AttemptState, QuoteDocument, VendorAttempt
from app.assignment.services import answers, dispatch
from app.common.api import INT32_MAX, PROBLEM_JSON, Int, ProblemSchema
from app.common.downloads import private_attachment
from app.common.errors import ValidationFailed, field_errors
from app.extensions import db
from app.orders.api import blp
from app.orders.api.schemas import (
    BEARER,
    ID,
    REQUIRED,
    OrderOutSchema,
    ReasonSchema,
    Strict,
    StrictInt,
    text_field,
)
from app.orders.models import Order


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


class AcceptSchema(Strict):
    conflict_of_interest = fields.Boolean(
        required=True, error_messages={**REQUIRED, "invalid": _l("Enter true or false.")},
        metadata={"description": "true declares a conflict of interest, which counts as "
                                 "declining the offer."})


_PRICE_RANGE = Range(1, 10**11, error=_l("Enter a price between 0.01 and 1 000 000 000."))


class _QuoteAnswer(Strict):
    """What a quote carries besides its price, in either body."""

    note = text_field(5000, load_default="")
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
    return blp.doc(security=BEARER)(view)


class OfferQuerySchema(ma.Schema):
    page = Int(load_default=1, validate=Range(
        1, 100_000, error=_l("Enter a page number between 1 and 100 000.")))
    per_page = Int(load_default=100, validate=Range(
        1, 100, error=_l("Enter a number between 1 and 100.")))


@blp.get("/offers")
@blp.arguments(OfferQuerySchema, location="query", as_kwargs=True)
@blp.response(200, OfferSchema(many=True), headers={
    "X-Total-Count": {"description": "How many offers and invitations in all.",
                      "schema": {"type": "integer"}},
    "Link": {"description": "`rel=\"next\"` (and `prev`) pages, when there are more.",
             "schema": {"type": "string"}}})
@_offer_responses
def list_offers(page: int, per_page: int) -> ResponseReturnValue:
    """The caller's company's offers and invitations, newest first (vendor users), 100 a
    page: `X-Total-Count` says how many in all and `Link` gives the next page."""
    found = attempts_page(current_user, page, per_page)
    documents = quote_documents.documents_for([a.id for a in found.items])
    links = [f'<{url_for("orders_api.list_offers", page=n, per_page=per_page, _external=True)}>'
             f'; rel="{rel}"' for n, rel in ((page + 1, "next"), (page - 1, "prev"))
             if 1 <= n <= found.pages]
    headers = {"X-Total-Count": str(found.total), **({"Link": ", ".join(links)} if links else {})}
    return [offer_data(a, documents.get(a.id)) for a in found.items], 200, headers


@blp.post(f"/offers/{_OFFER}/accept")
@blp.arguments(AcceptSchema)
@blp.response(200, OrderOutSchema)
@_offer_responses
def accept_offer(body: dict[str, Any], attempt_id: int) -> Order:
    """Accept an offer (409 once it is answered, withdrawn or past its deadline)."""
    order = answers.accept(current_user, attempt_id, body["conflict_of_interest"])
    db.session.commit()
    return order


@blp.post(f"/offers/{_OFFER}/decline")
@blp.arguments(ReasonSchema)
@blp.response(200, OfferSchema)
@_offer_responses
def decline_offer(body: dict[str, Any], attempt_id: int) -> ResponseReturnValue:
    """Decline an offer or an invitation, with a reason."""
    answers.decline(current_user, attempt_id, body.get("reason", ""))
    db.session.commit()
    return _offer_with_document(get_attempt(current_user, attempt_id))


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
    answers.quote(current_user, attempt_id, body.get("price_cents") or 0,
                     body.get("note", ""), body.get("document"),
                     conflict_of_interest=body["conflict_of_interest"])
    db.session.commit()
    return _offer_with_document(get_attempt(current_user, attempt_id))


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
@blp.doc(security=BEARER, responses={"200": {
    "description": "The PDF, as an attachment.",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
def offer_document(attempt_id: int) -> ResponseReturnValue:
    """The written quote the caller's company sent with its quote (404 if none)."""
    document = quote_documents.for_vendor(current_user, attempt_id)
    response = private_attachment(document.content, document.filename, "application/pdf")
    return response


@blp.post(f"/orders/{ID}/redispatch")
@blp.response(200, OrderOutSchema)
@_offer_responses
def redispatch_order(order_id: int) -> Order:
    """Start a new round of vendor attempts for an escalated order (staff)."""
    order = dispatch.redispatch(current_user, order_id)
    db.session.commit()
    return order
