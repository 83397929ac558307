"""Two beats, one active: ``kill -9`` the active one and the other takes over within the bound
(BEAT_LOCK_TIMEOUT + BEAT_MAX_LOOP_INTERVAL), the sweeps go on, and no sweep is sent twice."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from datetime import datetime

import pytest
from flask import Flask

from app.ops import heartbeat
from tests.integration.conftest import (
    ProcessFactory,
    SmtpSink,
    create_user,
    outbox_rows,
    wait_until_sent,
)
from tests.processes import BEAT_ACTIVE, Process

LOCK_TIMEOUT = 10
MAX_LOOP = 2
SWEEP_INTERVAL = 15  # workers/schedule.py
FAST_FAILOVER = {"BEAT_LOCK_TIMEOUT": str(LOCK_TIMEOUT), "BEAT_MAX_LOOP_INTERVAL": str(MAX_LOOP)}
SENT = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) .*Sending due task sweep-outbox",
                  re.MULTILINE)


def sweeps_sent(*beats: Process) -> list[datetime]:
    """When each beat sent sweep-outbox, all beats together, in order."""
    return sorted(datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f")
                  for beat in beats for stamp in SENT.findall(beat.log_text()))


def test_a_standby_beat_takes_over_within_the_lock_timeout_when_the_active_one_is_killed(
        app: Flask, record_app: Flask, worker: Process, processes: ProcessFactory,
        smtp_sink: SmtpSink, capsys: pytest.CaptureFixture[str],
        record_property: Callable[[str, object], None]) -> None:
    mark = worker.log_mark()
    active = processes.beat("beat-a", **FAST_FAILOVER)
    standby = processes.beat("beat-b", wait_for_lock=False, **FAST_FAILOVER)
    active.wait_for_log(r"Sending due task sweep-outbox", timeout=SWEEP_INTERVAL + 5)
    time.sleep(MAX_LOOP * 2)
    assert BEAT_ACTIVE not in standby.log_text(), "only one beat holds the lock"
    assert "Sending due task" not in standby.log_text(), "the standby beat sends nothing"

    active.kill()  # kill -9: its lock is not released, it expires
    killed_at = time.monotonic()
    # A side effect committed while no beat is active, never handed to the broker.
    address = "failover@example.be"
    create_user(app, address)
    assert record_app.test_client().post("/password/forgot",
                                         data={"email": address}).status_code == 200
    (row,) = outbox_rows(app)
    assert row.sent_at is None

    bound = LOCK_TIMEOUT + MAX_LOOP
    standby.wait_for_log(BEAT_ACTIVE, timeout=bound + 5)
    takeover = time.monotonic() - killed_at
    smtp_sink.wait_for(1, to=address, timeout=SWEEP_INTERVAL + 10)
    delivered = time.monotonic() - killed_at
    record_property("beat_takeover_seconds", round(takeover, 1))
    with capsys.disabled():  # in the output of every run, CI's too (pytest -q)
        print(f"\nbeat failover: standby took over {takeover:.1f} s after kill -9 of the active "
              f"beat (bound {bound} s = BEAT_LOCK_TIMEOUT {LOCK_TIMEOUT} + "
              f"BEAT_MAX_LOOP_INTERVAL {MAX_LOOP}); the outbox row was swept and sent "
              f"{delivered:.1f} s after the kill")
    assert takeover <= bound + 1, f"takeover took {takeover:.1f} s, bound {bound} s"

    sent = wait_until_sent(app, row.id)
    worker.wait_for_log(rf"outbox message {row.id}: sent$", timeout=5, since=mark)
    assert sent.attempts == 1
    assert len(smtp_sink.messages(to=address)) == 1

    # One schedule for both beats (kept in Redis): the new active beat carries on from the
    # last run of the dead one, so no two sweeps were ever sent less than an interval apart.
    standby.wait_for_log(r"Sending due task sweep-outbox", timeout=5)
    times = sweeps_sent(active, standby)
    assert len(times) >= 2
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    assert min(gaps) >= SWEEP_INTERVAL - 1, f"sweeps sent too close together: {gaps}"

    # The active beat's heartbeat is fresh: an operator sees a live scheduler.
    beats = heartbeat.read_all(app.config)
    age = heartbeat.youngest_age(beats, "beat")
    assert age is not None and age < MAX_LOOP + 2
    # And the worker recorded when the sweep last finished (procure_periodic_task_last_run_…).
    assert any(h.role == heartbeat.TASK_ROLE and h.node == "workers.tasks.outbox.sweep"
               for h in beats)
