"""The personal data rights in the JSON API: one's own data, and an erasure request."""

from __future__ import annotations

import marshmallow as ma
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields

from app.common.api import PROBLEM_JSON, ProblemSchema
from app.extensions import db
from app.legal import erasure
from app.legal.export import personal_data

blp = Blueprint("legal_api", __name__, url_prefix="/api/v1",
                description="Personal data rights of the account behind a bearer token.")
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
_UNAUTHORISED = {"schema": ProblemSchema, "content_type": PROBLEM_JSON,
                 "description": "No valid bearer token (with `WWW-Authenticate: Bearer`)"}


SECTIONS = ("invoicing_contact_of", "orders_created", "orders_acted_on", "approvals",
            "audit_events", "offers_answered", "deliveries", "invoices_registered",
            "notifications", "emails", "api_tokens", "login_sessions", "one_time_tokens",
            "account_changes", "erasure_requests")

PersonalDataSchema = ma.Schema.from_dict({
    "format_version": fields.Integer(required=True),
    "generated_at": fields.String(required=True),
    "account": fields.Dict(required=True),
    **{name: fields.List(fields.Dict(), required=True) for name in SECTIONS},
}, name="PersonalDataSchema")


class ErasureRequestSchema(ma.Schema):
    id = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"description": "pending, approved or "
                                                                  "refused."})
    created_at = fields.DateTime(required=True)


@blp.get("/me/data")
@blp.response(200, PersonalDataSchema)
@blp.alt_response(401, **_UNAUTHORISED)
@blp.doc(security=BEARER)
def my_data() -> ResponseReturnValue:
    """Everything the platform holds about the token's account (as the web page's download):
    the account, its orders, audit events, notifications, e-mails, tokens without secrets and
    login sessions. Only reads."""
    return personal_data(current_user)


@blp.post("/me/erasure-request")
@blp.response(202, ErasureRequestSchema)
@blp.alt_response(401, **_UNAUTHORISED)
@blp.alt_response(409, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="The account was already erased")
@blp.doc(security=BEARER)
def request_erasure() -> ResponseReturnValue:
    """Ask for the account's personal data to be erased; staff handle the request (a pending
    request is answered again rather than duplicated)."""
    request = erasure.request_erasure(current_user)
    db.session.commit()
    return {"id": request.id, "state": request.state.value, "created_at": request.created_at}
