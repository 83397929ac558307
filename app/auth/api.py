"""The account part of the JSON API (bearer tokens)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields

from app.auth import invoicing_details
from app.auth.models import Organisation
from app.common.api import PROBLEM_JSON, ProblemSchema
from app.extensions import db

blp = Blueprint("auth_api", __name__, url_prefix="/api/v1",
                description="The account behind a bearer token.")


class MeSchema(ma.Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True,
                         metadata={"description": "buyer, vendor, staff or admin."})
    language = fields.String(required=True, metadata={"description": "fr, nl or en."})
    organisation_id = fields.Integer(required=True, allow_none=True)
    vendor_id = fields.Integer(required=True, allow_none=True)


@blp.get("/me")
@blp.response(200, MeSchema)
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="No valid bearer token (with `WWW-Authenticate: Bearer`)")
@blp.doc(security=[{"bearerAuth": []}])
def me() -> ResponseReturnValue:
    """The account the bearer token belongs to."""
    return {
        "id": current_user.id,
        "email": current_user.email,
        "role": current_user.role.value,
        "language": current_user.language.value,
        "organisation_id": current_user.organisation_id,
        "vendor_id": current_user.vendor_id,
    }


# --- The buyer's organisation and its invoicing details -------------------------------------

BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]


class OrganisationSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    enterprise_number = fields.String(
        required=True, allow_none=True,
        metadata={"description": "Belgian enterprise number, dotted: 0207.373.429."})
    address = fields.String(required=True)
    invoicing_address = fields.String(
        required=True, allow_none=True,
        metadata={"description": "Where invoices go, when not the address; lines separated "
                                 "by newlines."})
    invoicing_contact_name = fields.String(required=True, allow_none=True)
    invoicing_contact_email = fields.String(required=True, allow_none=True)


def _text(max_length: int, description: str) -> fields.String:
    return fields.String(allow_none=True, error_messages={"invalid": _l("Enter text.")},
                         metadata={"maxLength": max_length, "description": description})


class InvoicingDetailsPatchSchema(ma.Schema):
    """The fields to change, each optional; an empty string or null clears one."""

    error_messages = {"unknown": _l("This field is not accepted."),
                      "type": _l("Send a JSON object.")}

    class Meta:
        unknown = ma.RAISE

    enterprise_number = _text(
        invoicing_details.MAX_LENGTHS["enterprise_number"],
        "Checked with its check digits; `BE0207373429`, spaces and dots are accepted, the "
        "dotted form is stored.")
    invoicing_address = _text(invoicing_details.MAX_LENGTHS["invoicing_address"],
                              "Several lines.")
    invoicing_contact_name = _text(invoicing_details.MAX_LENGTHS["invoicing_contact_name"],
                                   "One line.")
    invoicing_contact_email = _text(invoicing_details.MAX_LENGTHS["invoicing_contact_email"],
                                    "An e-mail address.")


def _organisation(organisation: Organisation) -> dict[str, Any]:
    return {"id": organisation.id, "name": organisation.name,
            "enterprise_number": organisation.enterprise_number,
            "address": organisation.address,
            "invoicing_address": organisation.invoicing_address,
            "invoicing_contact_name": organisation.invoicing_contact_name,
            "invoicing_contact_email": organisation.invoicing_contact_email}


@blp.get("/organisation")
@blp.response(200, OrganisationSchema)
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(403, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="Not a buyer")
@blp.doc(security=BEARER)
def organisation() -> ResponseReturnValue:
    """The caller's organisation (buyers) with its invoicing details."""
    found = invoicing_details.own_organisation(current_user)
    return _organisation(found)


@blp.patch("/organisation")
@blp.arguments(InvoicingDetailsPatchSchema)
@blp.response(200, OrganisationSchema)
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(403, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="Not a buyer")
@blp.alt_response(422, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="Invalid field (`errors` names each), or no field sent")
@blp.doc(security=BEARER)
def edit_organisation(body: dict[str, Any]) -> ResponseReturnValue:
    """Change the invoicing details of the caller's organisation (buyers): fields not sent
    keep their value; nothing is changed when a field is refused."""
    found = invoicing_details.own_organisation(current_user)
    invoicing_details.update_invoicing_details(current_user, found.id, body)
    db.session.commit()
    return _organisation(found)
