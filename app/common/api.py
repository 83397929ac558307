"""Schema pieces every domain's API shares: the problem document and whole numbers.

The API object and the registration of the domains' blueprints are in :mod:`app.api`.

- The OpenAPI document is generated from the code at ``/api/v1/openapi.json``; a Swagger UI
  served from ``app/static/vendor/swagger-ui`` (no CDN) browses it at ``/api/v1/docs``.
- Errors under ``/api/`` are ``application/problem+json`` (RFC 9457), rendered by the
  handlers of :mod:`app.common.errors` for the whole app: flask-smorest's own JSON error
  handler is not installed, so the HTML site keeps its HTML error pages. Validation failures
  (webargs/marshmallow 422s and the services' ``ValidationFailed``) carry a per-field
  ``errors`` object: ``{"per_page": ["Enter a number between 1 and 100."]}``.
- API blueprints are exempt from CSRF: clients authenticate with bearer tokens and the API
  reads no form (the session cookie is SameSite=Lax besides).
"""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields

API_PREFIX = "/api/v1"
PROBLEM_JSON = "application/problem+json"
INT32_MAX = 2**31 - 1
_ASCII_WHOLE = re.compile(r"\s*[+-]?[0-9]{1,40}\s*", re.ASCII)


# --- Shared schema pieces -----------------------------------------------------------------

class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, as every error under /api/ is answered."""

    type = fields.String(required=True, metadata={"description": "Always `about:blank`."})
    title = fields.String(required=True, metadata={"description": "Short summary."})
    status = fields.Integer(required=True, metadata={"description": "The HTTP status."})
    detail = fields.String(metadata={"description": "Explanation for this occurrence."})
    errors = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()),
        metadata={"description": "On validation failures (422): messages per field or "
                                 "query parameter, in the reader's language."})


class Int(fields.Integer):
    """An integer whose type error is a sentence in the reader's language.

    Text must be ASCII digits (``int()`` would read ``"٣٣"`` as 33) and a number must be
    whole (marshmallow would truncate 2.5 to 2).
    """

    def _validated(self, value: Any) -> Any:
        if isinstance(value, str) and not _ASCII_WHOLE.fullmatch(value):
            raise self.make_error("invalid")
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        return super()._validated(value)

    def make_error(self, key: str, **kwargs: Any) -> ValidationError:
        if key in ("invalid", "too_large"):
            return ValidationError(str(_l("Enter a whole number.")))
        return super().make_error(key, **kwargs)
