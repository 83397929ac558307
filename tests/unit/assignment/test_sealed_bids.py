"""Bids are sealed (DESIGN §1): on the order page and in the API's events, each reader finds
what it may see of the vendors' answers, and nothing more — for every kind of answer, in a
cascade, a redispatched cascade and open, awarded and escalated mini-competitions."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth import services as auth
from app.auth.models import User
from app.extensions import db
from app.orders import audit
from tests.unit.assignment.sealed_bids_world import SCENARIOS, World, secrets_of
from tests.unit.helpers import page_text

Clients = Callable[[User], FlaskClient]
# Each scenario and the readers of its order (the assigned vendor only where there is one).
CASES = [(name, reader) for name in SCENARIOS for reader in ("staff", "buyer", "vendor")
         if reader != "vendor" or name in ("cascade", "redispatched", "awarded_competition")]


def reader_of(world: World, demo_world: dict[str, User], reader: str) -> User:
    if reader == "vendor":
        assert world.assigned is not None
        return world.assigned.user
    return demo_world["staff1" if reader == "staff" else "buyer1"]


def bearer(user: User) -> dict[str, str]:
    _row, token = auth.create_api_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def assert_absent(raw: str, secrets: list[str]) -> None:
    """Not in the raw text, nor once HTML entities are decoded; numbers as whole numbers."""
    decoded = page_text_of(raw)
    for secret in secrets:
        if secret.isdigit():
            assert not re.search(rf"\b{secret}\b", raw), secret
        else:
            assert secret not in raw and secret not in decoded, secret


def page_text_of(raw: str) -> str:
    import html

    return html.unescape(raw)


def named_ids(raw: str) -> set[int]:
    return {int(found) for found in re.findall(r'"vendor_id":\s*(\d+)', raw)}


@pytest.mark.parametrize(("name", "reader"), CASES)
def test_the_order_page_shows_each_reader_what_it_may_see(
        demo_world: dict[str, User], demo_client_for: Clients, name: str, reader: str) -> None:
    world = SCENARIOS[name](demo_world)
    response = demo_client_for(reader_of(world, demo_world, reader)).get(
        f"/orders/{world.order.id}")
    assert response.status_code == 200
    raw, text = response.get_data(as_text=True), page_text(response)
    for expected in world.page_shown[reader]:
        assert expected in text, expected
    assert_absent(raw, world.hidden[reader])


@pytest.mark.parametrize(("name", "reader"), CASES)
def test_the_api_events_show_each_reader_what_it_may_see(
        demo_world: dict[str, User], app: Flask, name: str, reader: str) -> None:
    world = SCENARIOS[name](demo_world)
    user = reader_of(world, demo_world, reader)
    response = app.test_client().get(f"/api/v1/orders/{world.order.id}/events",
                                     headers=bearer(user))
    assert response.status_code == 200
    raw, events = response.get_data(as_text=True), response.get_json()
    text = json.dumps(events, ensure_ascii=False)  # "é", not "\u00e9"
    for expected in world.api_shown[reader]:
        assert expected in text, expected
    assert_absent(raw, world.hidden[reader])
    assert_absent(text, world.hidden[reader])
    assert set(world.shown_ids[reader]) <= named_ids(raw)
    assert not set(world.hidden_ids[reader]) & named_ids(raw)
    # The chain hash is for staff: over a hidden payload it would let a price be guessed.
    hashes = [event["hash"] for event in events]
    if reader == "staff":
        # Staff read the whole trail, as written, and it still verifies.
        db.session.refresh(world.order)
        assert [e["seq"] for e in events] == list(range(1, world.order.audit_count + 1))
        assert all(len(h) == 64 for h in hashes) and hashes[-1] == world.order.audit_head
        assert audit.verify()[1] is None
    else:
        assert hashes and all(h is None for h in hashes)
    actions = [event["action"] for event in events]
    assert "vendor_asked" in actions
    if reader != "staff":
        # No vendor user is named by id to the buyer, nor another company's to a vendor.
        vendor_users = {b.user.id for b in world.bids
                        if reader == "buyer" or b.vendor_id != user.vendor_id}
        assert not vendor_users & {e["actor_id"] for e in events}


@pytest.mark.parametrize("name", ["cascade", "open_competition", "awarded_competition"])
def test_the_buyer_reads_anonymous_lines_for_the_open_answers(
        demo_world: dict[str, User], app: Flask, name: str) -> None:
    world = SCENARIOS[name](demo_world)
    events = app.test_client().get(f"/api/v1/orders/{world.order.id}/events",
                                   headers=bearer(demo_world["buyer1"])).get_json()
    declined = [e for e in events if e["action"] == "vendor_declined"]
    assert declined and all(e["reason"] == "" and e["payload"] == {} for e in declined)
    asked = [e for e in events if e["action"] == "vendor_asked"]
    assert len(asked) == len(world.bids) and all(e["payload"] == {} for e in asked)


@pytest.mark.parametrize("name", ["cascade", "redispatched", "awarded_competition"])
def test_the_assigned_vendor_reads_only_its_own_attempts(
        demo_world: dict[str, User], app: Flask, name: str) -> None:
    world = SCENARIOS[name](demo_world)
    assert world.assigned is not None
    own = [b.attempt_id for b in world.bids if b.vendor_id == world.assigned.vendor_id]
    events = app.test_client().get(f"/api/v1/orders/{world.order.id}/events",
                                   headers=bearer(world.assigned.user)).get_json()
    about = [e["payload"].get("attempt_id") for e in events
             if e["action"].startswith("vendor_")]
    assert about and set(about) == set(own)
    escalations = [e for e in events if e["action"] == "escalate"]
    assert all(e["payload"] == {} for e in escalations)
    assert {"dispatch", "assign"} <= {e["action"] for e in events}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_losing_vendor_gets_404_and_its_portal_shows_only_its_attempt(
        demo_world: dict[str, User], demo_client_for: Clients, app: Flask, name: str) -> None:
    world = SCENARIOS[name](demo_world)
    loser = world.loser
    assert loser is not None and loser.vendor_id != getattr(world.assigned, "vendor_id", None)
    client = demo_client_for(loser.user)
    assert client.get(f"/orders/{world.order.id}").status_code == 404
    api = app.test_client().get(f"/api/v1/orders/{world.order.id}/events",
                                headers=bearer(loser.user))
    assert api.status_code == 404
    page = client.get(f"/vendor/offers/{loser.attempt_id}")
    assert page.status_code == 200
    text = page_text(page)
    for own in (loser.reason, loser.note, loser.euros if loser.price_cents else ""):
        assert own in text, own
    others = [b for b in world.bids if b.vendor_id != loser.vendor_id]
    assert_absent(page.get_data(as_text=True), secrets_of(*others))
    for other in others:
        assert client.get(f"/vendor/offers/{other.attempt_id}").status_code == 404


def test_the_schema_says_the_hash_is_for_staff_only(app: Flask) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    hash_field = spec["components"]["schemas"]["Event"]["properties"]["hash"]
    assert "null" in json.dumps(hash_field)
    assert "staff" in hash_field["description"].lower()


@pytest.mark.parametrize("name", ["cascade", "awarded_competition", "escalated_competition"])
def test_the_timeline_service_shapes_the_rows_for_the_buyer(
        demo_world: dict[str, User], name: str) -> None:
    from app.assignment import history

    world = SCENARIOS[name](demo_world)
    staff_rows = history.assignment_timeline(demo_world["staff1"], world.order)
    assert [r.vendor for r in staff_rows] == [b.vendor for b in world.bids]
    assert all(r.rank is not None for r in staff_rows)
    rows = history.assignment_timeline(demo_world["buyer1"], world.order)
    assert len(rows) == len(world.bids)
    assert all(r.rank is None and r.reason == "" and not r.conflict_of_interest for r in rows)
    named = {r.vendor for r in rows} - {None}
    assert named == {b.vendor for b in world.bids if b.vendor in world.page_shown["buyer"]
                     or f"The order was assigned to {b.vendor}." in world.page_shown["buyer"]}
    priced = {r.price_cents for r in rows} - {None}
    assert priced == {b.price_cents for b in world.bids
                      if b.price_cents and b.euros in world.page_shown["buyer"]}
    if world.assigned is not None:
        assert history.assignment_timeline(world.assigned.user, world.order) == []
