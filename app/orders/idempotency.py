"""``Idempotency-Key`` for the API's writes (``POST`` and ``PATCH /orders``): per user, the
same key with the same request answers the first response again; with another request 422.

Web layer: ``write_once`` commits (views own the commit). The request is fingerprinted with
its method and path, so a key used to create an order is not replayed for an edit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.common.errors import ValidationFailed
from app.common.time import utcnow
from app.extensions import db
from app.orders.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
PARAMETER: dict[str, Any] = {
    "name": HEADER, "in": "header", "required": False,
    "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
    "description": "Retry safely: the same key and request give the same answer."}


def _fingerprint() -> str:
    # A JSON body as parsed (key order and spacing do not matter); any other body (a UBL
    # invoice) by the digest of its bytes.
    body: Any = (request.get_json(silent=True) if request.is_json
                 else hashlib.sha256(request.get_data(cache=True)).hexdigest())
    raw = {"method": request.method, "path": request.path, "body": body}
    return hashlib.sha256(json.dumps(raw, sort_keys=True, separators=(",", ":"))
                          .encode()).hexdigest()


def _replay(key: str, fingerprint: str) -> Response | None:
    row = db.session.execute(select(IdempotencyKey).where(
        IdempotencyKey.user_id == current_user.id, IdempotencyKey.key == key)
    ).scalar_one_or_none()
    if row is None:
        return None
    if row.request_hash != fingerprint:
        raise ValidationFailed({HEADER: [str(_l(
            "This key was already used with a different request."))]})
    return _answer(row.response, row.status_code)


def _answer(data: dict[str, Any], status: int) -> Response:
    # Already serialised by the response schema: sent as it is.
    response = jsonify(data)
    response.status_code = status
    return response


def write_once(status: int, perform: Callable[[], dict[str, Any]]) -> Response:
    """Run ``perform`` (the write; it returns the serialised answer) and commit, unless the
    caller's key already answered this request: then that answer again."""
    key = request.headers.get(HEADER, "").strip()
    fingerprint = _fingerprint()
    if key:
        if len(key) > MAX_KEY_LENGTH:
            raise ValidationFailed({HEADER: [str(_l("Use at most %(n)s characters.",
                                                    n=MAX_KEY_LENGTH))]})
        replay = _replay(key, fingerprint)
        if replay is not None:
            return replay
    data = perform()
    if key:
        db.session.add(IdempotencyKey(user_id=current_user.id, key=key,
                                      request_hash=fingerprint, status_code=status,
                                      response=data, created_at=utcnow()))
    try:
        db.session.commit()
    except IntegrityError:
        # The same key committed meanwhile by a concurrent request: answer as it did.
        db.session.rollback()
        replay = _replay(key, fingerprint) if key else None
        if replay is None:
            raise
        return replay
    return _answer(data, status)
