"""The account part of the JSON API (bearer tokens)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.common.errors import problem
from app.extensions import db

bp = Blueprint("auth_api", __name__, url_prefix="/api/v1")


@bp.get("/me")
def me() -> ResponseReturnValue:
    if not current_user.is_authenticated:
        response = problem(401, "Unauthorized", "Send Authorization: Bearer <token>.")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    db.session.commit()  # records the token's last use
    return jsonify({
        "id": current_user.id,
        "email": current_user.email,
        "role": current_user.role.value,
        "language": current_user.language.value,
        "organisation_id": current_user.organisation_id,
        "vendor_id": current_user.vendor_id,
    })
