"""The ``flask`` commands operators use."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.auth import services
from app.auth.models import Organisation, Role, User
from app.catalogue.models import AwardMethod, CatalogueItem, Lot, LotMembership
from app.common.outbox import OutboxMessage
from app.extensions import db
from app.vendors.models import Vendor


def counts() -> dict[str, int]:
    return {model.__name__: db.session.execute(select(func.count()).select_from(model))
            .scalar_one() for model in (User, Organisation, Vendor, Lot, CatalogueItem,
                                        LotMembership)}


def test_seed_demo_creates_the_six_lots_and_the_documented_accounts(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    lots = db.session.execute(select(Lot).order_by(Lot.number)).scalars().all()
    assert [lot.number for lot in lots] == [1, 2, 3, 4, 5, 6]
    assert lots[1].title_nl == "Ontwerp van participatieprocessen"
    assert any(lot.award_method is AwardMethod.MINI_COMPETITION for lot in lots)
    for lot in lots:
        assert len([m for m in lot.memberships]) >= 3
        assert {m.rank for m in lot.memberships} == set(range(1, len(lot.memberships) + 1))
        assert lot.items and all(item.unit_price_cents > 0 for item in lot.items)
    buyers = [services.user_by_email(f"buyer{i}@demo.example") for i in (1, 2)]
    assert all(b is not None and b.role is Role.BUYER for b in buyers)
    assert buyers[0].organisation_id != buyers[1].organisation_id  # type: ignore[union-attr]
    assert all(b.organisation.may_order for b in buyers)  # type: ignore[union-attr]
    for email, role in [("staff1@demo.example", Role.STAFF), ("staff2@demo.example", Role.STAFF),
                        ("admin@demo.example", Role.ADMIN), ("vendor1@demo.example", Role.VENDOR)]:
        user = services.user_by_email(email)
        assert user is not None and user.role is role
    vendors = db.session.execute(select(func.count(Vendor.id))).scalar_one()
    assert services.user_by_email(f"vendor{vendors}@demo.example") is not None
    assert "demo-participation-2026" in result.output
    assert services.authenticate("staff1@demo.example", "demo-participation-2026") is not None


def test_seed_demo_twice_changes_nothing(app: Flask) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    first = counts()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert counts() == first


def test_seed_demo_uses_demo_password_from_the_environment(app: Flask,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "from the environment")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert "from the environment" not in result.output
    assert services.authenticate("admin@demo.example", "from the environment") is not None


def test_users_create_with_a_password_and_with_an_invitation(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "Ops@Example.org", "--role",
                                 "staff", "--password", "a strong password"])
    assert result.exit_code == 0, result.output
    assert services.authenticate("ops@example.org", "a strong password") is not None
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["users", "create", "--email", "new@example.org", "--role",
                                 "vendor", "--vendor", "Agora Participation SRL"])
    assert result.exit_code == 0, result.output
    assert db.session.execute(select(OutboxMessage).where(
        OutboxMessage.payload["template"].as_string() == "invitation")).scalar_one()


def test_users_create_reports_bad_input_and_creates_nothing(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "b@example.org", "--role",
                                 "buyer", "--password", "short"])
    assert result.exit_code == 1
    assert "organisation:" in result.output and "password:" in result.output
    assert services.user_by_email("b@example.org") is None


def test_tokens_create_prints_a_working_token_on_its_last_line(app: Flask) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["tokens", "create", "--email", "buyer1@demo.example"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.get_json()["email"] == "buyer1@demo.example"


def test_tokens_create_for_an_unknown_user_fails(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["tokens", "create", "--email", "no@example.org"])
    assert result.exit_code == 1


def test_sweep_reports_what_it_re_enqueued(app: Flask) -> None:
    from app.common import outbox

    outbox.queue("email", {"to": "a@example.org", "subject": "s", "body": "b"})
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["sweep"])
    assert "outbox: 1 due, 1 enqueued" in result.output
