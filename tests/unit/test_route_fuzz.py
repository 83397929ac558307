"""Every registered route, HTML and API, with hostile input: no answer is a 5xx.

Nothing here lists URLs. The walk takes each rule of ``app.url_map`` and its methods, and
generates what to send from the rule itself:

- each converter in the path gets hostile values (2**31, 2**63, 10**30, -1, ``٣٣``, text with
  NUL), one converter at a time, the others a plausible value;
- the query and form fields are those the view actually reads: a first, benign request
  records every name looked up in ``request.args``/``request.form``, then the same request is
  replayed with all of them hostile (huge and non-ASCII numbers, NUL, thousands of digits);
- API bodies are built from the operation's OpenAPI request schema, every leaf hostile, plus
  bodies no schema describes (100,000 levels deep, a 5,000-digit integer, a lone surrogate);
- each request goes as every role that the benign request lets in (anonymous, buyer, staff,
  admin, vendor: a session for HTML, a bearer token for the API).

SQLite stores NUL and integers up to 2**63 happily where PostgreSQL fails; so the database
is made as strict as PostgreSQL for the walk (``postgres_strictness``): an ``integer`` bind
beyond 2**31-1, a ``bigint`` beyond 2**63-1, or text with NUL or a lone surrogate raises,
as psycopg would (SQLAlchemy renders ``$1::INTEGER`` casts for it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter, Rule
from werkzeug.wrappers import Request

from app.auth import services as auth_services
from app.auth.models import User
from app.auth.services import user_by_email
from app.catalogue.models import CatalogueItem
from app.extensions import db
from app.ops.health import migration_heads
from tests.unit.strict_database import INT32_MAX, PostgresWouldFail

HOSTILE_IDS: list[Any] = [2**31, 2**63, 10**30, -1, "٣٣", "1\x00"]
# "\ud800" cannot travel in a URL or a form: it is sent as its UTF-8-style bytes (werkzeug
# decodes them as U+FFFD); JSON carries it as the escape "\ud800".
HOSTILE_TEXT: list[Any] = ["a\x00b", "٣٣", "99999999999", str(2**63), "9" * 5000, "-1",
                           "1e309", "\ud800"]
DEEP = "[" * 100_000 + "]" * 100_000


def test_the_strict_database_refuses_what_postgresql_refuses(app: Flask,
                                                             postgres_strictness: None) -> None:
    """The walk's premise: its database fails where PostgreSQL would."""
    for value in (2**31, "a\x00b"):
        with pytest.raises(PostgresWouldFail):
            db.session.get(User, value) if isinstance(value, int) else user_by_email(value)
        db.session.rollback()
    assert db.session.get(User, INT32_MAX) is None


# --- Which names a view reads -----------------------------------------------------------

READ: set[str] = set()


class RecordingMultiDict(ImmutableMultiDict):  # type: ignore[type-arg]
    """``request.args``/``request.form`` remembering every name a view looks up."""

    def __contains__(self, key: object) -> bool:
        READ.add(str(key))
        return super().__contains__(key)

    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:
        READ.add(str(key))
        return super().get(key, default, type)

    def getlist(self, key: Any, type: Any = None) -> Any:
        READ.add(str(key))
        return super().getlist(key, type)

    def __getitem__(self, key: Any) -> Any:
        READ.add(str(key))
        return super().__getitem__(key)


# --- The people -------------------------------------------------------------------------

ROLES = ("anonymous", "buyer", "staff", "admin", "vendor")
EMAILS = {"buyer": "buyer1@demo.example", "staff": "staff1@demo.example",
          "admin": "admin@demo.example", "vendor": "vendor1@demo.example"}


class People:
    """A session client per role for HTML and a bearer token per role for the API, made
    fresh for each rule (the walk itself logs out, revokes tokens, changes settings)."""

    def __init__(self, app: Flask, login_client: Callable[[User], FlaskClient]) -> None:
        self.app = app
        self.login_client = login_client
        self.sessions: dict[str, FlaskClient] = {}
        self.tokens: dict[str, str] = {}
        self.ids = {role: getattr(user_by_email(address), "id", 0)
                    for role, address in EMAILS.items()}

    def refresh(self) -> None:
        self.sessions = {"anonymous": self.app.test_client()}
        self.tokens = {}
        for role, address in EMAILS.items():
            user = user_by_email(address) or self._restored(role, address)
            self.sessions[role] = self.login_client(user)
            _row, self.tokens[role] = auth_services.create_api_token(user, "walk")
        db.session.commit()

    def _restored(self, role: str, address: str) -> User:
        """The walk's person as before, if a route erased them (an erasure request, then its
        approval by staff): the walk goes on with the same people."""
        from app.auth.passwords import hash_password
        from app.demo.seed import demo_password

        user = db.session.get(User, self.ids[role])
        assert user is not None and user.erased_at is not None, address
        user.email, user.full_name, user.erased_at, user.active = address, role, None, True
        user.password_hash = hash_password(demo_password()[0])
        db.session.commit()
        return user

    def send(self, role: str, api: bool, method: str, url: str, **kwargs: Any) -> Any:
        if api:
            client = self.app.test_client()
            if role != "anonymous":
                kwargs.setdefault("headers", {})["Authorization"] = f"Bearer {self.tokens[role]}"
        else:
            client = self.sessions[role]
        return client.open(url, method=method, **kwargs)


# --- Generating requests from a rule ----------------------------------------------------

def plausible(converter: Any) -> Any:
    if isinstance(converter, IntegerConverter):
        return 1
    item = db.session.execute(db.select(CatalogueItem.code).limit(1)).scalar()
    return item or "x"


def _bytes(value: Any) -> bytes:
    return str(value).encode("utf-8", "surrogatepass")


def path_for(rule: Rule, values: dict[str, Any]) -> str:
    def substitute(match: re.Match[str]) -> str:
        return quote(_bytes(values[match.group(1)]), safe="")

    return re.sub(r"<(?:[^<>:]+:)?([a-zA-Z_][a-zA-Z0-9_]*)>", substitute, rule.rule)


def paths(rule: Rule) -> tuple[str, list[str]]:
    """A plausible path, and the hostile ones (each converter in turn)."""
    base = {name: plausible(conv) for name, conv in rule._converters.items()}
    hostile = []
    for name, conv in rule._converters.items():
        for value in HOSTILE_IDS if isinstance(conv, IntegerConverter) else HOSTILE_TEXT:
            hostile.append(path_for(rule, {**base, name: value}))
    return path_for(rule, base), hostile


def hostile_json(schema: dict[str, Any], spec: dict[str, Any], leaf: Any) -> Any:
    """A value of the schema's shape whose every leaf is ``leaf``."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if schema.get("type") == "object" or "properties" in schema:
        return {key: hostile_json(sub, spec, leaf)
                for key, sub in (schema.get("properties") or {"x": {}}).items()}
    if schema.get("type") == "array":
        return [hostile_json(schema.get("items", {}), spec, leaf)]
    return leaf


def json_bodies(rule: Rule, method: str, spec: dict[str, Any]) -> Iterator[str]:
    """Raw JSON texts: schema-shaped with hostile leaves, and shapeless hostile bodies."""
    operation = spec["paths"].get(re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule.rule),
                                  {}).get(method.lower(), {})
    schema = (operation.get("requestBody", {}).get("content", {})
              .get("application/json", {}).get("schema", {"type": "object"}))
    big = "9" * 5000
    for leaf in ["a\u0000b", "\ud800", 2**31, 2**63, 10**30, -1, "٣٣", 227.0, "", big]:
        text = json.dumps(hostile_json(schema, spec, leaf))
        yield text.replace(f'"{big}"', big) if leaf == big else text
    yield DEEP
    yield '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    yield '{"x": 1e999, "y": NaN}'


def encoded(names: set[str], value: str) -> str:
    """``name=value&...`` for every name read (a form body or a query string)."""
    return urlencode({_bytes(name): _bytes(value) for name in names if name != "csrf_token"})


# --- The walk ----------------------------------------------------------------------------

def _is_refusal(response: Any) -> bool:
    """401/403, or a redirect to the login page: this role is not let in here."""
    return response.status_code in (401, 403) or (
        response.status_code == 302 and "/login" in response.headers.get("Location", ""))


def walk_rule(rule: Rule, people: People, spec: dict[str, Any],
              failures: list[str]) -> int:
    api = rule.rule.startswith("/api/")
    plain_path, hostile_paths = paths(rule)
    sent = 0

    def send(role: str, method: str, url: str, what: str, **kwargs: Any) -> Any:
        nonlocal sent
        sent += 1
        response = people.send(role, api, method, url, **kwargs)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {role} {method} {url[:120]} {what}")
        return response

    for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
        for role in ROLES:
            READ.clear()
            first = send(role, method, plain_path, "benign")
            if role != "anonymous" and _is_refusal(first):
                continue
            read = set(READ)
            for url in hostile_paths:
                send(role, method, url, "hostile path")
            for value in HOSTILE_TEXT:
                if method == "GET":
                    send(role, method, f"{plain_path}?{encoded(read | {'page'}, value)}",
                         f"query {value[:12]!r}")
                else:
                    send(role, method, plain_path, f"form {value[:12]!r}",
                         data=encoded(read, value),
                         content_type="application/x-www-form-urlencoded")
            if method in ("POST", "PATCH", "PUT"):
                for body in json_bodies(rule, method, spec):
                    send(role, method, plain_path, f"json {body[:40]!r}", data=body,
                         content_type="application/json")
    return sent


@pytest.fixture
def walk_app(app: Flask, demo_world: dict[str, User], postgres_strictness: None) -> Flask:
    class RecordingRequest(app.request_class):  # type: ignore[name-defined,misc]
        parameter_storage_class = RecordingMultiDict

    app.request_class = RecordingRequest
    assert issubclass(RecordingRequest, Request)
    # /readyz answers 503 on a database never migrated (create_all): mark it at the head.
    db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
    for head in migration_heads():
        db.session.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})
    db.session.commit()
    return app


def test_no_route_answers_a_server_error_to_hostile_input(
        walk_app: Flask, demo_client_for: Callable[[User], FlaskClient]) -> None:
    people = People(walk_app, demo_client_for)
    people.refresh()
    # One order of the buyer, so order routes have something to act on.
    item = db.session.execute(db.select(CatalogueItem).limit(1)).scalar_one()
    created = people.send("buyer", True, "POST", "/api/v1/orders", json={
        "lot_id": item.lot_id, "title": "Walk", "objectives": "Walk the routes",
        "participation_level": "consult", "commune": "ixelles",
        "lines": [{"item_id": item.id, "quantity": 1}]})
    assert created.status_code == 201, created.get_data(as_text=True)
    spec = walk_app.test_client().get("/api/v1/openapi.json").get_json()

    rules = [rule for rule in walk_app.url_map.iter_rules() if rule.endpoint != "static"]
    failures: list[str] = []
    sent = 0
    for rule in sorted(rules, key=lambda r: r.rule):
        people.refresh()
        sent += walk_rule(rule, people, spec, failures)
    assert len(rules) > 80 and sent > 20 * len(rules), (len(rules), sent)
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:60])
