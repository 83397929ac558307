"""One authentication guard for the whole JSON API, and private answers never cached.

Every endpoint under ``/api/`` needs ``Authorization: Bearer <token>`` except those of the
public blueprints (the catalogue, the vendor directory, the communes, the OpenAPI document
and its docs page). The guard runs before the view, so before any body or query is parsed:
an anonymous caller gets the 401 problem with ``WWW-Authenticate: Bearer``, never a 422
about the body it sent.

Answers to an authenticated caller, and every error under ``/api/``, carry
``Cache-Control: no-store``; public answers to anonymous callers may be cached.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_babel import gettext as _
from flask_login import current_user

from app.common.errors import problem

API_PATH = "/api/"
PUBLIC_BLUEPRINTS: set[str] = {"api-docs", "api_docs_ui", "catalogue_api", "vendors_api",
                               "communes_api"}


def unauthorized() -> Response:
    response = problem(401, "Unauthorized", _("Send Authorization: Bearer <token>."))
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


def needs_token() -> bool:
    """Whether the current request is for an API endpoint reserved to token holders."""
    return (request.path.startswith(API_PATH) and request.endpoint is not None
            and request.blueprint not in PUBLIC_BLUEPRINTS and request.method != "OPTIONS")


def register_api_guard(app: Flask) -> None:
    def require_bearer_token() -> Response | None:
        # Unknown paths and wrong methods have no endpoint: their 404/405 come as usual.
        if needs_token() and not current_user.is_authenticated:
            return unauthorized()
        return None

    # First of all hooks, before even the request guard reads the body: an anonymous caller
    # learns nothing about what it sent, only that it must authenticate.
    app.before_request_funcs.setdefault(None, []).insert(0, require_bearer_token)

    @app.after_request
    def private_answers_are_not_stored(response: Response) -> Response:
        if not request.path.startswith(API_PATH):
            return response
        if response.status_code >= 400 or current_user.is_authenticated:
            if "no-store" not in response.headers.get("Cache-Control", ""):
                response.headers["Cache-Control"] = "no-store"
        elif is_public_read(response):
            revalidated(response)
        return response


def is_public_read(response: Response) -> bool:
    return (request.method in ("GET", "HEAD") and response.status_code == 200
            and request.blueprint in PUBLIC_BLUEPRINTS and not response.is_streamed)


def revalidated(response: Response) -> Response:
    """A public answer carries a strong ``ETag`` of its body; a client sending it back in
    ``If-None-Match`` gets ``304 Not Modified`` with no body. Caches keep it but ask again
    each time (``no-cache``): a catalogue change shows at once. The answer depends on the
    language asked for."""
    response.add_etag()
    response.headers["Cache-Control"] = "public, no-cache"
    response.vary.add("Accept-Language")
    response.make_conditional(request)
    return response
