"""The JSON API's catalogue items: contract fields, filters, pagination, price versions,
bad parameters and query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from app.catalogue.models import (
    CatalogueItem,
)
from app.common.time import today
from app.extensions import db
from tests.unit.helpers import count_queries

from .support import Catalogue, add_items, problem_of

ITEMS = "/api/v1/catalogue/items"


# --- Items --------------------------------------------------------------------------------

def test_items_have_their_contract_fields_and_types(client: FlaskClient,
                                                    cat: Catalogue) -> None:
    body = client.get(ITEMS).get_json()
    assert set(body) == {"items", "page", "per_page", "total", "pages"}
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 20, 7, 1)
    item = next(i for i in body["items"] if i["code"] == "L1-DAY")
    assert item["id"] == cat.item("L1-DAY").id and item["lot_id"] == cat.lots[1].id
    assert item["title"] == "Journée de coordination de projet"
    assert item["unit"] == "day" and item["unit_price_cents"] == 85000
    assert item["vat_rate"] == 21 and isinstance(item["vat_rate"], int | float)
    assert item["vat_rate_bp"] == 2100 and item["vat_cents"] == 17850
    assert item["unit_price_incl_vat_cents"] == 102850
    assert item["valid_from"] == "2025-01-01" and item["valid_to"] is None
    assert isinstance(item["description"], str)
    # Lot number, then code.
    assert [i["code"] for i in body["items"]] == [
        "L1-DAY", "L1-PROC", "L2-DAY", "L2-PANEL", "L3-MEETING", "L3-RECRUIT", "L3-WS-HALF"]


def test_a_reduced_vat_rate_is_a_decimal_percentage(client: FlaskClient,
                                                    cat: Catalogue) -> None:
    cat.item("L2-DAY").vat_rate_bp = 550
    db.session.commit()
    body = client.get(f"{ITEMS}?q=L2-DAY").get_json()["items"][0]
    assert body["vat_rate"] == 5.5 and body["vat_rate_bp"] == 550
    assert body["unit_price_incl_vat_cents"] == 90000 + 4950


def test_items_filter_by_lot_words_unit_and_price(client: FlaskClient, cat: Catalogue) -> None:
    def codes(query: str) -> list[str]:
        response = client.get(f"{ITEMS}?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return [i["code"] for i in response.get_json()["items"]]

    lot3 = cat.lots[3].id
    assert codes(f"lot={lot3}") == ["L3-MEETING", "L3-RECRUIT", "L3-WS-HALF"]
    assert codes("q=REUNION publique") == ["L3-MEETING"]  # accents and case ignored
    assert codes("q=vergader") == ["L3-MEETING"]  # any language, word prefix
    assert codes("unit=day") == ["L1-DAY", "L2-DAY"]
    assert codes("min_price_cents=900000") == ["L1-PROC", "L2-PANEL"]
    assert codes("max_price_cents=65000") == ["L3-RECRUIT", "L3-WS-HALF"]
    assert codes("min_price_cents=85000&max_price_cents=90000&unit=day") == [
        "L1-DAY", "L2-DAY"]
    assert codes("min_price_cents=4500&max_price_cents=4500") == ["L3-RECRUIT"]
    assert codes(f"lot={lot3}&q=atelier") == ["L3-WS-HALF"]
    assert codes("lot=9999") == []
    assert codes("q=zzzznothing") == []


def test_items_are_paginated_in_the_body(client: FlaskClient, cat: Catalogue) -> None:
    add_items(cat.lots[1], 35)
    first = client.get(f"{ITEMS}?per_page=10").get_json()
    assert (first["total"], first["pages"], first["page"], first["per_page"]) == (42, 5, 1, 10)
    assert len(first["items"]) == 10
    last = client.get(f"{ITEMS}?per_page=10&page=5").get_json()
    assert len(last["items"]) == 2 and last["page"] == 5
    seen = [i["id"] for p in range(1, 6)
            for i in client.get(f"{ITEMS}?per_page=10&page={p}").get_json()["items"]]
    assert len(seen) == len(set(seen)) == 42
    beyond = client.get(f"{ITEMS}?per_page=10&page=9").get_json()
    assert beyond["items"] == [] and beyond["total"] == 42
    assert client.get(f"{ITEMS}?per_page=100").get_json()["pages"] == 1
    empty = client.get(f"{ITEMS}?q=nothingatall").get_json()
    assert (empty["total"], empty["pages"], empty["items"]) == (0, 1, [])


def test_only_todays_prices_are_listed_but_an_old_version_can_be_fetched(
        client: FlaskClient, cat: Catalogue) -> None:
    old = cat.item("L1-DAY")
    old.valid_to = today() - timedelta(days=1)
    db.session.add(CatalogueItem(
        lot_id=old.lot_id, code="L1-DAY", title_fr=old.title_fr, title_nl=old.title_nl,
        title_en=old.title_en, unit=old.unit, unit_price_cents=90000, vat_rate_bp=2100,
        valid_from=today()))
    db.session.commit()
    listed = client.get(f"{ITEMS}?q=L1-DAY").get_json()["items"]
    assert [i["unit_price_cents"] for i in listed] == [90000]
    fetched = client.get(f"{ITEMS}/{old.id}").get_json()
    assert fetched["unit_price_cents"] == 85000
    assert fetched["valid_to"] == (today() - timedelta(days=1)).isoformat()


def test_one_item_and_a_missing_one(client: FlaskClient, cat: Catalogue) -> None:
    response = client.get(f"{ITEMS}/{cat.item('L3-MEETING').id}",
                          headers={"Accept-Language": "en"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == "L3-MEETING" and body["title"] == "Facilitation of a public meeting"
    assert body["unit"] == "workshop" and body["vat_rate"] == 21
    assert body["lot_id"] == cat.lots[3].id
    problem_of(client.get(f"{ITEMS}/999999"), 404)
    problem_of(client.get(f"{ITEMS}/0"), 404)
    problem_of(client.get(f"{ITEMS}/99999999999999999999"), 404)
    problem_of(client.get(f"{ITEMS}/abc"), 404)


@pytest.mark.parametrize(("query", "field"), [
    ("page=0", "page"),
    ("page=-3", "page"),
    ("page=1000001", "page"),
    ("page=two", "page"),
    ("per_page=0", "per_page"),
    ("per_page=1000", "per_page"),
    ("min_price_cents=-1", "min_price_cents"),
    ("max_price_cents=10000000000001", "max_price_cents"),
    ("min_price_cents=1.5", "min_price_cents"),
    ("min_price_cents=99999999999999999999999999999", "min_price_cents"),
    ("unit=barrel", "unit"),
    ("unit=", "unit"),
    ("lot=abc", "lot"),
    ("lot=0", "lot"),
    ("lot=99999999999999999999", "lot"),
    ("q=" + "x" * 201, "q"),
    ("min_price_cents=5000&max_price_cents=100", "max_price_cents"),  # the service's rule
])
def test_a_bad_parameter_is_a_422_problem_naming_it(client: FlaskClient, cat: Catalogue,
                                                    query: str, field: str) -> None:
    body = problem_of(client.get(f"{ITEMS}?{query}"), 422)
    assert list(body["errors"]) == [field]
    assert all(isinstance(m, str) and m for m in body["errors"][field])


def test_every_bad_parameter_is_named_at_once(client: FlaskClient) -> None:
    body = problem_of(client.get(f"{ITEMS}?page=0&per_page=1000&min_price_cents=-1"
                                 "&unit=barrel", headers={"Accept-Language": "en"}), 422)
    assert set(body["errors"]) == {"page", "per_page", "min_price_cents", "unit"}
    assert body["errors"]["unit"] == ["Choose a unit from the list."]


def test_unknown_or_repeated_query_parameters_do_not_crash(client: FlaskClient,
                                                           cat: Catalogue) -> None:
    for query in ("foo=bar", "page=1&page=2", "q=%ff", "q=%E2%82%AC%20%F0%9F%98%80",
                  "per_page=5&sort=price&_=1", "q=" + "%25" * 200):
        response = client.get(f"{ITEMS}?{query}")
        assert response.status_code == 200, (query, response.get_data(as_text=True))
    assert client.get(f"{ITEMS}?q=%00%ff").status_code == 422  # NUL: no column stores it
    assert client.get("/api/v1/lots?x=1").status_code == 200
    assert client.get("/api/v1/vendors?lot=abc").status_code == 200

# --- Query counts -------------------------------------------------------------------------

def test_items_take_the_same_number_of_queries_for_10_or_200_rows(
        client: FlaskClient, cat: Catalogue) -> None:
    db.session.execute(CatalogueItem.__table__.delete())
    db.session.commit()
    add_items(cat.lots[2], 10, "A")
    with count_queries() as few:
        body = client.get(f"{ITEMS}?per_page=100").get_json()
    assert len(body["items"]) == 10
    add_items(cat.lots[1], 95, "B")
    add_items(cat.lots[3], 95, "C")
    with count_queries() as many:
        body = client.get(f"{ITEMS}?per_page=100").get_json()
    assert len(body["items"]) == 100 and body["total"] == 200
    assert {i["lot_id"] for i in body["items"]} == {cat.lots[1].id, cat.lots[2].id}
    assert len(few) == len(many) == 1, (few, many)  # the page and its total, together
