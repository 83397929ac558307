"""When Redis is down a state change still commits; the sweeper delivers once it is back."""

from __future__ import annotations

import time

from flask import Flask

from app.common import outbox
from tests.integration.conftest import (
    AppFactory,
    ProcessFactory,
    SmtpSink,
    create_user,
    outbox_rows,
    wait_until_sent,
)
from tests.processes import wait_until
from tests.services import free_port, port_open


def test_a_reset_requested_while_redis_is_down_commits_and_is_delivered_once_it_is_back(
        app: Flask, make_app: AppFactory, processes: ProcessFactory,
        smtp_sink: SmtpSink) -> None:
    port = free_port()
    redis_server = processes.redis_server(port)
    broker = f"redis://127.0.0.1:{port}/0"
    worker = processes.worker("worker-private-redis", CELERY_BROKER_URL=broker)
    web = make_app(CELERY_BROKER_URL=broker)
    address = "outage@example.be"
    create_user(app, address, language="nl")

    redis_server.stop()
    wait_until(lambda: not port_open("127.0.0.1", port, timeout=0.2), 10, "redis-server down")

    started = time.monotonic()
    response = web.test_client().post("/password/forgot", data={"email": address})
    assert response.status_code == 200, "the normal page, not a 500"
    assert time.monotonic() - started < 15
    (row,) = outbox_rows(app)
    assert row.sent_at is None and row.attempts == 0, "the work waits in the outbox"

    # While the broker is still down `flask sweep` reports and keeps the row. (FlaskGroup
    # pushes the app context for a command; the test runner invokes app.cli directly.)
    with web.app_context():
        result = web.test_cli_runner().invoke(args=["sweep"])
    assert result.exit_code == 0, result.output
    assert "1 due, 0 enqueued, 1 could not be enqueued" in result.output
    assert outbox_rows(app)[0].sent_at is None

    processes.redis_server(port, name="redis-server-restarted")
    with web.app_context():
        counts = outbox.sweep()
    assert counts == {"due": 1, "enqueued": 1, "not_enqueued": 0}

    # The worker reconnects by itself (its retry interval grows by 2 s per attempt).
    smtp_sink.wait_for(1, to=address, timeout=45)
    sent = wait_until_sent(app, row.id)
    worker.wait_for_log(rf"outbox message {row.id}: sent$", timeout=10)
    assert sent.attempts == 1
    time.sleep(1)  # a duplicate delivery would show up here
    assert len(smtp_sink.messages(to=address)) == 1
