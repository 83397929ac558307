"""The beat process sweeps the outbox by itself: a row never enqueued still gets delivered."""

from __future__ import annotations

from flask import Flask

from tests.integration.conftest import (
    ProcessFactory,
    SmtpSink,
    create_user,
    outbox_rows,
    wait_until_sent,
)
from tests.processes import Process


def test_beat_delivers_an_outbox_row_that_was_never_enqueued_without_a_manual_sweep(
        app: Flask, record_app: Flask, worker: Process, processes: ProcessFactory,
        smtp_sink: SmtpSink) -> None:
    mark = worker.log_mark()
    address = "beat@example.be"
    create_user(app, address, language="fr")
    # Committed by an app that does not hand the row to the broker (as if Redis had failed).
    assert record_app.test_client().post("/password/forgot",
                                         data={"email": address}).status_code == 200
    (row,) = outbox_rows(app)
    assert row.sent_at is None

    beat = processes.beat()

    # sweep-outbox runs every 15 s: the first run comes 15 s after beat starts.
    smtp_sink.wait_for(1, to=address, timeout=45)
    sent = wait_until_sent(app, row.id)
    beat.wait_for_log(r"Scheduler: Sending due task sweep-outbox", timeout=5)
    worker.wait_for_log(r"outbox sweep: \{'due': 1, 'enqueued': 1", timeout=5, since=mark)
    worker.wait_for_log(rf"outbox message {row.id}: sent$", timeout=5, since=mark)
    assert sent.attempts == 1
    assert len(smtp_sink.messages(to=address)) == 1
