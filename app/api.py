"""The JSON API under /api/v1: the API object and the registration of every domain's blueprint.

- The OpenAPI document is generated from the code at ``/api/v1/openapi.json``; a Swagger UI
  served from ``app/static/vendor/swagger-ui`` (no CDN) browses it at ``/api/v1/docs``.
- Errors under ``/api/`` are ``application/problem+json`` (RFC 9457), rendered by the
  handlers of :mod:`app.common.errors` for the whole app: flask-smorest's own JSON error
  handler is not installed, so the HTML site keeps its HTML error pages.
- API blueprints are exempt from CSRF: clients authenticate with bearer tokens and the API
  reads no form (the session cookie is SameSite=Lax besides).

This module sits above every domain (DESIGN §7): it is the one place that knows them all.
"""

from __future__ import annotations

import http
from typing import Any

from flask import Blueprint, Flask, current_app, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import fields

from app.common.api import API_PREFIX, PROBLEM_JSON, ProblemSchema
from app.common.i18n import reader_language

# --- The Api ------------------------------------------------------------------------------

class ProcureApi(Api):
    """flask-smorest's Api with problem+json error responses in the document and no error
    handler of its own (app.common.errors answers for the whole app)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        return None

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not 100 <= status < 200 and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error (problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


API_DESCRIPTION = """\
Public catalogue of the Brussels participation procurement centre: framework lots, priced
items and contracted vendors.

* Texts (titles, descriptions, presentations) come in the reader's language: the account's
  language for a bearer token, otherwise `Accept-Language` (fr, nl or en; French by default).
* Money is in integer euro cents. `vat_rate` is a percentage (21 means 21 %); `vat_rate_bp`
  is the same rate in basis points (2100).
* Errors are `application/problem+json` (RFC 9457). Validation failures answer 422 with an
  `errors` object naming each invalid field or query parameter. Unknown query parameters
  are ignored.
* Text may not contain NUL characters (U+0000) or lone UTF-16 surrogates, JSON bodies may
  nest at most 64 levels and numbers have at most 40 characters: such requests are refused
  (422 naming the field, or 400) before anything is read or stored.
* Authenticated resources take `Authorization: Bearer <token>` (`flask tokens create`).
"""


def _configure(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Participation procurement centre API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    # No smorest-served UI: its templates load scripts from a CDN and run inline scripts.
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": API_DESCRIPTION},
        "components": {"securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer",
                           "description": "A token from `flask tokens create --email E` "
                                          "or the account settings page."}}},
    })


# --- Docs page (Swagger UI, vendored) -----------------------------------------------------

docs_bp = Blueprint("api_docs_ui", __name__, url_prefix=API_PREFIX)


@docs_bp.get("/docs")
def docs() -> ResponseReturnValue:
    """Swagger UI from app/static/vendor/swagger-ui, initialised by app/static/api/docs.js.

    It runs under the site's strict CSP (script-src 'self', style-src 'self'): the
    initialiser is a static file and Swagger UI sets its styles through the DOM.
    """
    return render_template("api/docs.html", title=current_app.config["API_TITLE"],
                           spec_url=url_for("api-docs.openapi_json"),
                           language=reader_language())


NO_NUL_PATTERN = "^[^\\x00]*$"


def _text_without_nul(self: Any, field: fields.Field, ret: dict[str, Any],
                      **kwargs: Any) -> dict[str, Any]:
    """OpenAPI attribute function: free text states that it cannot hold a NUL character.

    The request guard (app.common.request_guard) refuses NUL everywhere, since PostgreSQL
    cannot store it; the document says so, so clients (and schemathesis) know.
    """
    if (isinstance(field, fields.String) and ret.get("type") in ("string", ["string", "null"])
            and not {"pattern", "enum", "format"} & set(ret)):
        return {"pattern": NO_NUL_PATTERN}
    return {}


def register_api(app: Flask) -> None:
    from app.assignment import api as _offers  # noqa: F401  (its routes, on orders_api_blp)
    from app.auth.api import blp as auth_api_blp
    from app.catalogue.api import blp as catalogue_api_blp
    from app.catalogue.directory.api import blp as vendors_api_blp
    from app.common.api_auth import register_api_guard
    from app.common.communes_api import blp as communes_api_blp
    from app.execution import api as _deliveries  # noqa: F401  (its routes, on orders_api_blp)
    from app.extensions import csrf
    from app.invoicing.api import blp as invoices_api_blp  # and its routes on orders_api_blp
    from app.legal.api import blp as legal_api_blp
    from app.orders.api import blp as orders_api_blp

    _configure(app)
    api = ProcureApi(app)
    api.ma_plugin.converter.add_attribute_function(_text_without_nul)
    for blueprint in (catalogue_api_blp, vendors_api_blp, communes_api_blp, auth_api_blp,
                      orders_api_blp, invoices_api_blp, legal_api_blp):
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # bearer tokens only, never cookies: no CSRF exposure
    app.register_blueprint(docs_bp)
    register_api_guard(app)
    app.extensions["procure_api"] = api
