"""Catalogue rules: lot rankings, price history, search, working-day calendar, money."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import Role, User
from app.catalogue.models import LotMembership, MembershipStatus
from app.catalogue.services import browse
from app.catalogue.services import items as item_services
from app.catalogue.services import lots as lot_services
from app.catalogue.services import memberships as membership_services
from app.catalogue.services.texts import TEXT_FIELDS
from app.common.admin_log import AdminLogEntry
from app.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.common.holidays import (
    add_working_days,
    belgian_holidays,
    easter_sunday,
    is_working_day,
    working_day_deadline,
)
from app.common.money import format_eur, incl_vat_cents, parse_eur, vat_cents
from app.common.time import today
from app.extensions import db

from .support import World


@pytest.fixture
def admin(catalogue: World, make_user: Callable[..., User]) -> User:
    """The factory catalogue (support.build_world), and an admin who is not logged in."""
    return make_user(Role.ADMIN)


def lot3_members() -> list[LotMembership]:
    lot = next(lot for lot in lot_services.list_lots() if lot.number == 3)
    db.session.refresh(lot)
    return lot_services.active_members(lot)


# --- Rankings --------------------------------------------------------------------------------

def test_two_active_vendors_cannot_share_a_rank(admin: User) -> None:
    first, second, *_ = lot3_members()
    second.rank = first.rank
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_suspended_vendor_gives_up_its_rank_without_breaking_uniqueness(admin: User) -> None:
    members = lot3_members()
    membership_services.suspend_member(admin, members[0].id, "Capacity problem")
    db.session.commit()
    remaining = lot3_members()
    assert [m.rank for m in remaining] == list(range(1, len(members)))
    assert [m.id for m in remaining] == [m.id for m in members[1:]]
    membership_services.reactivate_member(admin, members[0].id)
    db.session.commit()
    assert lot3_members()[-1].id == members[0].id  # back at the end of the cascade


def test_reordering_gives_ranks_one_to_n_in_the_new_order(admin: User) -> None:
    ids = [m.id for m in lot3_members()]
    membership_services.set_ranking(admin, lot3_members()[0].lot_id, list(reversed(ids)))
    db.session.commit()
    assert [m.id for m in lot3_members()] == list(reversed(ids))
    assert [m.rank for m in lot3_members()] == list(range(1, len(ids) + 1))
    logged = db.session.execute(select(AdminLogEntry).where(AdminLogEntry.action == "rank")
                                ).scalars().all()
    assert {entry.entity_id for entry in logged} >= {ids[0], ids[-1]}
    assert all(entry.before and entry.after and entry.actor_id == admin.id for entry in logged)


def test_a_ranking_that_omits_or_adds_a_vendor_is_refused(admin: User) -> None:
    members = lot3_members()
    with pytest.raises(Conflict):
        membership_services.set_ranking(admin, members[0].lot_id, [m.id for m in members[1:]])
    with pytest.raises(Conflict):
        membership_services.set_ranking(admin, members[0].lot_id, [m.id for m in members] + [999])


def test_moving_up_and_down_swaps_neighbours(admin: User) -> None:
    first, second, *_ = lot3_members()
    membership_services.move_member(admin, second.id, "up")
    db.session.commit()
    assert [m.id for m in lot3_members()[:2]] == [second.id, first.id]
    with pytest.raises(Conflict):
        membership_services.move_member(admin, second.id, "up")


def test_termination_is_final_and_needs_a_reason(admin: User) -> None:
    member = lot3_members()[1]
    with pytest.raises(ValidationFailed):
        membership_services.terminate_member(admin, member.id, " ")
    membership_services.terminate_member(admin, member.id, "Contract ended")
    db.session.commit()
    assert member.status is MembershipStatus.TERMINATED
    assert member.id not in [m.id for m in lot3_members()]
    with pytest.raises(Conflict):
        membership_services.reactivate_member(admin, member.id)
    with pytest.raises(Conflict):
        membership_services.terminate_member(admin, member.id, "again")


def test_a_vendor_joins_a_lot_at_the_end_and_only_once(admin: User) -> None:
    members = lot3_members()
    lot_id = members[0].lot_id
    outsider = next(v for v in membership_services.public_vendors()
                    if v.id not in {m.vendor_id for m in members})
    added = membership_services.add_member(admin, lot_id, outsider.id)
    assert added.rank == len(members) + 1
    with pytest.raises(ValidationFailed):
        membership_services.add_member(admin, lot_id, outsider.id)


def test_only_admins_change_rankings(admin: User, make_user: Callable[..., User]) -> None:
    members = lot3_members()
    for role in (Role.STAFF, Role.BUYER, Role.VENDOR):
        with pytest.raises(Forbidden):
            membership_services.move_member(make_user(role), members[1].id, "up")
    with pytest.raises(NotFound):
        membership_services.move_member(admin, 999_999, "up")


# --- Prices ---------------------------------------------------------------------------------

def test_a_price_revision_keeps_the_old_price_for_old_dates(admin: User) -> None:
    old = browse.get_current_item("L3-WS-HALF")
    start = today() + timedelta(days=10)
    new = item_services.revise_price(admin, "L3-WS-HALF", 70000, 2100, start)
    db.session.commit()
    assert old.valid_to == start - timedelta(days=1)
    assert browse.price_on("L3-WS-HALF", date(2025, 6, 1)).unit_price_cents == 65000
    assert browse.price_on("L3-WS-HALF", start - timedelta(days=1)).id == old.id
    assert browse.price_on("L3-WS-HALF", start).id == new.id
    assert browse.get_current_item("L3-WS-HALF").unit_price_cents == 65000  # until then
    assert browse.get_current_item("L3-WS-HALF", on=start).unit_price_cents == 70000
    assert [v.unit_price_cents for v in browse.price_history("L3-WS-HALF")] == [65000, 70000]
    assert new.title_nl == old.title_nl


def test_a_revision_never_rewrites_a_past_price(admin: User) -> None:
    with pytest.raises(ValidationFailed) as exc:
        item_services.revise_price(admin, "L3-WS-HALF", 1, 2100, today() - timedelta(days=1))
    assert "valid_from" in exc.value.errors
    future = today() + timedelta(days=5)
    item_services.revise_price(admin, "L3-WS-HALF", 70000, 2100, future)
    with pytest.raises(ValidationFailed):
        item_services.revise_price(admin, "L3-WS-HALF", 71000, 2100, future)


@pytest.mark.parametrize(("price", "vat", "field"), [
    (-1, 2100, "unit_price_cents"), (10**12, 2100, "unit_price_cents"),
    (100, -5, "vat_rate_bp"), (100, 10001, "vat_rate_bp")])
def test_a_revision_with_a_bad_amount_names_the_field(admin: User, price: int, vat: int,
                                                      field: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        item_services.revise_price(admin, "L3-WS-HALF", price, vat, today())
    assert field in exc.value.errors


def test_editing_texts_changes_every_version_and_is_logged(admin: User) -> None:
    item_services.revise_price(admin, "L4-KIT", 600000, 2100, today() + timedelta(days=3))
    item = browse.get_current_item("L4-KIT")
    texts = {name: getattr(item, name) for name in TEXT_FIELDS}
    texts["title_en"] = "Bilingual communication kit"
    item_services.update_item_texts(admin, "L4-KIT", texts, "lump_sum")
    db.session.commit()
    assert {v.title_en for v in browse.price_history("L4-KIT")} == {
        "Bilingual communication kit"}
    assert db.session.execute(select(AdminLogEntry).where(AdminLogEntry.action == "update")
                              ).scalars().first() is not None


# --- Search -------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "code"), [
    ("évaluation", "L6-REPORT"), ("EVALUATION", "L6-REPORT"), ("evaluatieverslag", "L6-REPORT"),
    ("facilit", "L3-WS-HALF"), ("begeleiding workshop", "L3-WS-HALF"), ("réunion", "L3-MEETING"),
])
def test_search_ignores_accents_and_case_and_matches_word_prefixes(admin: User, query: str,
                                                                   code: str) -> None:
    codes = [i.code for i in browse.search_items(browse.ItemFilters(q=query)).items]
    assert code in codes


def test_search_does_not_match_inside_words(admin: User) -> None:
    assert browse.search_items(browse.ItemFilters(q="luation")).total == 0


def test_filters_combine_and_pages_are_bounded(admin: User) -> None:
    lot = next(lot for lot in lot_services.list_lots() if lot.number == 3)
    result = browse.search_items(browse.ItemFilters(lot_id=lot.id, unit="half_day"))
    assert {i.code for i in result.items} == {"L3-WS-HALF"}
    cheap = browse.search_items(browse.ItemFilters(max_price_cents=10000))
    assert all(i.unit_price_cents <= 10000 for i in cheap.items) and cheap.total >= 1
    page = browse.search_items(browse.ItemFilters(), page=1, per_page=5)
    assert len(page.items) == 5 and page.pages == -(-page.total // 5)
    with pytest.raises(ValidationFailed):
        browse.search_items(browse.ItemFilters(min_price_cents=500, max_price_cents=100))
    with pytest.raises(ValidationFailed):
        browse.search_items(browse.ItemFilters(unit="barrel"))


# --- Calendar and money --------------------------------------------------------------------

def test_easter_dates() -> None:
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2027) == date(2027, 3, 28)
    assert easter_sunday(2028) == date(2028, 4, 16)


@pytest.mark.parametrize("day", [
    date(2027, 3, 29),   # Easter Monday
    date(2027, 5, 6),    # Ascension
    date(2027, 5, 17),   # Whit Monday
    date(2027, 7, 21),   # National Day
    date(2027, 11, 11),  # Armistice
    date(2027, 1, 1), date(2027, 11, 1), date(2027, 8, 16) - timedelta(days=1),
])
def test_belgian_public_holidays_of_2027(day: date) -> None:
    assert day in belgian_holidays(2027)
    assert not is_working_day(day)


def test_iris_day_is_a_holiday_for_regional_bodies_only() -> None:
    iris = date(2026, 5, 8)  # a Friday
    assert not is_working_day(iris, regional=True)
    assert is_working_day(iris, regional=False)


def test_working_days_skip_weekends_and_holidays() -> None:
    # Friday 26 March 2027 + 2 working days: skip the weekend and Easter Monday.
    assert add_working_days(date(2027, 3, 26), 2) == date(2027, 3, 31)
    assert add_working_days(date(2027, 7, 20), 1) == date(2027, 7, 22)
    assert add_working_days(date(2027, 7, 20), 0) == date(2027, 7, 20)


def test_a_deadline_ends_at_midnight_brussels_time_in_utc() -> None:
    start = datetime(2027, 7, 16, 15, 0, tzinfo=UTC)  # a Friday
    deadline = working_day_deadline(start, 3)
    # Mon 19, Tue 20, (21 July is a holiday), Thu 22 → 23:59:59 CEST = 21:59:59 UTC.
    assert deadline == datetime(2027, 7, 22, 21, 59, 59, tzinfo=UTC)


def test_vat_is_rounded_half_up_to_the_cent() -> None:
    assert vat_cents(65000, 2100) == 13650
    assert vat_cents(5, 2100) == 1      # 1.05 cents
    assert vat_cents(2, 2100) == 0      # 0.42 cents
    assert incl_vat_cents(4500, 600) == 4770


def test_amounts_are_shown_in_the_readers_format() -> None:
    assert format_eur(1250050, "fr") == "12\u202f500,50\u00a0€"
    assert format_eur(1250050, "nl") == "€\u00a012.500,50"


@pytest.mark.parametrize(("text", "cents"), [
    ("1 234,50", 123450), ("1234.5", 123450), ("€ 12", 1200), ("1.234,56", 123456),
    ("0,01", 1)])
def test_typed_amounts_become_cents(text: str, cents: int) -> None:
    assert parse_eur(text) == cents


@pytest.mark.parametrize("text", ["", "-5", "1,234,5", "12.345.6", "0,001", "abc"])
def test_bad_amounts_are_refused(text: str) -> None:
    with pytest.raises((ValueError, ArithmeticError)):
        parse_eur(text)
