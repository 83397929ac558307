"""Catalogue CSV import and export: all or nothing, idempotent, round-trip safe."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.catalogue import csv_io
from app.catalogue.amounts import parse_amount, parse_percent
from app.catalogue.models import CatalogueItem, Framework, FrameworkStatus
from app.catalogue.services import browse
from app.catalogue.services import frameworks as framework_services
from app.catalogue.services import items as item_services
from app.catalogue.services import lots as lot_services
from app.common.admin_log import AdminLogEntry
from app.common.time import today
from app.demo.data import FRAMEWORK_REFERENCE
from app.demo.seed import seed_demo
from app.extensions import db

HEADER = csv_io.HEADER_LINE


@pytest.fixture
def admin(app: Flask, make_user: Callable[..., User]) -> User:
    seed_demo()
    db.session.commit()
    return make_user(Role.ADMIN, language="en")


@pytest.fixture
def framework(admin: User) -> Framework:
    return framework_services.framework_by_reference(FRAMEWORK_REFERENCE)


def row(code: str = "L3-NEW", lot: str = "3", price: str = "650.00", vat: str = "21",
        valid_from: str = "2025-01-01", unit: str = "half_day", title_en: str = "New",
        **texts: str) -> str:
    values = [lot, code, texts.get("title_fr", "Nouveau"), texts.get("title_nl", "Nieuw"),
              title_en, texts.get("description_fr", ""), texts.get("description_nl", ""),
              texts.get("description_en", ""), unit, price, vat, valid_from]
    return ",".join(values)


def csv_text(*rows: str) -> str:
    return "\r\n".join([HEADER, *rows]) + "\r\n"


def snapshot() -> list[tuple[Any, ...]]:
    """Every item version and the size of the admin log: what an import may change."""
    items = db.session.execute(select(CatalogueItem).order_by(CatalogueItem.id)).scalars()
    log = db.session.execute(select(func.count(AdminLogEntry.id))).scalar_one()
    return [(i.code, i.lot_id, i.unit_price_cents, i.vat_rate_bp, i.valid_from, i.valid_to,
             i.title_fr, i.title_nl, i.title_en, i.description_fr, i.unit) for i in items] + [
        ("log", log)]


def run(admin: User, framework: Framework, content: str | bytes,
        dry_run: bool = False) -> csv_io.ImportReport:
    report = csv_io.import_catalogue(admin, framework, content, dry_run=dry_run)
    if report.applied:
        db.session.commit()
    else:
        db.session.rollback()
    return report


def counts(report: csv_io.ImportReport) -> tuple[int, int, int, int]:
    return report.created, report.updated, report.revised, report.unchanged


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


# --- The admin pages -------------------------------------------------------------------------

@pytest.fixture
def admin_client(client: FlaskClient, admin: User, login: Callable[[User], None]) -> FlaskClient:
    login(admin)
    return client


def upload(client: FlaskClient, framework: Framework, content: str | bytes,
           dry_run: bool = False) -> str:
    data: dict[str, Any] = {
        "framework": str(framework.id),
        "file": (io.BytesIO(content.encode() if isinstance(content, str) else content),
                 "catalogue.csv")}
    if dry_run:
        data["dry_run"] = "y"
    response = client.post("/admin/catalogue/import", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_import_page_documents_the_format(admin_client: FlaskClient,
                                              framework: Framework) -> None:
    html = admin_client.get("/admin/catalogue/import").get_data(as_text=True)
    assert HEADER in html
    assert f'<option selected value="{framework.id}">' in html  # the only active framework


def test_the_import_page_shows_the_problems_as_a_table_and_changes_nothing(
        admin_client: FlaskClient, framework: Framework) -> None:
    before = snapshot()
    html = upload(admin_client, framework, csv_text(row("L3-A", lot="42"), row("L3-B",
                                                                               price="x")))
    assert "The file was not imported" in html
    assert "<td>2</td><td><code>lot_number</code></td>" in html
    assert "<td>3</td><td><code>unit_price_eur</code></td>" in html
    assert snapshot() == before


def test_the_import_page_imports_and_shows_the_counts(admin_client: FlaskClient,
                                                      framework: Framework) -> None:
    checked = upload(admin_client, framework, csv_text(row("L3-A")), dry_run=True)
    assert "nothing was changed" in checked
    assert db.session.execute(select(CatalogueItem).where(CatalogueItem.code == "L3-A")).first() \
        is None
    html = upload(admin_client, framework, csv_text(row("L3-A")))
    assert "The file is imported" in html
    assert "<dt>New items</dt><dd>1</dd>" in html
    assert browse.get_current_item("L3-A").lot.number == 3


def test_a_file_is_required(admin_client: FlaskClient, framework: Framework) -> None:
    response = admin_client.post("/admin/catalogue/import", data={"framework": framework.id})
    assert 'id="file-error"' in response.get_data(as_text=True)


def test_the_export_page_downloads_what_the_import_reads(admin_client: FlaskClient,
                                                         admin: User,
                                                         framework: Framework) -> None:
    response = admin_client.get(f"/admin/catalogue/export?framework={framework.id}")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert FRAMEWORK_REFERENCE in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    before = snapshot()
    html = upload(admin_client, framework, response.data)
    assert "The file is imported" in html and snapshot() == before


# --- The command line ------------------------------------------------------------------------

def test_the_cli_exports_and_imports(app: Flask, admin: User, framework: Framework,
                                     tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    exported = runner.invoke(args=["catalogue", "export"])
    assert exported.exit_code == 0, exported.output
    assert exported.output.splitlines()[0] == HEADER
    target = tmp_path / "catalogue.csv"
    assert runner.invoke(args=["catalogue", "export", str(target), "--framework",
                               FRAMEWORK_REFERENCE]).exit_code == 0
    assert target.read_text(encoding="utf-8") == exported.output

    source = tmp_path / "new.csv"
    source.write_text(csv_text(row("L3-CLI")), encoding="utf-8")
    dry = runner.invoke(args=["catalogue", "import", str(source), "--dry-run"])
    assert dry.exit_code == 0 and "would have created 1" in dry.output
    assert db.session.execute(select(CatalogueItem.id).where(CatalogueItem.code == "L3-CLI")
                              ).first() is None
    done = runner.invoke(args=["catalogue", "import", str(source)])
    assert done.exit_code == 0, done.output
    assert "created 1, updated 0, revised 0, unchanged 0" in done.output
    again = runner.invoke(args=["catalogue", "import", str(source),
                                "--framework", FRAMEWORK_REFERENCE])
    assert "created 0, updated 0, revised 0, unchanged 1" in again.output
    entry = db.session.execute(select(AdminLogEntry).where(
        AdminLogEntry.action == "create", AdminLogEntry.entity_type == "catalogue_item")
    ).scalar_one()
    first_admin = db.session.execute(select(User.id).where(User.role == Role.ADMIN)
                                     .order_by(User.id)).scalars().first()
    assert entry.actor_id == first_admin


def test_the_cli_lists_the_problems_and_fails(app: Flask, admin: User, framework: Framework,
                                              tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(csv_text(row("L3-A", lot="42"), row("L3-B", vat="x")), encoding="utf-8")
    before = snapshot()
    result = app.test_cli_runner().invoke(args=["catalogue", "import", str(source)])
    assert result.exit_code == 1
    assert "row 2, lot_number: Framework BPART-2025-001 has no lot 42." in result.output
    assert "row 3, vat_rate_percent:" in result.output
    assert snapshot() == before


def test_the_cli_refuses_without_an_admin_or_a_framework(app: Flask, tmp_path: Path) -> None:
    seed_demo()
    for user in db.session.execute(select(User).where(User.role == Role.ADMIN)).scalars():
        user.active = False
    db.session.commit()
    source = tmp_path / "new.csv"
    source.write_text(csv_text(row()), encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["catalogue", "import", str(source)])
    assert result.exit_code != 0 and "no active admin account" in result.output
    assert "no framework" in runner.invoke(
        args=["catalogue", "export", "--framework", "NOPE"]).output
    framework = framework_services.framework_by_reference(FRAMEWORK_REFERENCE)
    framework.status = FrameworkStatus.EXPIRED
    db.session.commit()
    assert "--framework" in runner.invoke(args=["catalogue", "export"]).output
