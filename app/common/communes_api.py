"""The communes part of the JSON API: the list, and the ``commune`` field orders take."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from marshmallow import fields

from app.common.communes import commune_entries

blp = Blueprint("communes_api", __name__, url_prefix="/api/v1",
                description="The 19 communes of the Brussels-Capital Region.")

_COMMUNE_ERROR = _l("Choose a commune of the Brussels-Capital Region.")


class CommuneField(fields.Field):
    """A commune as sent: its code, NIS code (text or number) or French or Dutch name. The
    service resolves it (app.common.communes.resolve_commune) and stores the code."""

    default_error_messages = {"required": _l("This field is required."),
                              "null": _l("This field is required."),
                              "invalid": _COMMUNE_ERROR}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(metadata={
            "type": ["string", "integer"], "maxLength": 60, "examples": ["ixelles", "21009",
                                                                         "Elsene"],
            "description": "The commune's code, NIS code (`21009` for Ixelles) or French or "
                           "Dutch name, in any case, accents optional; `region` (NIS "
                           "`04000`) for the whole Region. Answered as the code, with "
                           "`commune_names` beside it. See `GET /api/v1/communes`."}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.make_error("invalid")
        if isinstance(value, str) and len(value) > 60:
            raise self.make_error("invalid")
        return value


class CommuneNamesSchema(ma.Schema):
    fr = fields.String(required=True)
    nl = fields.String(required=True)


class CommuneSchema(ma.Schema):
    code = fields.String(required=True, metadata={"description": "What orders store."})
    nis_code = fields.String(required=True, metadata={
        "description": "Statbel's REFNIS code (`21009`); `04000` for the Region."})
    name_fr = fields.String(required=True)
    name_nl = fields.String(required=True)


@blp.get("/communes")
@blp.response(200, CommuneSchema(many=True))
def list_communes() -> list[dict[str, str]]:
    """The 19 communes, then `region` (the whole Region), with their NIS codes and names."""
    return commune_entries()
