"""Domain errors raised by services, and the web layer's translation of them.

Services raise these instead of calling ``abort()`` so a worker or the CLI can call the
same function. Views let them propagate: the handlers below turn them into 404/403/409
pages (or problem+json under ``/api/``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, message: str = "", **details: Any) -> None:
        super().__init__(message or self.title)
        self.message = message or self.title
        self.details = details


class NotFound(DomainError):
    """Missing, or not visible to the acting user: both answer the same 404."""

    status = 404
    title = "Not found"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class Conflict(DomainError):
    """The move is not allowed in the object's current state.

    ``commit``: finding that out changed something that must stay (a stale offer withdrawn
    on the way); the web layer commits instead of rolling back."""

    status = 409
    title = "Conflict"

    def __init__(self, message: str = "", *, commit: bool = False, **details: Any) -> None:
        super().__init__(message, **details)
        self.commit = commit


class ValidationFailed(DomainError):
    status = 422
    title = "Validation failed"

    def __init__(self, errors: dict[str, list[str]], message: str = "") -> None:
        super().__init__(message or "Validation failed", errors=errors)
        self.errors = errors


def _wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str = "", **extra: Any) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


_LOCATIONS = {"query", "querystring", "json", "form", "json_or_form", "headers", "cookies",
              "files", "view_args", "path"}


def field_errors(messages: Any) -> dict[str, list[str]]:
    """webargs/marshmallow messages as one flat ``{field: [message, ...]}`` object.

    webargs keys them by location first (``{"query": {"page": [...]}}``): that level goes,
    since a name is unique across an operation's parameters. Nested fields are joined with
    dots (``lines.0.quantity``); errors about the whole body stay under ``_schema``.
    """
    flat: dict[str, list[str]] = {}

    def walk(value: Any, path: list[str]) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(sub, [*path, str(key)])
        elif isinstance(value, list | tuple):
            for entry in value:
                if isinstance(entry, dict | list | tuple):
                    walk(entry, path)
                else:
                    flat.setdefault(".".join(path) or "_schema", []).append(str(entry))
        else:
            flat.setdefault(".".join(path) or "_schema", []).append(str(value))

    if isinstance(messages, dict) and messages and set(messages) <= _LOCATIONS:
        for by_location in messages.values():
            walk(by_location, [])
    else:
        walk(messages, [])
    return flat


def _http_problem(exc: HTTPException, status: int) -> Response:
    """problem+json for an HTTP error under /api/, with webargs' field errors if any."""
    data = getattr(exc, "data", None) or {}
    if isinstance(data, dict) and "messages" in data:
        response = problem(status, ValidationFailed.title,
                           _("Some fields are not valid."),
                           errors=field_errors(data["messages"]))
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        return response
    detail = exc.description or ""
    if detail == type(exc).description and status in _titles():
        # Werkzeug's own wording is English and names no remedy: ours, in the reader's language
        detail = _titles()[status][1]
    return problem(status, exc.name, detail)


def _page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("error.html", status=status, title=title, message=message), status


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Access denied"), _("You do not have permission to do this.")),
        404: (_("Page not found"), _("This page does not exist or is not available to you.")),
        405: (_("Method not allowed"), _("This action is not available here.")),
        409: (_("This action is not possible now"),
              _("The item has changed state in the meantime. Reload the page and try again.")),
        413: (_("Request too large"),
              _("What you sent is too large. Go back and send a smaller file.")),
        422: (_("Invalid data"), _("Some fields are not valid.")),
        429: (_("Too many attempts"),
              _("Too many attempts in a short time. Wait a minute and try again.")),
        500: (_("Something went wrong"),
              _("An unexpected error happened. Nothing was saved. Please try again later.")),
        503: (_("Service temporarily unavailable"),
              _("The service is temporarily unavailable. Nothing was saved. Please try again "
                "in a few minutes.")),
    }


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Any:
        from app.extensions import db

        if isinstance(exc, Conflict) and exc.commit:
            db.session.commit()
        else:
            db.session.rollback()
        if _wants_problem_json():
            if isinstance(exc, ValidationFailed):
                detail = (_titles()[422][1] if exc.message == "Validation failed"
                          else exc.message)
                return problem(exc.status, exc.title, detail, errors=exc.errors)
            return problem(exc.status, exc.title, exc.message)
        title, default = _titles().get(exc.status, (exc.title, exc.message))
        message = exc.message if exc.status in (409, 422) and exc.message != exc.title else default
        return _page(exc.status, title, message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> Any:
        if _wants_problem_json():
            return problem(400, "CSRF check failed", exc.description)
        return _page(400, _("The form has expired"),
                     _("For your security the form expired or was sent from another site. "
                       "Go back, reload the page and send it again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        if _wants_problem_json():
            response = _http_problem(exc, status)
        else:
            title, message = _titles().get(status, (exc.name, exc.description or ""))
            response = app.make_response(_page(status, title, message))
        for name, value in exc.get_headers():
            if name.lower() == "allow":  # a 405 names the methods that would work
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        from app.extensions import db

        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if _wants_problem_json():
            return problem(500, "Internal Server Error")
        title, message = _titles()[500]
        return _page(500, title, message)
