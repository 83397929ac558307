"""Under gunicorn with two worker processes: a request's id is in the web's JSON log line and
in the JSON log lines of the worker task it queued; /metrics sums both web processes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import requests
from flask import Flask

from tests.integration.conftest import ProcessFactory, SmtpSink, create_user, outbox_rows
from tests.processes import Process
from tests.services import free_port

JSON_LOGS = {"LOG_FORMAT": "json"}


def json_lines(proc: Process) -> list[dict[str, object]]:
    found = []
    for line in proc.log_text().splitlines():
        if line.startswith("{"):
            try:
                found.append(json.loads(line))
            except ValueError:
                continue
    return found


def test_a_request_id_is_in_the_web_and_worker_json_lines_and_metrics_sum_every_process(
        app: Flask, processes: ProcessFactory, smtp_sink: SmtpSink, tmp_path: Path) -> None:
    # A broker of its own: the session's shared worker must not take this request's task.
    redis_port = free_port()
    processes.redis_server(redis_port)
    settings = {**JSON_LOGS, "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0"}
    port = free_port()
    web = processes.web(port, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
                        **settings)
    worker = processes.worker("worker-json", **settings)
    address = "trail@example.be"
    create_user(app, address)
    base = f"http://127.0.0.1:{port}"
    session = requests.Session()
    page = session.get(f"{base}/password/forgot", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no CSRF token on the page"
    answer = session.post(f"{base}/password/forgot", timeout=10,
                          data={"email": address, "csrf_token": token.group(1)},
                          headers={"X-Request-ID": "trail-0001"})
    assert answer.status_code == 200
    assert answer.headers["X-Request-ID"] == "trail-0001"
    smtp_sink.wait_for(1, to=address, timeout=30)
    (row,) = outbox_rows(app)

    worker.wait_for_log(rf'"message": "outbox message {row.id}: sent"', timeout=10)
    web_lines = [r for r in json_lines(web) if r.get("request_id") == "trail-0001"]
    assert [r["event"] for r in web_lines] == ["request"]
    assert web_lines[0]["endpoint"] == "auth.forgot_password"
    task_lines = [r for r in json_lines(worker) if r.get("request_id") == "trail-0001"]
    assert any(r["message"] == f"outbox message {row.id}: sent" for r in task_lines), \
        worker.tail()
    for line in web_lines + task_lines:
        assert address not in json.dumps(line), "no e-mail address in the logs"

    # Multiprocess mode: whichever process answers the scrape counts every process's requests.
    for _ in range(20):
        assert requests.get(f"{base}/healthz", timeout=5).status_code == 200
    for _ in range(3):
        metrics = requests.get(f"{base}/metrics", timeout=10).text
        count = re.search(r'^procure_http_requests_total\{endpoint="ops_health.healthz",'
                          r'method="GET",status="200"\} (\S+)$', metrics, re.M)
        assert count and float(count.group(1)) == 20, metrics[:2000]
