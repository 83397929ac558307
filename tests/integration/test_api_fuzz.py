"""Schemathesis fuzzes the public JSON API of the real app on PostgreSQL.

The app (migrated database, demo data) is served by werkzeug on 127.0.0.1 in a thread, and
the ``schemathesis`` CLI runs against its OpenAPI document as a separate process: every
check (server errors, status codes, content types, response schemas, that invalid input is
rejected and valid input accepted) must pass.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tests.integration.conftest import create_user

BIN = Path(sys.executable).parent
SCHEMATHESIS = str(BIN / "schemathesis")

# The one rule an OpenAPI document cannot state: GET /catalogue/items answers 422 when
# min_price_cents > max_price_cents (two parameters each valid alone; the unit tests check
# that 422). Schemathesis would take such a pair for a valid request wrongly refused, so it
# does not generate it; every other case and check runs as usual.
HOOKS = """
import schemathesis


def _integer(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@schemathesis.hook
def filter_case(context, case):
    query = case.query or {}
    low = _integer(query.get("min_price_cents"))
    high = _integer(query.get("max_price_cents"))
    return low is None or high is None or low <= high
"""


# The rules of an order's body that only the data can state: its lines must be items of its
# lot and its commune one of the Region's 19 (by code, NIS code or name, in any case and with
# or without accents); and an Idempotency-Key, which schemathesis repeats across the bodies
# it generates, answers 422 when reused with another body. A body the document allows may
# still break them and get 422 with the field named, on the create (POST) and the edit
# (PATCH); every other operation must accept what its schema allows.
CONFIG = """
[[operations]]
include-path = "/api/v1/orders"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", "401", "403", "404", "409", "422", "429",
]

[[operations]]
include-path-regex = "^/api/v1/orders/[{]order_id[}]$"
include-method = "PATCH"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", "401", "403", "404", "409", "422", "429",
]
"""


class QuietHandler(WSGIRequestHandler):
    """No access log line per request: schemathesis makes hundreds."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


@pytest.fixture
def served(app: Flask) -> Iterator[str]:
    """The app with the demo data, listening on a free loopback port."""
    from app.demo.seed import seed_demo
    from app.extensions import db

    with app.app_context():
        seed_demo()
        db.session.commit()
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True,
                                          request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="api-under-fuzz", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


def run_schemathesis(spec_url: str, tmp_path: Path, *options: str) -> str:
    """``schemathesis run SPEC -n 20 --seed 1 OPTIONS``; fails the test on any finding."""
    (tmp_path / "procure_fuzz_hooks.py").write_text(HOOKS)
    (tmp_path / "schemathesis.toml").write_text(CONFIG)
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "procure_fuzz_hooks",
           "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [SCHEMATHESIS, "--config-file", str(tmp_path / "schemathesis.toml"), "run", spec_url,
         "-n", "20", "--seed", "1", "--no-color", *options],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"schemathesis exited {result.returncode}:\n{output}"
    return output


def test_the_public_api_passes_schemathesis(served: str, tmp_path: Path) -> None:
    spec_url = f"{served}/api/v1/openapi.json"
    with urllib.request.urlopen(spec_url, timeout=10) as response:  # noqa: S310 - loopback
        spec = json.load(response)
    public = {"/api/v1/lots", "/api/v1/catalogue/items", "/api/v1/catalogue/items/{item_id}",
              "/api/v1/vendors"}
    assert public <= set(spec["paths"])
    with urllib.request.urlopen(f"{served}/api/v1/lots", timeout=10) as response:  # noqa: S310
        assert len(json.load(response)) == 6  # the demo data is there to be found

    # The public (anonymous) operations.
    output = run_schemathesis(spec_url, tmp_path,
                              "--include-path-regex", "^/api/v1/(lots|vendors|catalogue/.*)$")
    assert re.search(r"Tested:\s+4\b", output), f"not every public operation ran:\n{output}"


def test_the_account_endpoint_passes_schemathesis_with_a_token(app: Flask, served: str,
                                                               tmp_path: Path) -> None:
    from app.auth import services
    from app.auth.models import User
    from app.extensions import db

    user_id = create_user(app, "fuzz@example.org")
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        _row, token = services.create_api_token(user, "fuzz")
        db.session.commit()
    output = run_schemathesis(f"{served}/api/v1/openapi.json", tmp_path,
                              "--include-path", "/api/v1/me",
                              "-H", f"Authorization: Bearer {token}")
    assert re.search(r"Tested:\s+1\b", output), output
    assert "Authentication failed" not in output, output


def _token_of(app: Flask, email_address: str) -> str:
    from app.auth import services
    from app.extensions import db

    with app.app_context():
        user = services.user_by_email(email_address)
        assert user is not None, email_address
        _row, token = services.create_api_token(user, "fuzz")
        db.session.commit()
    return token


@pytest.mark.parametrize("email_address", ["buyer1@demo.example", "staff1@demo.example",
                                           "vendor1@demo.example"])
def test_the_whole_api_passes_schemathesis_as_each_role(app: Flask, served: str,
                                                        tmp_path: Path,
                                                        email_address: str) -> None:
    """Every operation, with a buyer's, a staff member's and a vendor's bearer token."""
    token = _token_of(app, email_address)
    output = run_schemathesis(f"{served}/api/v1/openapi.json", tmp_path,
                              "-H", f"Authorization: Bearer {token}")
    tested = re.search(r"Tested:\s+(\d+)\b", output)
    assert tested and int(tested.group(1)) >= 20, f"not every operation ran:\n{output}"
    # Operations of other roles answer 403, as they should; the token itself is good.
    assert "401 Unauthorized" not in output, output


# --- What PostgreSQL itself refuses never reaches it ---------------------------------------

def test_nul_and_lone_surrogates_are_refused_before_postgresql(app: Flask, served: str) -> None:
    """On PostgreSQL (which cannot store NUL or a lone surrogate, and whose integer stops at
    2**31-1) the API and the forms answer 4xx in the reader's language, and store nothing."""
    from sqlalchemy import func, select

    from app.auth.models import Organisation
    from app.catalogue.models import CatalogueItem
    from app.extensions import db
    from app.orders.models import Order

    token = _token_of(app, "buyer1@demo.example")
    client = app.test_client()
    with app.app_context():
        item = db.session.execute(
            select(CatalogueItem).order_by(CatalogueItem.id)).scalars().first()
        assert item is not None
        lot_id, item_id = item.lot_id, item.id
        organisations = db.session.execute(select(func.count(Organisation.id))).scalar_one()
    body = {"lot_id": lot_id, "title": "Atelier", "objectives": "Avis",
            "participation_level": "consult", "commune": "ixelles",
            "lines": [{"item_id": item_id, "quantity": 1}]}
    headers = {"Authorization": f"Bearer {token}"}
    for field, value in (("title", "Atelier\u0000"), ("objectives", "\ud800"),
                         ("description", "x\udfff y")):
        response = client.post("/api/v1/orders", data=json.dumps({**body, field: value}),
                               content_type="application/json", headers=headers)
        assert response.status_code == 422, response.get_data(as_text=True)
        assert field in response.get_json()["errors"]
    for path in ("/api/v1/catalogue/items?q=a%00b", "/catalogue/?q=a%00b",
                 "/catalogue/items/L1%00X"):
        assert client.get(path).status_code == 422, path
    for path in ("/facilitators/2147483648", "/catalogue/lots/2147483648",
                 "/api/v1/catalogue/items/2147483648", "/catalogue/?page=99999999999999"):
        assert client.get(path).status_code in (302, 404), path

    login = client.post("/login", data={"email": "buyer1@demo.example\x00", "password": "x"},
                        headers={"Accept-Language": "nl"})
    assert login.status_code == 422
    assert "Ongeldige gegevens" in login.get_data(as_text=True)
    registration = client.post("/register", data={
        "organisation_name": "Commune\x00", "organisation_type": "commune",
        "full_name": "A Person", "email": "a.person@example.org",
        "password": "long enough password", "password_confirm": "long enough password",
        "language": "fr"})
    assert registration.status_code == 422
    # A logged-in buyer's HTML order form, with an item id no integer column holds.
    from app.demo.seed import demo_password

    assert client.post("/login", data={"email": "buyer1@demo.example",
                                       "password": demo_password()[0]}).status_code == 302
    form = client.post("/orders/new", data={
        "lot_id": str(lot_id), "title": "Atelier", "objectives": "Avis",
        "participation_level": "consult", "commune": "ixelles",
        "quantity-999999999999": "1", "title_extra": "a"})
    assert form.status_code == 200
    assert client.post("/orders/new", data={"lot_id": str(lot_id), "title": "A\x00"}
                       ).status_code == 422
    with app.app_context():
        assert db.session.execute(select(func.count(Order.id))).scalar_one() == 0
        assert db.session.execute(select(func.count(Organisation.id))).scalar_one() \
            == organisations
