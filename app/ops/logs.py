"""Logs: one JSON object per line in production, readable lines in development, and the
request id, user id and order id on every line where they are known.

The request id is the caller's ``X-Request-ID`` (when it is a short token) or a new one; it is
returned on every answer and travels into the Celery tasks the request queues, as a message
header (``before_task_publish``), to be set again in the worker (``task_prerun``). Only ids are
logged, never names or e-mail addresses. Each request also writes one ``event: request`` line
(method, endpoint, status, duration) to the ``procure.access`` logger.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
CONTEXT: dict[str, ContextVar[Any]] = {
    name: ContextVar(name, default=None) for name in ("request_id", "user_id", "order_id")}
access_log = logging.getLogger("procure.access")
_ENVIRON_KEY = "procure.log_context"


class ContextFilter(logging.Filter):
    """Puts the ids of the current request or task on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in CONTEXT.items():
            if getattr(record, name, None) is None:
                setattr(record, name, var.get())
        return True


class TextFormatter(logging.Formatter):
    """``time LEVEL [request=… user=…] logger: message`` (the ids before the logger's name, so
    a line still ends with its message)."""

    def format(self, record: logging.LogRecord) -> str:
        ids = " ".join(f"{name.removesuffix('_id')}={getattr(record, name)}"
                       for name in CONTEXT if getattr(record, name, None) is not None)
        record.ids = f" [{ids}]" if ids else ""
        return super().format(record)


def formatter(kind: str) -> logging.Formatter:
    if kind == "json":
        return JsonFormatter(["levelname", "name", "message"], timestamp="time",
                             rename_fields={"levelname": "level", "name": "logger"})
    return TextFormatter("%(asctime)s %(levelname)s%(ids)s %(name)s: %(message)s")


def configure_logging(level: str, kind: str) -> None:
    """One handler on the root logger (stderr), once per process, in ``kind`` ("json"/"text")."""
    root = logging.getLogger()
    root.setLevel(level)
    handler = next((h for h in root.handlers if getattr(h, "procure", False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.procure = True  # type: ignore[attr-defined]
        handler.addFilter(ContextFilter())
        root.addHandler(handler)
    handler.setFormatter(formatter(kind))
    access_log.setLevel(logging.INFO)


def _started() -> None:
    wanted = request.headers.get(HEADER, "")
    request_id = wanted if _VALID_ID.match(wanted) else uuid.uuid4().hex
    # Kept on this request's environ, not on g: a request context pushed inside a view (to
    # render an e-mail's links) shares g, and its teardown must not reset this request's ids.
    tokens = [CONTEXT["request_id"].set(request_id)]
    order_id = (request.view_args or {}).get("order_id")
    if order_id is not None:
        tokens.append(CONTEXT["order_id"].set(order_id))
    request.environ[_ENVIRON_KEY] = (request_id, tokens, time.perf_counter())


def _user_id() -> int | None:
    """The logged-in user's id if Flask-Login loaded it for this request (never a query)."""
    user = g.get("_login_user")
    return getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None


def _answered(response: Response) -> Response:
    kept = request.environ.get(_ENVIRON_KEY)
    if kept is None:
        return response
    request_id, _tokens, started = kept
    response.headers[HEADER] = request_id
    if access_log.isEnabledFor(logging.INFO):
        took = time.perf_counter() - started
        access_log.info("%s %s %s", request.method, request.endpoint or "unmatched",
                        response.status_code, extra={
                            "event": "request", "method": request.method,
                            "endpoint": request.endpoint, "status": response.status_code,
                            "duration_ms": round(took * 1000, 2), "user_id": _user_id()})
    return response


def _finished(_exc: BaseException | None) -> None:
    kept = request.environ.pop(_ENVIRON_KEY, None)
    for token in reversed(kept[1] if kept else []):
        token.var.reset(token)


def _publish(headers: dict[str, Any] | None = None, **_kwargs: Any) -> None:
    """Web (or task) → the task it queues: the ids travel as message headers."""
    if headers is None:
        return
    request_id = CONTEXT["request_id"].get()
    if request_id is not None:
        headers.setdefault("request_id", request_id)
    user_id = _user_id() if has_request_context() else None
    if user_id is not None:
        headers.setdefault("user_id", user_id)


def _task_starts(task: Any = None, **_kwargs: Any) -> None:
    context = getattr(task, "request", None)
    CONTEXT["request_id"].set(getattr(context, "request_id", None)
                              or getattr(context, "id", None))
    CONTEXT["user_id"].set(getattr(context, "user_id", None))


def _task_ends(**_kwargs: Any) -> None:
    for var in CONTEXT.values():
        var.set(None)


def register(app: Flask) -> None:
    # First of all hooks: even an answer refused early carries its request id.
    app.before_request_funcs.setdefault(None, []).insert(0, _started)
    app.after_request(_answered)
    app.teardown_request(_finished)
    before_task_publish.connect(_publish, weak=False, dispatch_uid="procure-request-id")
    task_prerun.connect(_task_starts, weak=False, dispatch_uid="procure-request-id")
    task_postrun.connect(_task_ends, weak=False, dispatch_uid="procure-request-id")
