"""The JSON API's lots and vendors: contract fields, filters, languages, query counts."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient

from app.catalogue.models import (
    AwardMethod,
    Framework,
    FrameworkStatus,
    Lot,
    LotMembership,
    MembershipStatus,
)
from app.catalogue.services import lots as lot_services
from app.demo.seed import seed_demo
from app.extensions import db
from app.vendors.models import Vendor
from tests.unit.helpers import count_queries

from .support import Catalogue, problem_of

ITEMS = "/api/v1/catalogue/items"


# --- Lots ---------------------------------------------------------------------------------

def test_lots_list_every_lot_with_its_contract_fields(client: FlaskClient,
                                                      cat: Catalogue) -> None:
    response = client.get("/api/v1/lots")
    assert response.status_code == 200 and response.mimetype == "application/json"
    lots = response.get_json()
    assert [lot["number"] for lot in lots] == [1, 2, 3]
    for lot in lots:
        assert isinstance(lot["id"], int) and isinstance(lot["title"], str) and lot["title"]
        assert lot["framework_id"] == cat.framework.id
        assert lot["framework_reference"] == "TEST-1"
        assert lot["committed_cents"] == 0
        assert lot["response_working_days"] == 5
        assert isinstance(lot["description"], str)
    first, second, _third = lots
    assert first["id"] == cat.lots[1].id
    assert first["title"] == "Mission globale de A à Z"  # French by default
    assert first["award_method"] == "cascade" and second["award_method"] == "mini_competition"
    assert first["ceiling_cents"] == first["remaining_cents"] == 200_000_000
    assert second["ceiling_cents"] is None and second["remaining_cents"] is None
    # Active memberships of active vendors only.
    assert [lot["vendors"] for lot in lots] == [2, 2, 2]
    cat.lots[3].memberships[0].status = MembershipStatus.SUSPENDED
    db.session.commit()
    assert client.get("/api/v1/lots").get_json()[2]["vendors"] == 1


def test_committed_value_comes_from_the_service(client: FlaskClient, cat: Catalogue,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lot_services, "committed_cents_by_lot", lambda: {cat.lots[1].id: 1234})
    first, second, _third = client.get("/api/v1/lots").get_json()
    assert first["committed_cents"] == 1234 and first["remaining_cents"] == 200_000_000 - 1234
    assert second["committed_cents"] == 0 and second["remaining_cents"] is None


def test_the_demo_lots(client: FlaskClient) -> None:
    seed_demo()
    db.session.commit()
    lots = client.get("/api/v1/lots").get_json()
    assert [lot["number"] for lot in lots] == [1, 2, 3, 4, 5, 6]
    assert "mini_competition" in {lot["award_method"] for lot in lots}
    assert all(lot["vendors"] >= 3 for lot in lots)


def test_lots_filter_by_framework(client: FlaskClient, cat: Catalogue) -> None:
    framework_id = cat.framework.id
    assert len(client.get(f"/api/v1/lots?framework={framework_id}").get_json()) == 3
    assert client.get(f"/api/v1/lots?framework={framework_id + 1}").get_json() == []
    body = problem_of(client.get("/api/v1/lots?framework=abc"), 422)
    assert list(body["errors"]) == ["framework"]


@pytest.mark.parametrize(("header", "lot_title", "item_title"), [
    ("nl-BE,nl;q=0.9", "Globale opdracht van A tot Z", "Dag projectcoördinatie"),
    ("en", "Global assignment, A to Z", "Project coordination day"),
    ("fr-BE", "Mission globale de A à Z", "Journée de coordination de projet"),
    ("de", "Mission globale de A à Z", "Journée de coordination de projet"),
    ("", "Mission globale de A à Z", "Journée de coordination de projet"),
])
def test_accept_language_switches_the_titles(client: FlaskClient, cat: Catalogue,
                                             header: str, lot_title: str,
                                             item_title: str) -> None:
    headers = {"Accept-Language": header} if header else {}
    lots = client.get("/api/v1/lots", headers=headers).get_json()
    assert lots[0]["title"] == lot_title
    items = client.get(f"{ITEMS}?q=L1-DAY", headers=headers).get_json()
    assert [i["title"] for i in items["items"]] == [item_title]
    item = client.get(f"{ITEMS}/{cat.item('L1-DAY').id}", headers=headers).get_json()
    assert item["title"] == item_title

# --- Vendors ---------------------------------------------------------------------------

def test_vendors_are_public_with_their_lots_and_ranks_and_no_contact(
        client: FlaskClient, cat: Catalogue) -> None:
    response = client.get("/api/v1/vendors", headers={"Accept-Language": "nl"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    text = response.get_data(as_text=True)
    assert "secret-contact" not in text and "@" not in text and "0123.456.749" not in text
    vendors = response.get_json()
    # No lot (Dormant) or not active (Inactive): not listed. By name.
    assert [v["name"] for v in vendors] == [
        "Agora Participation SRL", "Pixel Commun SC", "Stad in Gesprek VZW"]
    agora = vendors[0]
    assert set(agora) == {"id", "name", "service_languages", "presentation", "lots"}
    assert agora["id"] == cat.vendors["agora"].id
    assert agora["service_languages"] == ["fr", "nl"]
    assert agora["presentation"] == "Deliberatieve democratie."
    assert agora["lots"] == [{"lot_id": cat.lots[1].id, "number": 1, "rank": 1},
                             {"lot_id": cat.lots[2].id, "number": 2, "rank": 2},
                             {"lot_id": cat.lots[3].id, "number": 3, "rank": 2}]
    assert vendors[2]["service_languages"] == ["nl", "fr", "en"]


def test_a_suspended_membership_is_not_listed_and_presentation_falls_back_to_french(
        client: FlaskClient, cat: Catalogue) -> None:
    cat.lots[1].memberships[1].status = MembershipStatus.SUSPENDED  # Pixel's only lot
    db.session.commit()
    vendors = client.get("/api/v1/vendors", headers={"Accept-Language": "en"}).get_json()
    assert [v["name"] for v in vendors] == ["Agora Participation SRL", "Stad in Gesprek VZW"]
    agora, stad = vendors
    assert agora["presentation"] == "Démocratie délibérative."  # no English text
    assert stad["presentation"] == "Neighbourhood talks."
    assert [lot["number"] for lot in agora["lots"]] == [1, 2, 3]

def test_lots_take_the_same_number_of_queries_for_few_or_many_lots_and_vendors(
        client: FlaskClient, cat: Catalogue) -> None:
    with count_queries() as few:
        assert len(client.get("/api/v1/lots").get_json()) == 3
    framework = Framework(reference="BIG", title_fr="Grand", title_nl="Groot", title_en="Big",
                          start_date=date(2025, 1, 1), end_date=date(2030, 1, 1),
                          max_value_cents=10**9, status=FrameworkStatus.ACTIVE)
    vendors = [Vendor(name=f"Many {n}") for n in range(20)]
    db.session.add_all([framework, *vendors])
    for number in range(1, 41):
        lot = Lot(framework=framework, number=number, title_fr=f"Lot {number}",
                  title_nl=f"Perceel {number}", title_en=f"Lot {number}",
                  award_method=AwardMethod.CASCADE, ceiling_cents=None)
        db.session.add(lot)
        for rank, vendor in enumerate(vendors, start=1):
            db.session.add(LotMembership(lot=lot, vendor=vendor, rank=rank))
    db.session.commit()
    with count_queries() as many:
        lots = client.get("/api/v1/lots").get_json()
    assert len(lots) == 43 and lots[-1]["vendors"] == 20
    assert len(few) == len(many) == 3, (few, many)  # the lots, the committed, the invoiced


def test_vendors_take_the_same_number_of_queries_for_few_or_many(
        client: FlaskClient, cat: Catalogue) -> None:
    with count_queries() as few:
        assert len(client.get("/api/v1/vendors").get_json()) == 3
    for n in range(30):
        vendor = Vendor(name=f"Extra {n:02d}")
        db.session.add(vendor)
        db.session.add(LotMembership(lot=cat.lots[n % 3 + 1], vendor=vendor, rank=10 + n))
    db.session.commit()
    with count_queries() as many:
        assert len(client.get("/api/v1/vendors").get_json()) == 33
    assert len(few) == len(many), (few, many)
