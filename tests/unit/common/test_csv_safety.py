"""CSV exports never hand a spreadsheet a formula, and the importer reads them back."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from flask import Flask

from app.auth.models import Role, User
from app.catalogue import csv_io
from app.catalogue.models import Framework, Unit
from app.catalogue.services import browse
from app.catalogue.services import items as item_services
from app.common.csv_safe import read_cell, safe_cell
from app.extensions import db
from tests import factories

DANGEROUS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+32 2 123 45 67", "-Atelier",
             "@SUM(A1:A2)", "\tindent", "\rreturn", "=1+2"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_a_cell_that_a_spreadsheet_would_run_is_prefixed_with_a_quote(value: str) -> None:
    assert safe_cell(value) == "'" + value
    assert read_cell(safe_cell(value)) == value


@pytest.mark.parametrize("value", ["Atelier", "", "850.00", "-12.50", "+3", "21", "-7",
                                   "'quoted", "l'atelier", 850, -3])
def test_plain_text_and_numbers_are_left_as_they_are(value: object) -> None:
    assert safe_cell(value) == value
    assert read_cell(str(value)) == str(value)


@pytest.mark.parametrize("value", ["'=x", "''-y", "'@z"])
def test_text_that_already_starts_with_a_quote_and_a_trigger_survives_the_round_trip(
        value: str) -> None:
    assert safe_cell(value) == "'" + value
    assert read_cell(safe_cell(value)) == value


def test_a_file_typed_in_a_spreadsheet_keeps_its_leading_characters() -> None:
    # Without the exporter's quote, what the user typed is what is imported.
    assert read_cell("=x") == "=x" and read_cell("-x") == "-x"


@pytest.fixture
def admin(app: Flask, make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN, language="en")


@pytest.fixture
def framework(admin: User) -> Framework:
    """A framework with lots 1 to 3; lot 2 offers the day item ``L2-DAY``."""
    made = factories.framework()
    lots = [factories.lot(made, number=number, vendors=1) for number in (1, 2, 3)]
    factories.item(lots[1], code="L2-DAY", unit=Unit.DAY)
    return made


def _cells(exported: str, code: str) -> dict[str, str]:
    rows = list(csv.reader(io.StringIO(exported, newline="")))
    return next(dict(zip(rows[0], row, strict=True)) for row in rows[1:] if row[1] == code)


def test_the_catalogue_export_is_formula_safe_and_imports_back_unchanged(
        admin: User, framework: Framework) -> None:
    item = browse.get_current_item("L2-DAY")
    texts = {"title_fr": "=HYPERLINK(\"http://evil.example\")", "title_nl": "-Dag",
             "title_en": "@day", "description_fr": "+32 2 123 45 67",
             "description_nl": "'=quoted", "description_en": item.description_en}
    item_services.update_item_texts(admin, "L2-DAY", texts, "day")
    db.session.commit()
    exported = csv_io.export_catalogue(framework)
    cells = _cells(exported, "L2-DAY")
    assert cells["title_fr"] == "'=HYPERLINK(\"http://evil.example\")"
    assert cells["title_nl"] == "'-Dag"
    assert cells["title_en"] == "'@day"
    assert cells["description_fr"] == "'+32 2 123 45 67"
    assert cells["description_nl"] == "''=quoted"
    # Numeric columns stay numbers a spreadsheet can add up.
    assert cells["unit_price_eur"][0].isdigit() and cells["vat_rate_percent"] == "21"
    assert cells["lot_number"].isdigit()
    report = csv_io.import_catalogue(admin, framework, exported)
    assert report.ok, report.errors
    assert report.created == report.updated == report.revised == 0
    db.session.commit()
    again = browse.get_current_item("L2-DAY")
    assert {name: getattr(again, name) for name in texts} == texts


def test_an_imported_title_with_a_quote_prefix_is_stored_without_it(
        admin: User, framework: Framework) -> None:
    line = ",".join(["3", "L3-FORMULA", "'=Atelier", "'-Werkshop", "Workshop", "", "", "",
                     "half_day", "650.00", "21", "2025-01-01"])
    report = csv_io.import_catalogue(admin, framework, csv_io.HEADER_LINE + "\r\n" + line)
    assert report.ok, report.errors
    created = browse.get_current_item("L3-FORMULA")
    assert (created.title_fr, created.title_nl) == ("=Atelier", "-Werkshop")
