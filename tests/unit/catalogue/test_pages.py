"""The public catalogue pages: lots, items, filters, pagination, prices per language, queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import gettext, ngettext
from sqlalchemy import select

from app.auth.models import User
from app.catalogue.models import (
    AwardMethod,
    CatalogueItem,
    Framework,
    FrameworkStatus,
    Lot,
    LotMembership,
    MembershipStatus,
    Unit,
)
from app.common.i18n import in_language
from app.demo.seed import seed_demo
from app.extensions import db
from app.vendors.models import Vendor
from tests import factories
from tests.factories import PASSWORD
from tests.unit.helpers import count_queries

ITEM_LINK = re.compile(r'href="/catalogue/items/([^"]+)"')




def ntr(language: str, singular: str, plural: str, num: int) -> str:
    with in_language(language):
        return str(ngettext(singular, plural, num))


def tr(language: str, msgid: str, **variables: object) -> str:
    """``msgid`` as the app renders it in ``language`` (catalogues are written later)."""
    with in_language(language):
        return str(gettext(msgid, **variables))


def get(client: FlaskClient, path: str, language: str = "en", **params: str) -> tuple[int, str]:
    response = client.get(path, query_string=params, headers={"Accept-Language": language})
    return response.status_code, unescape(response.get_data(as_text=True))


def codes(html: str) -> list[str]:
    return ITEM_LINK.findall(html)


def lot_id(number: int) -> int:
    return int(db.session.execute(select(Lot.id).where(Lot.number == number)).scalar_one())


@pytest.fixture
def demo(app: Flask) -> None:
    seed_demo()
    db.session.commit()


def add_items(lot: Lot, count: int, prefix: str = "TEST", title: str = "Atelier d'essai",
              unit: Unit = Unit.WORKSHOP, price: int = 10000) -> None:
    for n in range(count):
        db.session.add(CatalogueItem(
            lot=lot, code=f"{prefix}-{n:03d}", title_fr=f"{title} {n}", title_nl=f"Test {n}",
            title_en=f"Test {n}", unit=unit, unit_price_cents=price + n,
            valid_from=date(2025, 1, 1)))
    db.session.commit()


# --- Browsing -------------------------------------------------------------------------------

def test_catalogue_shows_the_lots_in_the_readers_language_and_the_first_page_of_items(
        client: FlaskClient, demo: None) -> None:
    status, html = get(client, "/catalogue/", "nl")
    assert status == 200
    assert '<html lang="nl">' in html
    assert "<h1>" in html
    lots = db.session.execute(select(Lot).order_by(Lot.number)).scalars().all()
    for lot in lots:
        assert lot.title_nl in html and lot.description_nl in html
        assert lot.title_fr not in html
        assert f'href="/catalogue/lots/{lot.id}"' in html
    assert tr("nl", "Mini-competition") in html and tr("nl", "Cascade (by rank)") in html
    total = db.session.execute(select(CatalogueItem)).scalars().all()
    assert len(codes(html)) == 20 < len(total)
    assert 'role="status"' in html
    assert ntr("nl", "%(num)s item found.", "%(num)s items found.", len(total)) in html
    assert 'aria-label="' + tr("nl", "Pages") + '"' in html


def test_catalogue_lots_show_how_many_active_vendors_they_have(client: FlaskClient,
                                                               demo: None) -> None:
    lot = db.session.get(Lot, lot_id(5))
    assert lot is not None
    active = [m for m in lot.memberships if m.status is MembershipStatus.ACTIVE]
    active[0].status = MembershipStatus.SUSPENDED
    db.session.commit()
    _status, html = get(client, "/catalogue/")
    section = html.split(f'href="/catalogue/lots/{lot.id}"', 1)[1].split("</li>", 1)[0]
    assert f"<dd>{len(active) - 1}</dd>" in section


def test_every_demo_lot_has_at_least_five_items_with_texts_in_three_languages(
        client: FlaskClient, demo: None) -> None:
    for number in range(1, 7):
        _status, html = get(client, f"/catalogue/lots/{lot_id(number)}")
        assert len(codes(html)) >= 5
    items = db.session.execute(select(CatalogueItem)).scalars().all()
    assert all(i.title_fr and i.title_nl and i.title_en and i.description_fr
               and i.description_nl and i.description_en for i in items)
    vendors = db.session.execute(select(Vendor)).scalars().all()
    assert all(v.contact_email and v.contact_email.endswith("@demo.example")
               and v.presentation_fr and v.presentation_nl and v.presentation_en
               for v in vendors)


# --- Filters --------------------------------------------------------------------------------

def test_search_box_filters_items(client: FlaskClient, demo: None) -> None:
    _status, html = get(client, "/catalogue/", q="World Café")
    assert codes(html) == ["L3-WORLDCAFE"]
    assert ntr("en", "%(num)s item found.", "%(num)s items found.", 1) in html
    assert 'value="World Café"' in html  # the box keeps what was typed


@pytest.mark.parametrize("query", ["évaluation", "evaluation", "EVALUATION", "Évaluation"])
def test_search_ignores_accents_and_case(client: FlaskClient, demo: None, query: str) -> None:
    _status, reference = get(client, "/catalogue/", q="evaluation")
    _status, html = get(client, "/catalogue/", q=query)
    assert "L6-REPORT" in codes(html)
    assert codes(html) == codes(reference)


def test_search_matches_word_prefixes_not_word_middles(client: FlaskClient, demo: None) -> None:
    _status, html = get(client, "/catalogue/", q="facilit", lot=str(lot_id(3)))
    assert "L3-WS-HALF" in codes(html)
    _status, html = get(client, "/catalogue/", q="begeleiding workshop")
    assert codes(html) == ["L3-WS-HALF"]
    _status, html = get(client, "/catalogue/", q="luation")
    assert codes(html) == []
    assert tr("en", "No item matches these filters.") in html


def test_lot_filter(client: FlaskClient, demo: None) -> None:
    _status, html = get(client, "/catalogue/", lot=str(lot_id(4)))
    found = codes(html)
    assert found and all(code.startswith("L4-") for code in found)
    assert "L4-KIT" in found
    assert f'<option selected value="{lot_id(4)}">' in html


def test_unit_filter(client: FlaskClient, demo: None) -> None:
    _status, html = get(client, "/catalogue/", unit="half_day")
    half_days = db.session.execute(select(CatalogueItem.code).where(
        CatalogueItem.unit == Unit.HALF_DAY)).scalars().all()
    assert sorted(codes(html)) == sorted(half_days) and "L3-WS-HALF" in half_days


@pytest.mark.parametrize(("typed", "expected"), [
    ("1 000", 100000), ("1.000,00", 100000), ("€ 1000", 100000), ("1000.5", 100050)])
def test_price_range_is_typed_in_euros(client: FlaskClient, demo: None, typed: str,
                                       expected: int) -> None:
    _status, html = get(client, "/catalogue/", min_price=typed)
    prices: dict[str, int] = {
        code: price for code, price in db.session.execute(
            select(CatalogueItem.code, CatalogueItem.unit_price_cents))}
    matching = [code for code, price in prices.items() if price >= expected]
    assert codes(html) and all(prices[code] >= expected for code in codes(html))
    assert ntr("en", "%(num)s item found.", "%(num)s items found.", len(matching)) in html
    assert f'value="{typed}"' in html


def test_maximum_price(client: FlaskClient, demo: None) -> None:
    _status, html = get(client, "/catalogue/", max_price="450")
    cheap = db.session.execute(select(CatalogueItem.code).where(
        CatalogueItem.unit_price_cents <= 45000)).scalars().all()
    assert sorted(codes(html)) == sorted(cheap) and "L5-RECRUIT" in cheap


def test_filters_combine(client: FlaskClient, demo: None) -> None:
    _status, html = get(client, "/catalogue/", lot=str(lot_id(5)), unit="half_day",
                        min_price="400", max_price="600", q="rue")
    assert codes(html) == ["L5-STREET"]
    _status, html = get(client, "/catalogue/", lot=str(lot_id(5)), unit="half_day",
                        min_price="400", max_price="600", q="enfants")
    assert codes(html) == []


def test_pagination_links_keep_the_filters(client: FlaskClient, demo: None) -> None:
    lot = db.session.get(Lot, lot_id(2))
    assert lot is not None
    add_items(lot, 25)
    _status, first = get(client, "/catalogue/", q="essai", lot=str(lot.id), unit="workshop")
    assert codes(first) == [f"TEST-{n:03d}" for n in range(20)]
    assert ntr("en", "%(num)s item found.", "%(num)s items found.", 25) in first
    next_link = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert next_link is not None
    url = urlsplit(next_link.group(1))
    assert url.path == "/catalogue/" and url.fragment == "items-title"
    assert parse_qs(url.query) == {"q": ["essai"], "lot": [str(lot.id)], "unit": ["workshop"],
                                   "page": ["2"]}
    second = unescape(client.get(next_link.group(1)).get_data(as_text=True))
    assert codes(second) == [f"TEST-{n:03d}" for n in range(20, 25)]
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert 'aria-current="page"' in second


def test_a_page_past_the_end_goes_to_the_last_page(client: FlaskClient, demo: None) -> None:
    response = client.get("/catalogue/", query_string={"q": "atelier", "page": "99"})
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.location).query) == {"q": ["atelier"], "page": ["1"]}
    assert client.get("/catalogue/?page=nonsense").status_code == 200


# --- Bad filter input -----------------------------------------------------------------------

@pytest.mark.parametrize(("params", "field"), [
    ({"min_price": "cheap"}, "min_price"),
    ({"max_price": "12,345"}, "max_price"),
    ({"max_price": "-5"}, "max_price"),
    ({"min_price": "Infinity"}, "min_price"),
    ({"min_price": "sNaN"}, "min_price"),
    ({"min_price": "99999999999999"}, "min_price"),
    ({"min_price": "500", "max_price": "100"}, "max_price"),
    ({"unit": "barrel"}, "unit"),
    ({"lot": "9999"}, "lot"),
    ({"lot": "two"}, "lot"),
    ({"q": "x" * 201}, "q"),
])
def test_bad_filter_input_shows_a_field_error(client: FlaskClient, demo: None,
                                              params: dict[str, str], field: str) -> None:
    status, html = get(client, "/catalogue/", "fr", **params)
    assert status == 200
    assert f'id="{field}-error"' in html
    assert re.search(rf'<(input|select)[^>]*aria-invalid="true"[^>]*id="{field}"', html) or \
        re.search(rf'<(input|select)[^>]*id="{field}"[^>]*aria-invalid="true"', html)
    assert f'href="#{field}"' in html  # the error summary links to the field
    assert tr("fr", "There is a problem") in html
    assert codes(html) == []
    assert tr("fr", "Correct the filters to see the items.") in html


# --- Lot and item pages ---------------------------------------------------------------------

def test_lot_page_shows_its_items_and_ranked_active_vendors(client: FlaskClient,
                                                            demo: None) -> None:
    lot = db.session.get(Lot, lot_id(3))
    assert lot is not None
    members = sorted((m for m in lot.memberships if m.status is MembershipStatus.ACTIVE),
                     key=lambda m: m.rank)
    members[1].vendor.active = False
    db.session.commit()
    status, html = get(client, f"/catalogue/lots/{lot.id}", "fr")
    assert status == 200
    assert f"<h1>{tr('fr', 'Lot %(number)s: %(title)s', number=3, title=lot.title_fr)}</h1>" \
        in html
    assert lot.description_fr in html
    assert {"L3-WS-HALF", "L3-MEETING"} <= set(codes(html))
    assert all(code.startswith("L3-") for code in codes(html))
    ranking = html.split('<ol class="ranking">', 1)[1].split("</ol>", 1)[0]
    links = re.findall(r'href="/facilitators/(\d+)"', ranking)
    assert links == [str(m.vendor_id) for m in members if m.vendor.active]
    assert str(members[1].vendor_id) not in links


def test_mini_competition_lot_explains_its_award_method(client: FlaskClient, demo: None) -> None:
    lot = db.session.get(Lot, lot_id(5))
    assert lot is not None and lot.award_method is AwardMethod.MINI_COMPETITION
    _status, html = get(client, f"/catalogue/lots/{lot.id}")
    assert tr("en", "Mini-competition") in html


@pytest.mark.parametrize(("language", "excl", "incl", "since"), [
    ("fr", "650,00\xa0€", "786,50\xa0€", "1 janvier 2025"),
    ("nl", "€\xa0650,00", "€\xa0786,50", "1 januari 2025"),
])
def test_item_page_shows_prices_excl_and_incl_vat_per_language(
        client: FlaskClient, demo: None, language: str, excl: str, incl: str,
        since: str) -> None:
    status, html = get(client, "/catalogue/items/L3-WS-HALF", language)
    assert status == 200
    item = db.session.execute(select(CatalogueItem).where(
        CatalogueItem.code == "L3-WS-HALF")).scalar_one()
    assert f"<h1>{getattr(item, f'title_{language}')}</h1>" in html
    assert getattr(item, f"description_{language}") in html
    assert f'data-testid="price-excl-vat">{excl}<' in html
    assert f'data-testid="price-incl-vat">{incl}<' in html
    assert 'data-testid="vat-rate">21%<' in html
    assert since in html
    assert tr(language, "Half-day") in html
    assert f'href="/catalogue/lots/{item.lot_id}"' in html


def test_item_page_shows_the_current_price_only(client: FlaskClient, demo: None) -> None:
    old = db.session.execute(select(CatalogueItem).where(
        CatalogueItem.code == "L4-KIT")).scalar_one()
    old.valid_to = date(2025, 12, 31)
    db.session.add(CatalogueItem(lot_id=old.lot_id, code="L4-KIT", title_fr=old.title_fr,
                                 title_nl=old.title_nl, title_en=old.title_en, unit=old.unit,
                                 unit_price_cents=600000, vat_rate_bp=2100,
                                 valid_from=date(2026, 1, 1)))
    db.session.commit()
    _status, html = get(client, "/catalogue/items/L4-KIT", "fr")
    assert "6\u202f000,00\xa0€" in html and "5\u202f400,00\xa0€" not in html
    assert "1 janvier 2026" in html


@pytest.mark.parametrize("path", ["/catalogue/items/NOPE", "/catalogue/lots/99999",
                                  "/catalogue/lots/abc"])
def test_unknown_item_or_lot_is_404(client: FlaskClient, demo: None, path: str) -> None:
    assert client.get(path).status_code == 404


def test_withdrawn_item_is_404(client: FlaskClient, demo: None) -> None:
    item = db.session.execute(select(CatalogueItem).where(
        CatalogueItem.code == "L6-DAY")).scalar_one()
    item.valid_to = date(2025, 6, 30)
    db.session.commit()
    assert client.get("/catalogue/items/L6-DAY").status_code == 404
    _status, html = get(client, "/catalogue/", q="L6-DAY")
    assert codes(html) == []


# --- Queries --------------------------------------------------------------------------------

def _framework_with_a_lot() -> Lot:
    framework = Framework(reference="QC-1", title_fr="AC", title_nl="RO", title_en="FA",
                          start_date=date(2025, 1, 1), end_date=date(2029, 12, 31),
                          max_value_cents=10**9, status=FrameworkStatus.ACTIVE)
    lot = Lot(framework=framework, number=1, title_fr="Lot", title_nl="Perceel",
              title_en="Lot", award_method=AwardMethod.CASCADE)
    db.session.add(lot)
    for rank in (1, 2, 3):
        db.session.add(LotMembership(lot=lot, vendor=Vendor(name=f"QC vendor {rank}"),
                                     rank=rank))
    db.session.commit()
    return lot


@pytest.mark.parametrize("path", ["/catalogue/", "/catalogue/?q=atelier&unit=workshop",
                                  "/catalogue/lots/{lot}"])
def test_pages_issue_the_same_number_of_queries_with_10_and_200_items(
        client: FlaskClient, app: Flask, path: str) -> None:
    lot = _framework_with_a_lot()
    add_items(lot, 10, title="Atelier")
    url = path.format(lot=lot.id)
    client.get(url)  # warm-up: nothing cached in the first count
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add_items(lot, 190, prefix="MORE", title="Atelier")
    second_lot = Lot(framework=lot.framework, number=2, title_fr="Lot 2", title_nl="Perceel 2",
                     title_en="Lot 2", award_method=AwardMethod.MINI_COMPETITION)
    db.session.add(second_lot)
    db.session.add(LotMembership(lot=second_lot, vendor=Vendor(name="QC vendor 4"), rank=1))
    db.session.commit()
    add_items(second_lot, 20, prefix="OTHER", title="Atelier")
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), (few, many)
    assert len(few) <= 8, few


def test_a_buyer_can_order_from_an_item_page(client: FlaskClient,
                                             make_user: Callable[..., User]) -> None:
    code = factories.item().code
    anonymous = client.get(f"/catalogue/items/{code}").get_data(as_text=True)
    assert f"/orders/new?item={code}" not in anonymous and "/login?next=" in anonymous
    buyer = make_user()
    client.post("/login", data={"email": buyer.email, "password": PASSWORD})
    page = client.get(f"/catalogue/items/{code}").get_data(as_text=True)
    assert f"/orders/new?item={code}" in page
