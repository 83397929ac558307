"""Staff pages: adhesion decisions, user lists, admin account creation, and who may see them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.auth import services
from app.auth.models import AdhesionStatus, Organisation, Role, User
from app.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.common.outbox import OutboxMessage
from app.extensions import db
from app.vendors.models import Vendor
from tests.unit.helpers import count_queries


def test_staff_approve_a_pending_organisation_and_its_buyers_are_told_in_their_language(
        client: FlaskClient, make_org: Callable[..., Organisation],
        make_user: Callable[..., User], login: Callable[[User], None]) -> None:
    org = make_org(AdhesionStatus.PENDING)
    buyer = make_user(organisation=org, language="nl")
    staff = make_user(Role.STAFF)
    login(staff)
    response = client.post(f"/staff/organisations/{org.id}/approve")
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.status is AdhesionStatus.APPROVED and org.decided_by_id == staff.id
    mail = db.session.execute(select(OutboxMessage)).scalar_one()
    assert mail.payload["to"] == buyer.email and mail.payload["language"] == "nl"


def test_approving_twice_is_a_conflict(client: FlaskClient, make_org: Callable[..., Organisation],
                                       make_user: Callable[..., User],
                                       login: Callable[[User], None]) -> None:
    org = make_org(AdhesionStatus.APPROVED)
    login(make_user(Role.STAFF))
    assert client.post(f"/staff/organisations/{org.id}/approve").status_code == 409


def test_suspending_asks_for_confirmation_and_a_reason(
        client: FlaskClient, make_org: Callable[..., Organisation],
        make_user: Callable[..., User], login: Callable[[User], None]) -> None:
    org = make_org(AdhesionStatus.APPROVED)
    login(make_user(Role.STAFF))
    page = client.get(f"/staff/organisations/{org.id}/suspend")
    assert page.status_code == 200
    db.session.refresh(org)
    assert org.status is AdhesionStatus.APPROVED  # showing the confirmation changes nothing
    no_reason = client.post(f"/staff/organisations/{org.id}/suspend", data={"reason": ""})
    assert 'id="reason-error"' in no_reason.get_data(as_text=True)
    client.post(f"/staff/organisations/{org.id}/suspend", data={"reason": "Unpaid adhesion"})
    db.session.refresh(org)
    assert org.status is AdhesionStatus.SUSPENDED and not org.may_order
    assert org.status_reason == "Unpaid adhesion"


def test_only_staff_decide_adhesions(app: Flask, make_org: Callable[..., Organisation],
                                     make_user: Callable[..., User]) -> None:
    org = make_org(AdhesionStatus.PENDING)
    for role in (Role.BUYER, Role.VENDOR):
        with pytest.raises(Forbidden):
            services.approve_organisation(make_user(role), org.id)
    with pytest.raises(ValidationFailed):
        services.suspend_organisation(make_user(Role.STAFF), org.id, "   ")
    with pytest.raises(NotFound):
        services.approve_organisation(make_user(Role.STAFF), 999_999)
    services.approve_organisation(make_user(Role.ADMIN), org.id)
    with pytest.raises(Conflict):
        services.approve_organisation(make_user(Role.ADMIN), org.id)


def test_a_buyer_sees_only_its_own_organisation(app: Flask, make_org: Callable[..., Organisation],
                                                make_user: Callable[..., User]) -> None:
    mine, other = make_org(), make_org()
    buyer = make_user(organisation=mine)
    assert services.get_organisation(buyer, mine.id) is mine
    with pytest.raises(NotFound):
        services.get_organisation(buyer, other.id)
    with pytest.raises(NotFound):
        services.get_organisation(make_user(Role.VENDOR), mine.id)


STAFF_PAGES = ["/staff/organisations", "/staff/organisations/{org}",
               "/staff/organisations/{org}/suspend", "/staff/users"]


@pytest.mark.parametrize("path", [*STAFF_PAGES, "/staff/users/new"])
@pytest.mark.parametrize("role", [Role.BUYER, Role.VENDOR])
def test_buyers_and_vendors_are_refused_staff_pages(
        client: FlaskClient, make_org: Callable[..., Organisation],
        make_user: Callable[..., User], login: Callable[[User], None], path: str,
        role: Role) -> None:
    org = make_org()
    login(make_user(role))
    assert client.get(path.format(org=org.id)).status_code == 403
    assert client.post(f"/staff/organisations/{org.id}/approve").status_code == 403


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client: FlaskClient,
                                                       make_org: Callable[..., Organisation],
                                                       path: str) -> None:
    response = client.get(path.format(org=make_org().id))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_staff_who_are_not_admins_cannot_create_accounts(client: FlaskClient,
                                                         make_user: Callable[..., User],
                                                         login: Callable[[User], None]) -> None:
    login(make_user(Role.STAFF))
    assert client.get("/staff/users/new").status_code == 403


def test_an_admin_creates_a_vendor_user_who_is_invited_by_email(
        client: FlaskClient, make_user: Callable[..., User],
        make_vendor: Callable[..., Vendor], login: Callable[[User], None]) -> None:
    vendor = make_vendor()
    login(make_user(Role.ADMIN))
    response = client.post("/staff/users/new", data={
        "email": "New.Vendor@Example.org", "full_name": "Nora Vendor", "role": "vendor",
        "vendor": str(vendor.id), "organisation": "0", "language": "en"})
    assert response.status_code == 302
    user = services.user_by_email("new.vendor@example.org")
    assert user is not None and user.vendor_id == vendor.id and user.password_hash is None
    invitation = db.session.execute(select(OutboxMessage)).scalar_one()
    assert invitation.payload["to"] == "new.vendor@example.org"
    assert "/password/reset/" in invitation.payload["body"]
    assert invitation.scrub_after_send


def test_a_vendor_user_needs_a_vendor(client: FlaskClient, make_user: Callable[..., User],
                                      login: Callable[[User], None]) -> None:
    login(make_user(Role.ADMIN))
    response = client.post("/staff/users/new", data={
        "email": "x@example.org", "full_name": "X", "role": "vendor", "vendor": "0",
        "organisation": "0", "language": "fr"})
    assert response.status_code == 200
    assert 'id="vendor-error"' in response.get_data(as_text=True)
    assert services.user_by_email("x@example.org") is None


def test_the_organisation_list_is_paginated_and_filtered(
        client: FlaskClient, make_org: Callable[..., Organisation],
        make_user: Callable[..., User], login: Callable[[User], None]) -> None:
    for _ in range(30):
        make_org(AdhesionStatus.PENDING)
    make_org(AdhesionStatus.SUSPENDED, name="Suspended body")
    login(make_user(Role.STAFF, language="en"))
    first = client.get("/staff/organisations?status=pending").get_data(as_text=True)
    assert "30 organisations" in first and "Page 1 of 2" in first
    assert "Suspended body" not in first
    second = client.get("/staff/organisations?status=pending&page=2").get_data(as_text=True)
    assert second.count("/staff/organisations/") - second.count("/approve") >= 5
    assert client.get("/staff/organisations?page=oops").status_code == 200


def test_a_page_beyond_the_last_goes_to_the_last_and_keeps_the_filter(
        client: FlaskClient, make_org: Callable[..., Organisation],
        make_user: Callable[..., User], login: Callable[[User], None]) -> None:
    make_org(AdhesionStatus.PENDING)
    login(make_user(Role.STAFF, language="en"))
    response = client.get("/staff/organisations?status=pending&page=9")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/organisations?page=1&status=pending")
    users = client.get("/staff/users?role=staff&page=7")
    assert users.status_code == 302 and "role=staff" in users.headers["Location"]


@pytest.mark.parametrize("path", ["/staff/organisations", "/staff/users"])
def test_staff_lists_issue_the_same_number_of_queries_whatever_the_rows(
        app: Flask, client: FlaskClient, make_org: Callable[..., Organisation],
        make_user: Callable[..., User], login: Callable[[User], None], path: str) -> None:
    login(make_user(Role.STAFF))
    for _ in range(3):
        make_user(organisation=make_org())
    make_user(Role.VENDOR)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    for _ in range(20):
        make_user(organisation=make_org())
        make_user(Role.VENDOR)
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(few), (few, many)
