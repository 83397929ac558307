"""Every page and API answer issues the same number of SQL queries at 10 rows as at 200, and
no GET writes.

The walk enumerates ``app.url_map``: each GET rule is either read below, for each role that
may read it, or listed in ``NOT_READ`` with the reason. A new route that is neither fails
``test_every_get_route_is_read_or_excused``, so a new list cannot be forgotten.

The world (tests/unit/query_world.py) is grown by 10 rows of every kind, every route is read
(each twice: the first read warms what a process caches once, such as the token's last use
of the minute), then grown by 190 more and read again. The counts must be equal; the
statements of both reads are in the failure message.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from app import create_app
from app.auth import services as auth_services
from app.execution.models import DeliveryDocument
from app.extensions import db
from app.invoicing.models import InvoiceState
from app.legal import erasure
from tests import factories
from tests.unit.helpers import IsolatedClient, bearer, count_queries
from tests.unit.query_world import QueryWorld, build, grow

FEW = 10
# QUERY_WALK_MANY=40 makes a quicker walk while working on a route (the suite uses 200).
MANY = int(os.environ.get("QUERY_WALK_MANY", "200"))
WRITES = ("INSERT", "UPDATE", "DELETE", "COMMIT")

# GET rules that are not read here, and why.
NOT_READ: dict[str, str] = {
    "static": "files from disk, no SQL",
    "api_docs_ui.docs": "a static page of the OpenAPI viewer, no SQL",
    "api-docs.openapi_json": "the OpenAPI document, built from code, no SQL",
    "auth.reset_password": "needs a one-time link; a form over one row (tested in auth)",
    "ops_health.readyz": "three fixed checks (SELECT 1, broker ping, Alembic revision) that "
                         "answer 503 on a database made without migrations; tests/unit/ops",
}

Read = tuple[str, str]  # (role, path)


def reads(world: QueryWorld) -> dict[str, list[Read]]:
    """For each endpoint, who reads which path."""
    rich, invoice, attempt = world.rich, world.invoice, world.rich_attempt
    registered = world.invoice_in(InvoiceState.REGISTERED).id
    disputed = world.invoice_in(InvoiceState.DISPUTED).id
    assert rich is not None and invoice is not None
    order_id, lot_id = rich.id, world.cascade.id
    item_code = world.items[lot_id].code
    vendor_id = world.vendor.vendor_id
    organisation_id = world.buyer.organisation_id
    membership = world.cascade.memberships[0].id
    document = db.session.query(DeliveryDocument).order_by(DeliveryDocument.id.desc()).first()
    roles = ("buyer", "staff", "vendor")
    erasure_id = erasure.requests().items[0].id
    order_readers = [(who, f"/orders/{order_id}") for who in roles]
    api_order = f"/api/v1/orders/{order_id}"
    everyone = ("anonymous", "buyer", "staff", "admin", "vendor")
    table: dict[str, list[Read]] = {
        "main.home": [(who, "/") for who in everyone],
        "auth.login": [("anonymous", "/login")],
        "auth.register": [("anonymous", "/register")],
        "auth.registered": [("anonymous", "/register/done")],
        "auth.forgot_password": [("anonymous", "/password/forgot")],
        "auth.settings": [(who, "/settings") for who in roles],
        "auth.settings_invoicing": [("buyer", "/settings/invoicing")],
        "catalogue.index": [(who, "/catalogue/") for who in ("anonymous", "buyer")],
        "catalogue.lot": [(who, f"/catalogue/lots/{lot_id}") for who in ("anonymous", "buyer")],
        "catalogue.item": [("buyer", f"/catalogue/items/{item_code}")],
        "directory.index": [("anonymous", "/facilitators/")],
        "directory.vendor": [("anonymous", f"/facilitators/{vendor_id}")],
        "orders.index": [(who, "/orders/") for who in ("buyer", "staff")]
        + [("staff", "/orders/?status=submitted"), ("buyer", "/orders/?status=assigned")],
        "orders.show": order_readers,
        "orders.new": [("buyer", "/orders/new"), ("buyer", f"/orders/new?lot={lot_id}")],
        "orders.notifications": [(who, "/orders/notifications") for who in roles],
        "orders.edit": [("buyer", f"/orders/{world.draft.id}/edit")],
        "orders.cancel": [("staff", f"/orders/{world.assigned.id}/cancel")],
        "orders.withdraw": [("buyer", f"/orders/{world.submitted.id}/withdraw")],
        "orders.reject": [("staff", f"/orders/{world.submitted.id}/reject")],
        "orders.quote_document": [("staff", f"/orders/{order_id}/attempts/{attempt.id}/quote.pdf")],
        "invoicing.close": [("staff", f"/orders/{order_id}/close")],
        "invoicing.follow_up": [(who, "/follow-up") for who in roles],
        "invoicing.to_handle": [(who, "/invoices") for who in ("buyer", "staff")],
        "invoicing.register": [("vendor", f"/orders/{order_id}/invoices/new")],
        "invoicing.decide": [("buyer", f"/invoices/{registered}/dispute")],
        "invoicing.correct": [("vendor", f"/invoices/{disputed}/correct")],
        "invoicing.ubl": [("buyer", f"/invoices/{world.ubl_invoice_id}/ubl")],
        "execution.deliver": [("vendor", f"/orders/{world.assigned.id}/deliver")],
        "execution.confirm_receipt": [("buyer", f"/orders/{world.delivered.id}/confirm-receipt")],
        "execution.contest_delivery": [("buyer",
                                        f"/orders/{world.delivered.id}/contest-delivery")],
        "execution.delivery_document": [("buyer", f"/orders/{document.delivery.order_id}/"
                                                  f"deliveries/documents/{document.id}")],
        "execution.order_form_pdf": [("buyer", f"/orders/{order_id}/order-form.pdf")],
        "execution.order_form_ubl": [("buyer", f"/orders/{order_id}/order-form.xml")],
        "vendor_portal.index": [("vendor", "/vendor/")],
        "vendor_portal.show": [("vendor", f"/vendor/offers/{attempt.id}")],
        "vendor_portal.quote_document": [("vendor", f"/vendor/offers/{attempt.id}/quote.pdf")],
        "staff.users": [("staff", "/staff/users")],
        "staff.new_user": [("admin", "/staff/users/new")],
        "staff.organisations": [("staff", "/staff/organisations")],
        "staff.organisation": [("staff", f"/staff/organisations/{organisation_id}")],
        "staff.invoicing": [("staff", f"/staff/organisations/{organisation_id}/invoicing")],
        "staff.suspend": [("staff", f"/staff/organisations/{organisation_id}/suspend")],
        "admin.index": [("admin", "/admin/")],
        "admin.frameworks": [("admin", "/admin/frameworks")],
        "admin.new_framework": [("admin", "/admin/frameworks/new")],
        "admin.edit_framework": [("admin", f"/admin/frameworks/{world.cascade.framework_id}/edit")],
        "admin.items": [("admin", "/admin/items")],
        "admin.item": [("admin", f"/admin/items/{item_code}")],
        "admin.new_item": [("admin", "/admin/items/new")],
        "admin.log": [("admin", "/admin/log")],
        "admin.lot": [("admin", f"/admin/lots/{world.directory_lot.id}")],
        "admin.edit_lot": [("admin", f"/admin/lots/{lot_id}/edit")],
        "admin.new_lot": [("admin", "/admin/lots/new")],
        "admin.suspend_member": [("admin", f"/admin/memberships/{membership}/suspend")],
        "admin.terminate_member": [("admin", f"/admin/memberships/{membership}/terminate")],
        "admin.export_catalogue": [("admin", "/admin/catalogue/export")],
        "admin.import_catalogue": [("admin", "/admin/catalogue/import")],
        "vendor_admin.index": [("admin", "/admin/vendors/")],
        "vendor_admin.new": [("admin", "/admin/vendors/new")],
        "vendor_admin.edit": [("admin", f"/admin/vendors/{vendor_id}/edit")],
        "legal.page": [("anonymous", f"/{slug}") for slug in
                       ("accessibility", "privacy", "legal-notice", "contact")],
        "legal.my_data": [(who, "/account/my-data") for who in roles],
        "legal.my_data_json": [(who, "/account/my-data.json") for who in roles],
        "legal.erasure_requests": [("staff", "/staff/erasure-requests")],
        "legal.approve_erasure": [("staff", f"/staff/erasure-requests/{erasure_id}/approve")],
        "legal.refuse_erasure": [("staff", f"/staff/erasure-requests/{erasure_id}/refuse")],
        "ops_health.healthz": [("anonymous", "/healthz")],
        "ops_metrics.metrics": [("anonymous", "/metrics")],
        # The JSON API, with bearer tokens.
        "legal_api.my_data": [(who, "/api/v1/me/data") for who in roles],
        "catalogue_api.list_items": [("anonymous", "/api/v1/catalogue/items"),
                                     ("anonymous", "/api/v1/catalogue/items?per_page=100")],
        "catalogue_api.get_item": [("anonymous",
                                    f"/api/v1/catalogue/items/{world.items[lot_id].id}")],
        "catalogue_api.list_lots": [("anonymous", "/api/v1/lots")],
        "catalogue_api.list_frameworks": [("anonymous", "/api/v1/frameworks")],
        "vendors_api.list_vendors": [("anonymous", "/api/v1/vendors")],
        "communes_api.list_communes": [("anonymous", "/api/v1/communes")],
        "auth_api.me": [(who, "/api/v1/me") for who in roles],
        "auth_api.organisation": [("buyer", "/api/v1/organisation")],
        "orders_api.list_orders": [(who, "/api/v1/orders") for who in roles]
        + [("staff", "/api/v1/orders?per_page=100")],
        "orders_api.get_order": [(who, api_order) for who in roles],
        "orders_api.order_events": [(who, f"{api_order}/events") for who in roles],
        "orders_api.order_deliveries": [(who, f"{api_order}/deliveries") for who in roles],
        "orders_api.delivery_document": [("buyer", f"/api/v1/orders/{document.delivery.order_id}/"
                                                   f"deliveries/documents/{document.id}")],
        "orders_api.order_invoices": [(who, f"{api_order}/invoices") for who in roles],
        "orders_api.order_form_pdf": [("buyer", f"{api_order}/order-form.pdf")],
        "orders_api.order_form_ubl": [("buyer", f"{api_order}/order-form.xml")],
        "orders_api.list_offers": [("vendor", "/api/v1/offers")],
        "orders_api.offer_document": [("vendor", f"/api/v1/offers/{attempt.id}/document")],
        "invoices_api.invoices_to_handle": [(who, "/api/v1/invoices") for who in roles],
        "invoices_api.get_invoice": [(who, f"/api/v1/invoices/{invoice.id}")
                                     for who in ("buyer", "staff", "vendor")],
        "invoices_api.invoice_ubl": [("buyer", f"/api/v1/invoices/{world.ubl_invoice_id}/ubl")],
    }
    return table


# --- The walk ------------------------------------------------------------------------------

@contextmanager
def count_commits() -> Iterator[list[object]]:
    commits: list[object] = []

    def record(conn: object) -> None:
        commits.append(conn)

    event.listen(db.engine, "commit", record)
    try:
        yield commits
    finally:
        event.remove(db.engine, "commit", record)


@dataclass
class Reading:
    status: int
    statements: list[str]


@dataclass
class Walk:
    rules: set[str]
    few: dict[tuple[str, str, str], Reading]
    many: dict[tuple[str, str, str], Reading]
    few_paths: dict[str, list[Read]]


def _clients(app: Flask, world: QueryWorld) -> tuple[dict[str, FlaskClient], dict[str, str]]:
    clients: dict[str, FlaskClient] = {"anonymous": app.test_client()}
    tokens: dict[str, str] = {}
    for name, person in world.people().items():
        client = app.test_client()
        response = client.post("/login", data={"email": person.email,
                                               "password": factories.PASSWORD})
        assert response.status_code == 302, (name, response.status_code)
        clients[name] = client
        _row, tokens[name] = auth_services.create_api_token(person)
    db.session.commit()
    return clients, tokens


def _read_all(world: QueryWorld, clients: dict[str, FlaskClient], tokens: dict[str, str],
              ) -> dict[tuple[str, str, str], Reading]:
    result: dict[tuple[str, str, str], Reading] = {}
    for endpoint, paths in reads(world).items():
        for index, (who, path) in enumerate(paths):
            headers = bearer(tokens.get(who)) if path.startswith("/api/") else {}
            clients[who].get(path, headers=headers)  # warm: the minute's token use, caches
            db.session.expire_all()
            with count_queries() as statements, count_commits() as commits:
                response = clients[who].get(path, headers=headers)
            statements += ["COMMIT"] * len(commits)
            result[(endpoint, who, str(index))] = Reading(response.status_code, list(statements))
    return result


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walk]:
    app = create_app("testing", INSTANCE_DIR=str(tmp_path_factory.mktemp("instance")),
                     WTF_CSRF_ENABLED=False)
    app.test_client_class = IsolatedClient
    from app.common.i18n import in_language

    with app.app_context(), in_language("en"):
        db.create_all()
        world = grow(build(), FEW)
        clients, tokens = _clients(app, world)
        few_paths = reads(world)
        few = _read_all(world, clients, tokens)
        grow(world, MANY - FEW)
        many = _read_all(world, clients, tokens)
        rules = {rule.endpoint for rule in app.url_map.iter_rules()
                 if "GET" in (rule.methods or ())}
        yield Walk(rules=rules, few=few, many=many, few_paths=few_paths)
        db.session.remove()
        db.engine.dispose()


def test_every_get_route_is_read_or_excused(walk: Walk) -> None:
    read = set(walk.few_paths)
    assert not read & set(NOT_READ), "read and excused at once"
    missing = walk.rules - read - set(NOT_READ)
    assert not missing, f"GET routes with no query-count reading: {sorted(missing)}"
    gone = (read | set(NOT_READ)) - walk.rules
    assert not gone, f"readings of routes that no longer exist: {sorted(gone)}"


def _describe(reading: Reading) -> str:
    return f"{len(reading.statements)} queries, status {reading.status}:\n    " + "\n    ".join(
        " ".join(s.split())[:200] for s in reading.statements)


def problems(walk: Walk) -> list[str]:
    found = []
    for key, few in walk.few.items():
        many = walk.many[key]
        if not few.status == many.status == 200:
            found.append(f"{key}: status {few.status} then {many.status}")
            continue
        written = [s for s in few.statements + many.statements
                   if s.lstrip().upper().startswith(WRITES)]
        if written:
            found.append(f"{key}: a GET wrote: {written}")
        if len(few.statements) != len(many.statements):
            found.append(f"{key}: at {FEW} rows {_describe(few)}\n  at {MANY} rows "
                         f"{_describe(many)}")
    return found


def test_every_read_issues_the_same_queries_at_10_and_200_rows_and_writes_nothing(
        walk: Walk) -> None:
    found = problems(walk)
    assert not found, f"{len(found)} readings fail:\n" + "\n".join(found)

