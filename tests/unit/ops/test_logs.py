"""Request ids on every answer and log line; JSON lines; ids into the tasks a request queues."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth.models import User
from app.extensions import db
from app.ops import logs


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.ContextFilter())
    handler.setFormatter(logs.formatter("json"))
    logging.getLogger().addHandler(handler)
    try:
        yield stream
    finally:
        logging.getLogger().removeHandler(handler)


def records(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_every_answer_carries_a_request_id_and_a_good_one_is_kept(client: FlaskClient) -> None:
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/nowhere").headers["X-Request-ID"]
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-1234.abc"})
    assert kept.headers["X-Request-ID"] == "lb-1234.abc"
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id <script>"})
    assert replaced.headers["X-Request-ID"] != "bad id <script>"


def test_a_request_writes_one_json_line_with_its_id_and_no_personal_data(
        client: FlaskClient, json_lines: io.StringIO) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "req-42"})
    (line,) = [r for r in records(json_lines) if r.get("event") == "request"]
    assert line["request_id"] == "req-42" == response.headers["X-Request-ID"]
    assert line["level"] == "INFO"
    assert line["logger"] == "procure.access"
    assert line["endpoint"] == "ops_health.healthz"
    assert line["status"] == 200
    assert "time" in line
    assert "@" not in json_lines.getvalue()


def test_the_request_id_travels_in_the_headers_of_a_task_it_queues(app: Flask) -> None:
    headers: dict[str, object] = {}
    with app.test_request_context("/"):
        app.preprocess_request()
        logs._publish(headers=headers)
        request_id = logs.CONTEXT["request_id"].get()
    assert headers == {"request_id": request_id}

    class Task:
        class request:  # what Celery gives a task: its message headers
            request_id = "req-from-web"
            user_id = 7
            id = "task-id"

    logs._task_starts(task=Task)
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "done", None, None)
    logs.ContextFilter().filter(record)
    assert (record.request_id, record.user_id) == ("req-from-web", 7)  # type: ignore[attr-defined]
    logs._task_ends()
    assert logs.CONTEXT["request_id"].get() is None


def test_text_lines_show_the_ids_when_known() -> None:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "hello", None, None)
    record.request_id, record.user_id, record.order_id = "r1", None, 5
    line = logs.formatter("text").format(record)
    assert line.endswith(" INFO [request=r1 order=5] t: hello"), line


def test_a_view_rendering_an_email_keeps_the_request_id_on_its_lines(
        client: FlaskClient, json_lines: io.StringIO, make_user: Callable[..., User]) -> None:
    """The e-mail is rendered in a request context of its own inside the view: its teardown
    once reset the request's ids, and the task it queued got none."""
    make_user(email="someone@example.be")
    db.session.commit()
    client.post("/password/forgot", data={"email": "someone@example.be"},
                headers={"X-Request-ID": "req-forgot"})
    (line,) = [r for r in records(json_lines) if r.get("event") == "request"]
    assert line["request_id"] == "req-forgot"
    assert "someone@example.be" not in json_lines.getvalue()
