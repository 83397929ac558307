"""The directory part of the JSON API: the public directory of contracted vendors.

Only what the public directory shows: never contact e-mails, enterprise numbers or
suspended/terminated memberships. Three SQL queries whatever the number of vendors.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import fields

from app.catalogue.services import memberships as membership_services
from app.common.i18n import reader_language
from app.vendors.models import Vendor

blp = Blueprint("vendors_api", __name__, url_prefix="/api/v1",
                description="Contracted vendors and their ranks in the lots.")


class VendorLotSchema(ma.Schema):
    lot_id = fields.Integer(required=True)
    number = fields.Integer(required=True, metadata={"description": "The lot's number."})
    rank = fields.Integer(required=True, metadata={"description": "1 = first in the cascade."})


class VendorSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    service_languages = fields.List(fields.String(), required=True,
                                    metadata={"description": "fr, nl and/or en."})
    presentation = fields.String(required=True,
                                 metadata={"description": "In the reader's language."})
    lots = fields.List(fields.Nested(VendorLotSchema), required=True,
                       metadata={"description": "Active memberships, by lot number."})


def presentation(vendor: Vendor, language: str) -> str:
    return str(getattr(vendor, f"presentation_{language}", "") or vendor.presentation_fr)


@blp.get("/vendors")
@blp.response(200, VendorSchema(many=True))
def list_vendors() -> list[dict[str, Any]]:
    """Active vendors with at least one active lot membership, by name."""
    language = reader_language()
    vendors = membership_services.public_vendors()
    memberships = membership_services.memberships_by_vendor([v.id for v in vendors])
    return [{
        "id": vendor.id,
        "name": vendor.name,
        "service_languages": [code.strip() for code in vendor.service_languages.split(",")
                              if code.strip()],
        "presentation": presentation(vendor, language),
        "lots": [{"lot_id": m.lot_id, "number": m.lot.number, "rank": m.rank}
                 for m in memberships.get(vendor.id, [])],
    } for vendor in vendors]
