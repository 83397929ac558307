"""Semicolon-separated catalogue files (Excel in fr-BE and nl-BE), with or without a UTF-8
byte-order mark, are read like comma-separated ones."""

from __future__ import annotations

import pytest

from app.auth.models import User
from app.catalogue import csv_io
from app.catalogue.models import Framework
from app.catalogue.services import browse

from .support import HEADER, counts, run


def _excel_line(*values: str) -> str:
    return ";".join(values)


def _semicolon_file(*rows: tuple[str, ...]) -> str:
    return "\r\n".join([HEADER.replace(",", ";"), *(_excel_line(*r) for r in rows)]) + "\r\n"


ROW = ("3", "L3-SEMI", "Atelier; grand format", "Werkplaats", "Workshop, large", "", "", "",
       "half_day", "1250,50", "6", "2025-01-01")


def _quoted(row: tuple[str, ...]) -> tuple[str, ...]:
    # Excel quotes a cell holding the separator, as RFC 4180 does for commas.
    return tuple(f'"{cell}"' if ";" in cell else cell for cell in row)


@pytest.mark.parametrize("bom", [False, True], ids=["plain", "utf8-bom"])
def test_a_semicolon_file_is_imported(admin: User, framework: Framework, bom: bool) -> None:
    text = _semicolon_file(_quoted(ROW))
    content = ("\ufeff" + text).encode("utf-8") if bom else text.encode("utf-8")
    report = run(admin, framework, content)
    assert report.errors == []
    assert report.applied and counts(report) == (1, 0, 0, 0)
    item = browse.get_current_item("L3-SEMI")
    assert item.unit_price_cents == 125_050 and item.vat_rate_bp == 600
    assert item.title_fr == "Atelier; grand format"
    assert item.title_en == "Workshop, large"  # a comma is plain text in a ; file


def test_a_semicolon_file_with_a_bad_row_reports_that_row_not_missing_columns(
        admin: User, framework: Framework) -> None:
    bad = (*ROW[:9], "douze", "6", "2025-01-01")
    report = run(admin, framework, ("\ufeff" + _semicolon_file(_quoted(bad))).encode())
    assert not report.applied
    assert [(e.row, e.column) for e in report.errors] == [(2, "unit_price_eur")]


def test_the_separator_is_decided_by_the_header_row() -> None:
    assert csv_io.delimiter_of(HEADER + "\r\n1;2;3\r\n") == ","
    assert csv_io.delimiter_of(HEADER.replace(",", ";") + "\r\n1,5,2\r\n") == ";"
