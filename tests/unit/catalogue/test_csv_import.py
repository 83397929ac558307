"""Catalogue CSV import and export through the service: all or nothing, idempotent,
round-trip safe; and how amounts and VAT rates are read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask

from app.auth.models import Role, User
from app.catalogue import csv_io
from app.catalogue.amounts import parse_amount, parse_percent
from app.catalogue.models import Framework
from app.catalogue.services import browse
from app.catalogue.services import frameworks as framework_services
from app.catalogue.services import items as item_services
from app.catalogue.services import lots as lot_services
from app.common.time import today
from app.extensions import db

from .support import (
    HEADER,
    counts,
    csv_text,
    row,
    run,
    snapshot,
)

# --- Importing -------------------------------------------------------------------------------

def test_a_valid_file_creates_its_items(admin: User, framework: Framework) -> None:
    report = run(admin, framework, csv_text(
        row("L3-NEW", description_en='"Two facilitators, with a comma"'),
        row("L5-NEW", lot="5", price='"1250,50"', vat="6", unit="item")))
    assert report.ok and report.applied and counts(report) == (2, 0, 0, 0)
    new = browse.get_current_item("L3-NEW")
    assert new.unit_price_cents == 65_000 and new.vat_rate_bp == 2100
    assert new.description_en == "Two facilitators, with a comma"
    other = browse.get_current_item("L5-NEW")
    assert other.unit_price_cents == 125_050 and other.vat_rate_bp == 600
    assert other.lot.number == 5


def test_every_bad_row_is_reported_and_nothing_changes(admin: User,
                                                       framework: Framework) -> None:
    yesterday = (today() - timedelta(days=1)).isoformat()
    before = snapshot()
    report = run(admin, framework, csv_text(
        row("L3-GOOD"),                                   # row 2: fine, yet not imported
        row("L3-BAD1", lot="42"),                          # row 3
        row("L3-BAD2", price="twelve", vat="150"),         # row 4
        row("bad code!", valid_from="01/02/2025"),         # row 5
        row("L3-GOOD", title_en=""),                       # row 6: duplicate, no title
        row("L1-DAY", lot="1", price="999", valid_from=yesterday),  # row 7: past revision
        row("L1-PROC", lot="2"),                           # row 8: moves lot
        "3,L3-SHORT,only,four",                            # row 9
        row("L3-UNIT", unit="hour"),                       # row 10
    ))
    assert not report.ok and not report.applied
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (3, "lot_number"), (4, "unit_price_eur"), (4, "vat_rate_percent"), (5, "code"),
        (5, "valid_from"), (6, "code"), (6, "title_en"), (7, "valid_from"),
        (8, "lot_number"), (9, ""), (10, "unit")}
    reasons = {(e.row, e.column): e.reason for e in report.errors}
    assert "has no lot 42" in reasons[(3, "lot_number")]
    assert "row 2" in reasons[(6, "code")]
    assert "today or later" in reasons[(7, "valid_from")]
    assert "Expected 12 values, found 4" in reasons[(9, "")]
    assert [e.row for e in report.errors] == sorted(e.row or 0 for e in report.errors)
    assert snapshot() == before


@pytest.mark.parametrize("header, problem", [
    (HEADER.replace(",valid_from", ""), (1, "valid_from")),
    (HEADER + ",colour", (1, "colour")),
    (HEADER.replace("unit_price_eur", "code"), (1, "unit_price_eur")),
])
def test_missing_or_extra_columns_are_reported_on_row_one(
        admin: User, framework: Framework, header: str, problem: tuple[int, str]) -> None:
    before = snapshot()
    report = run(admin, framework, header + "\r\n" + row() + "\r\n")
    assert problem in {(e.row, e.column) for e in report.errors}
    assert snapshot() == before


def test_columns_may_come_in_any_order(admin: User, framework: Framework) -> None:
    columns = list(reversed(csv_io.COLUMNS))
    values = dict(zip(csv_io.COLUMNS, row().split(","), strict=True))
    content = ",".join(columns) + "\n" + ",".join(values[c] for c in columns) + "\n"
    report = run(admin, framework, content)
    assert report.ok and report.created == 1


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    ("\ufeff".encode() + HEADER.encode() + b"\r\n", "no items"),
    (HEADER.encode("utf-16"), "UTF-8"),
    ((HEADER + "\r\n" + row().replace("Nouveau", "Nouv\xe9")).encode("latin-1"), "UTF-8"),
    ((HEADER + '\r\n3,"unclosed').encode(), "not valid CSV"),
])
def test_files_that_are_not_a_catalogue_are_refused(admin: User, framework: Framework,
                                                    content: bytes, reason: str) -> None:
    report = run(admin, framework, content)
    assert not report.ok and reason in report.errors[0].reason


def test_a_byte_order_mark_is_accepted(admin: User, framework: Framework) -> None:
    content = ("\ufeff" + csv_text(row(title_en="Évaluation"))).encode("utf-8")
    report = run(admin, framework, content)
    assert report.ok and report.created == 1
    assert browse.get_current_item("L3-NEW").title_en == "Évaluation"


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
        admin: User, framework: Framework) -> None:
    next_month = (today() + timedelta(days=30)).isoformat()
    content = csv_text(row("L3-NEW"), row("L1-DAY", lot="1", price="900", valid_from=next_month,
                                          title_fr="Journée de coordination de projet",
                                          title_nl="Dag projectcoördinatie",
                                          title_en="Project coordination day",
                                          unit="day"))
    first = run(admin, framework, content)
    assert first.ok, first.errors
    assert counts(first)[0] == 1 and first.revised == 1
    after_first = snapshot()
    second = run(admin, framework, content)
    assert second.ok and counts(second) == (0, 0, 0, 2)
    assert snapshot() == after_first


def test_export_then_import_is_a_no_op(admin: User, framework: Framework) -> None:
    # Some texts that need quoting, and a price revision already scheduled.
    item = browse.get_current_item("L2-DAY")
    item_services.update_item_texts(admin, "L2-DAY", {
        "title_fr": 'Journée "méthodo", conception', "title_nl": item.title_nl,
        "title_en": item.title_en, "description_fr": "Ligne 1\nLigne 2",
        "description_nl": "", "description_en": ""}, "day")
    item_services.revise_price(admin, "L2-DAY", 95_000, 2100, today() + timedelta(days=5))
    db.session.commit()
    exported = csv_io.export_catalogue(framework)
    assert exported.splitlines()[0] == HEADER
    assert '"Journée ""méthodo"", conception"' in exported
    codes = {line.split(",")[1] for line in exported.splitlines()[1:] if line.count(",") > 5}
    assert "L1-DAY" in codes
    before = snapshot()
    report = run(admin, framework, exported)
    assert report.ok and report.created == report.updated == report.revised == 0
    assert report.unchanged == len(csv_io.current_items(framework))
    assert snapshot() == before


def test_a_future_price_adds_a_revision_and_old_dates_keep_the_old_price(
        admin: User, framework: Framework) -> None:
    current = browse.get_current_item("L1-DAY")
    next_month = today() + timedelta(days=30)
    exported = csv_io.export_catalogue(framework)
    line = next(x for x in exported.splitlines() if ",L1-DAY," in x)
    changed = line.replace(",850.00,21,", ",900.00,21,").replace(
        f",{current.valid_from.isoformat()}", f",{next_month.isoformat()}")
    report = run(admin, framework, HEADER + "\n" + changed + "\n")
    assert report.ok and counts(report) == (0, 0, 1, 0)
    assert browse.price_on("L1-DAY", today()).unit_price_cents == 85_000
    assert browse.price_on("L1-DAY", date(2025, 6, 1)).unit_price_cents == 85_000
    assert browse.price_on("L1-DAY", next_month).unit_price_cents == 90_000
    assert browse.price_on("L1-DAY", next_month - timedelta(days=1)).valid_to == (
        next_month - timedelta(days=1))
    # The same price changed in place, without a new date, is refused.
    report = run(admin, framework, HEADER + "\n" + line.replace(",850.00,", ",870.00,") + "\n")
    assert [(e.column, "today or later" in e.reason) for e in report.errors] == [
        ("valid_from", True)]


def test_changed_texts_update_every_version_without_a_new_price(
        admin: User, framework: Framework) -> None:
    item_services.revise_price(admin, "L1-DAY", 90_000, 2100, today() + timedelta(days=3))
    db.session.commit()
    exported = csv_io.export_catalogue(framework)
    line = next(x for x in exported.splitlines() if ",L1-DAY," in x)
    report = run(admin, framework, HEADER + "\n" + line.replace(
        "Project coordination day", "Coordination day").replace(",day,", ",half_day,") + "\n")
    assert report.ok and counts(report) == (0, 1, 0, 0)
    versions = browse.price_history("L1-DAY")
    assert len(versions) == 2
    assert {(v.title_en, v.unit.value) for v in versions} == {("Coordination day", "half_day")}


def test_a_dry_run_counts_but_changes_nothing(admin: User, framework: Framework) -> None:
    before = snapshot()
    report = run(admin, framework, csv_text(row("L3-NEW")), dry_run=True)
    assert report.ok and not report.applied and report.created == 1
    assert snapshot() == before


def test_an_item_of_another_framework_cannot_be_imported_into_this_one(
        admin: User, framework: Framework) -> None:
    other = framework_services.create_framework(admin, framework_services.FrameworkData(
        reference="OTHER-1", title_fr="Autre", title_nl="Ander", title_en="Other",
        start_date=date(2025, 1, 1), end_date=date(2026, 12, 31), max_value_cents=1,
        status="draft"))
    lot_services.create_lot(admin, lot_services.LotData(
        framework_id=other.id, number=1, title_fr="x", title_nl="x", title_en="x",
        description_fr="", description_nl="", description_en="", award_method="cascade",
        ceiling_cents=None, response_working_days=5))
    db.session.commit()
    report = run(admin, other, csv_text(row("L1-DAY", lot="1")))
    assert [(e.row, e.column) for e in report.errors] == [(2, "code")]


def test_the_import_needs_an_admin(app: Flask, framework: Framework,
                                   make_user: Callable[..., User]) -> None:
    from app.common.errors import Forbidden

    with pytest.raises(Forbidden):
        csv_io.import_catalogue(make_user(Role.STAFF), framework, csv_text(row()))


@pytest.mark.parametrize("text, cents", [("1250", 125_000), ("1250.50", 125_050),
                                         ("1 250,50", 125_050), ("€ 1.250,50", 125_050),
                                         ("9.000.000", 900_000_000), ("0.5", 50)])
def test_amounts_are_read_as_people_type_them(text: str, cents: int) -> None:
    assert parse_amount(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "1e5", "-3", "0,001", "1.250", "12,345", "NaN"])
def test_ambiguous_or_impossible_amounts_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


def test_vat_rates_are_read_in_percent() -> None:
    assert [parse_percent(t) for t in ("21", "6 %", "12,5", "0")] == [2100, 600, 1250, 0]
    for bad in ("", "x", "-1", "12.345"):
        with pytest.raises(ValueError):
            parse_percent(bad)
