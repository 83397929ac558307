"""Helpers every unit test module may use (the fixtures are in conftest.py)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event

from app.extensions import db


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production.

    The test body runs inside one app context (to use ``db.session``); without this, every
    request would share that context's ``g`` and see the previous request's user and locale.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


def page_text(response: Any) -> str:
    """A response's HTML with its entities decoded, to look for sentences in it."""
    return html.unescape(response.get_data(as_text=True))


def csrf_token_from(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """The SQL statements run inside the block (to show a page's queries do not grow with
    its rows)."""
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def bearer(token: str | None, **extra: str) -> dict[str, str]:
    """Request headers carrying an API token (none when ``token`` is empty)."""
    return {"Authorization": f"Bearer {token}", **extra} if token else dict(extra)
