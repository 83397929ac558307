"""The account part of the JSON API (bearer tokens)."""

from __future__ import annotations

import marshmallow as ma
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields

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
    db.session.commit()  # records the token's last use
    return {
        "id": current_user.id,
        "email": current_user.email,
        "role": current_user.role.value,
        "language": current_user.language.value,
        "organisation_id": current_user.organisation_id,
        "vendor_id": current_user.vendor_id,
    }
