"""Reads write nothing: an API token's last use is recorded at most once a minute, in a
short transaction of its own before the request's work, and the unread count is asked once
per page and never for an e-mail."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, update

from app.auth import services as auth_services
from app.auth.models import ApiToken, Role
from app.common.time import utcnow
from app.extensions import db
from app.orders.models import Order
from tests import factories
from tests.unit.helpers import bearer, count_queries


def _last_used(token_id: int) -> object:
    db.session.expire_all()
    row = db.session.get(ApiToken, token_id)
    assert row is not None
    return row.last_used_at


def test_a_token_s_use_is_recorded_once_a_minute_outside_the_reads(app: Flask,
                                                                   client: FlaskClient) -> None:
    user = factories.user()
    row, token = auth_services.create_api_token(user)
    db.session.commit()
    assert row.last_used_at is None

    commits: list[object] = []

    def record(connection: object) -> None:
        commits.append(connection)

    event.listen(db.engine, "commit", record)
    try:
        with count_queries() as first:
            assert client.get("/api/v1/orders", headers=bearer(token)).status_code == 200
        recorded = _last_used(row.id)
        assert recorded is not None
        # The record is its own UPDATE and commit; the list itself commits nothing.
        assert [s for s in first if s.startswith("UPDATE")] == [
            s for s in first if s.startswith("UPDATE api_token")]
        assert len(commits) == 1

        commits.clear()
        with count_queries() as again:
            for _ in range(3):
                assert client.get("/api/v1/orders", headers=bearer(token)).status_code == 200
        assert not [s for s in again if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
        assert commits == []
        assert _last_used(row.id) == recorded

        # A minute later, the next call records the use again.
        db.session.execute(update(ApiToken).where(ApiToken.id == row.id).values(
            last_used_at=utcnow() - timedelta(minutes=2)))
        db.session.commit()
        before = _last_used(row.id)
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
        after = _last_used(row.id)
        assert after is not None and before is not None and after > before  # type: ignore[operator]
    finally:
        event.remove(db.engine, "commit", record)


def test_a_revoked_token_records_nothing(app: Flask, client: FlaskClient) -> None:
    user = factories.user()
    row, token = auth_services.create_api_token(user)
    db.session.commit()
    auth_services.revoke_api_token(user, row.id)
    db.session.commit()
    assert client.get("/api/v1/orders", headers=bearer(token)).status_code == 401
    assert _last_used(row.id) is None


def _unread_counts(statements: list[str]) -> int:
    return sum(1 for s in statements if "count(notification.id)" in " ".join(s.split()))


def test_the_unread_count_is_asked_once_per_page_and_never_for_e_mails(
        app: Flask, client: FlaskClient) -> None:
    buyer = factories.user()
    made = factories.order(factories.S.SUBMITTED, buyer=buyer)
    staff = [factories.user(Role.STAFF) for _ in range(4)]
    response = client.post("/login", data={"email": staff[0].email,
                                           "password": factories.PASSWORD})
    assert response.status_code == 302
    with count_queries() as page:
        assert client.get(f"/orders/{made.id}").status_code == 200
    assert _unread_counts(page) == 1

    # Approving (a request) e-mails the staff and the buyer from inside it: no count for
    # those e-mails, and the redirect renders no page.
    with count_queries() as approving:
        assert client.post(f"/orders/{made.id}/approve").status_code == 302
    db.session.expire_all()
    assert len(db.session.get(Order, made.id).approvals) == 1
    assert sum(1 for s in approving if s.startswith("INSERT INTO outbox")) >= 2
    assert _unread_counts(approving) == 0
