"""The delivery part of the orders API (bearer tokens only): the assigned vendor marks an
order delivered, the buyer confirms receipt or contests it; the delivery documents.

The routes are on the orders API blueprint (``orders_api``), so their URLs and place in the
OpenAPI document are the order API's (DESIGN §6); importing this module adds them, before
``app.api`` registers that blueprint.
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
from werkzeug.datastructures import FileStorage

from app.common.api import INT32_MAX, PROBLEM_JSON, ProblemSchema
from app.common.downloads import private_attachment
from app.common.errors import ValidationFailed, field_errors
from app.execution import documents, order_forms, services
from app.execution.models import Delivery, DeliveryOutcome
from app.extensions import db
from app.orders import services as orders
from app.orders.api import blp
from app.orders.api.schemas import BEARER, ID, OrderOutSchema, ReasonSchema, Strict, text_field
from app.orders.models import Order

_MULTIPART = "multipart/form-data"


class DeliverSchema(Strict):
    note = text_field(services.NOTE_MAX, load_default="", metadata={
        "description": "What was delivered, for the buyer."})


class DocumentUpload(Upload):
    """A file part of a multipart body (a plain text part of that name is refused)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, FileStorage):
            raise ma.ValidationError(str(_l("Send the documents as files.")))
        return value


class DeliverUploadSchema(DeliverSchema):
    documents: fields.List = fields.List(DocumentUpload(), load_default=list, metadata={
        "description": "Optional files (repeat the part): PDF, OpenDocument or Office Open "
                       "XML files, PNG or JPEG images, at most `DELIVERY_MAX_FILES` (10) and "
                       "`DELIVERY_FILES_MAX_BYTES` (5 MB) together; the type is read from "
                       "the content and must match the name's extension."})


class DeliveryDocumentSchema(ma.Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    sha256 = fields.String(required=True, metadata={"description": "Of the file's bytes."})
    url = fields.String(required=True, metadata={"description": "Download (bearer token)."})


class DeliverySchema(ma.Schema):
    id = fields.Integer(required=True)
    number = fields.Integer(required=True, metadata={"description": "1, then 2 after a "
                                                                    "contested delivery…"})
    note = fields.String(required=True)
    delivered_at = fields.DateTime(required=True)
    outcome = fields.String(required=True, metadata={
        "description": "`pending`, `confirmed` or `contested`.",
        "enum": [o.value for o in DeliveryOutcome]})
    answered_at = fields.DateTime(required=True, allow_none=True)
    reason = fields.String(required=True, metadata={"description": "Why it was contested."})
    documents = fields.List(fields.Nested(DeliveryDocumentSchema), required=True)


def delivery_data(delivery: Delivery) -> dict[str, Any]:
    return {"id": delivery.id, "number": delivery.number, "note": delivery.note,
            "delivered_at": delivery.delivered_at, "outcome": delivery.outcome.value,
            "answered_at": delivery.answered_at, "reason": delivery.reason,
            "documents": [{"id": d.id, "filename": d.filename, "content_type": d.content_type,
                           "size_bytes": d.size_bytes, "sha256": d.sha256,
                           "url": url_for("orders_api.delivery_document",
                                          order_id=delivery.order_id, document_id=d.id)}
                          for d in delivery.documents]}


def _responses(view: Any) -> Any:
    for status in (422, 409, 404, 403, 401):
        view = blp.alt_response(status, schema=ProblemSchema, content_type=PROBLEM_JSON)(view)
    return blp.doc(security=BEARER)(view)


def _multipart_delivery() -> dict[str, Any]:
    raw: dict[str, Any] = {key: request.form.get(key) for key in request.form}
    if request.files:
        raw["documents"] = request.files.getlist("documents")
        for key in request.files:
            if key != "documents":
                raw[key] = request.files[key]
    try:
        body: dict[str, Any] = DeliverUploadSchema().load(raw)
    except ma.ValidationError as exc:
        raise ValidationFailed(field_errors(exc.messages)) from exc
    body["documents"] = documents.from_files(body.get("documents") or [])
    return body


@blp.post(f"/orders/{ID}/deliver")
@blp.response(200, OrderOutSchema)
@blp.alt_response(413, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="The body is larger than the file limit plus 1 MB")
@_responses
@blp.doc(requestBody={"required": True, "content": {
    "application/json": {"schema": DeliverSchema},
    _MULTIPART: {"schema": DeliverUploadSchema}}})
def deliver_order(order_id: int) -> Order:
    """Mark an assigned order delivered (its assigned vendor), with a note and, in a
    `multipart/form-data` body, documents (the file parts `documents`). A refused file refuses
    the whole delivery (422, `errors.documents`); the buyer is told."""
    if request.mimetype == _MULTIPART:
        body = _multipart_delivery()
    else:
        body = blp.ARGUMENTS_PARSER.parse(DeliverSchema(), request, location="json")
    delivery = services.deliver(current_user, order_id, body.get("note", ""),
                                body.get("documents") or [])
    db.session.commit()
    return delivery.order


@blp.post(f"/orders/{ID}/confirm-receipt")
@blp.response(200, OrderOutSchema)
@_responses
def confirm_receipt_order(order_id: int) -> Order:
    """Confirm receipt of a delivered order (buyers): it is completed."""
    order = services.confirm_receipt(current_user, order_id)
    db.session.commit()
    return order


@blp.post(f"/orders/{ID}/contest-delivery")
@blp.arguments(ReasonSchema)
@blp.response(200, OrderOutSchema)
@_responses
def contest_delivery_order(body: dict[str, Any], order_id: int) -> Order:
    """Contest a delivery with a reason (buyers): the order is back to `assigned` and the
    vendor is told why."""
    order = services.contest_delivery(current_user, order_id, body.get("reason", ""))
    db.session.commit()
    return order


@blp.get(f"/orders/{ID}/deliveries")
@blp.response(200, DeliverySchema(many=True))
@_responses
def order_deliveries(order_id: int) -> ResponseReturnValue:
    """The order's deliveries, newest first, with their documents (buyer, assigned vendor,
    staff)."""
    order = orders.get_order(current_user, order_id)
    data = [delivery_data(d) for d in services.deliveries(current_user, order)]
    return data


_DOCUMENT = f"<int(max={INT32_MAX}):document_id>"


@blp.get(f"/orders/{ID}/deliveries/documents/{_DOCUMENT}")
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.doc(security=BEARER, responses={"200": {
    "description": "The file, as an attachment.",
    "content": {"application/octet-stream": {"schema": {"type": "string",
                                                        "format": "binary"}}}}})
def delivery_document(order_id: int, document_id: int) -> ResponseReturnValue:
    """A document sent with one of the order's deliveries."""
    document = services.document(current_user, order_id, document_id)
    response = private_attachment(document.content, document.filename, document.content_type)
    return response


class LanguageArgs(Strict):
    lang = fields.String(validate=ma.validate.OneOf(["fr", "nl", "en"]), metadata={
        "description": "`fr`, `nl` or `en`; the reader's language when absent."})


def _file_response(media_type: str, description: str) -> Any:
    return blp.doc(security=BEARER, responses={"200": {
        "description": description,
        "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}})


@blp.get(f"/orders/{ID}/order-form.pdf")
@blp.arguments(LanguageArgs, location="query", as_kwargs=True)
@blp.alt_response(422, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@_file_response("application/pdf", "The order form, a tagged PDF (PDF/UA-1).")
def order_form_pdf(order_id: int, lang: str | None = None) -> ResponseReturnValue:
    """The order form (DESIGN §9), frozen at assignment, for the buyer's organisation, the
    assigned vendor and staff (404 for anyone else, and before assignment)."""
    language = order_forms.language_arg(lang)
    data, pdf = order_forms.pdf_for(current_user, order_id, language)
    return private_attachment(pdf, f"{data.reference}-{language}.pdf", "application/pdf")


@blp.get(f"/orders/{ID}/order-form.xml")
@blp.arguments(LanguageArgs, location="query", as_kwargs=True)
@blp.alt_response(422, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(409, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="A party has no valid Belgian enterprise number")
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@_file_response("application/xml", "The order as a UBL 2.1 Order (Peppol BIS Ordering 3, "
                                   "`order_only` profile), from the frozen order form.")
def order_form_ubl(order_id: int, lang: str | None = None) -> ResponseReturnValue:
    """The order for accounting systems that read Peppol orders; `lang` chooses the
    language of the item names and notes."""
    language = order_forms.language_arg(lang)
    data, xml = order_forms.ubl_for(current_user, order_id, language)
    return private_attachment(xml, f"{data.reference}.xml", "application/xml")
