"""/metrics: request figures and the domain figures, and who may read them."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.common.outbox import OutboxMessage
from app.common.time import utcnow
from app.extensions import db
from app.orders.models import OrderStatus
from tests import factories
from tests.unit.helpers import count_queries

OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}


def value(text: str, name: str, labels: str = "") -> float:
    found = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.M)
    assert found, f"{name}{labels} not in the metrics"
    return float(found.group(1))


def scrape(client: FlaskClient, **kwargs: object) -> str:
    response = client.get("/metrics", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/plain"
    return response.get_data(as_text=True)


def test_an_unsent_outbox_row_older_than_the_grace_period_shows_up(
        app: Flask, client: FlaskClient) -> None:
    app.config["OUTBOX_GRACE_SECONDS"] = 20
    now = utcnow()
    db.session.add_all([
        OutboxMessage(kind="email", payload={}, created_at=now - timedelta(seconds=90)),
        OutboxMessage(kind="email", payload={}, created_at=now - timedelta(seconds=1)),
        OutboxMessage(kind="email", payload={}, created_at=now - timedelta(hours=1),
                      sent_at=now),
        OutboxMessage(kind="email", payload={}, created_at=now - timedelta(hours=2),
                      failed_at=now),
    ])
    db.session.commit()
    text = scrape(client)
    assert value(text, "procure_outbox_unsent") == 2
    assert value(text, "procure_outbox_unsent_past_grace") == 1
    assert 89 <= value(text, "procure_outbox_oldest_unsent_age_seconds") < 120
    assert value(text, "procure_outbox_failed") == 1


def test_orders_per_state_and_offers_past_their_deadline(app: Flask, client: FlaskClient) -> None:
    waiting = factories.order(OrderStatus.AWAITING_VENDOR)
    factories.order(OrderStatus.SUBMITTED)
    (offer,) = factories.open_attempts(waiting)
    offer.expires_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    with count_queries() as queries:
        text = scrape(client)
    assert value(text, "procure_orders", '{state="awaiting_vendor"}') == 1
    assert value(text, "procure_orders", '{state="submitted"}') == 1
    assert value(text, "procure_orders", '{state="closed"}') == 0
    assert value(text, "procure_attempts_past_deadline", '{kind="offer"}') == 1
    assert value(text, "procure_attempts_past_deadline", '{kind="invitation"}') == 0
    assert len(queries) == 3, "one query per figure family, whatever the data"


def test_requests_are_counted_per_endpoint_and_status(client: FlaskClient) -> None:
    before = scrape(client)
    key = '{endpoint="ops_health.healthz",method="GET",status="200"}'
    start = value(before, "procure_http_requests_total", key) if key in before else 0
    for _ in range(3):
        client.get("/healthz")
    after = scrape(client)
    assert value(after, "procure_http_requests_total", key) == start + 3
    assert 'procure_http_request_duration_seconds_bucket{endpoint="ops_health.healthz"' in after


def test_an_anonymous_caller_from_outside_is_refused(app: Flask, client: FlaskClient) -> None:
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 403
    app.config["METRICS_TOKEN"] = "s3cret-token"
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 403
    assert client.get("/metrics", environ_base=OUTSIDE,
                      headers={"Authorization": "Bearer wrong"}).status_code == 403
    scrape(client, environ_base=OUTSIDE, headers={"Authorization": "Bearer s3cret-token"})


def test_an_allowed_network_reads_without_a_token(app: Flask, client: FlaskClient) -> None:
    scrape(client)  # the test client comes from 127.0.0.1
    app.config["METRICS_ALLOWED_NETWORKS"] = "10.0.0.0/8"
    assert client.get("/metrics").status_code == 403
    scrape(client, environ_base={"REMOTE_ADDR": "10.1.2.3"})
