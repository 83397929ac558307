"""Catalogue import and export as CSV, for one framework at a time.

File format
-----------
UTF-8 text (a byte-order mark is accepted), comma-separated, values containing a comma, a
double quote or a line break between double quotes (RFC 4180). Semicolon-separated files,
as Excel saves them in fr-BE and nl-BE, are read too: the header row's separator decides.
The first row names these twelve columns, in any order, and no others::

    lot_number,code,title_fr,title_nl,title_en,description_fr,description_nl,description_en,unit,unit_price_eur,vat_rate_percent,valid_from

==================  ==========================================================================
lot_number          number of a lot of the chosen framework: 1, 2, ...
code                the item's code: 1 to 40 letters, digits, dots, dashes or underscores
title_fr/nl/en      required, at most 300 characters each
description_fr/...  optional, at most 5000 characters each
unit                ``day``, ``half_day``, ``workshop``, ``item`` or ``lump_sum``
unit_price_eur      price per unit excluding VAT, in euros: ``850``, ``1250.50`` (or
                    ``"1250,50"`` between quotes; ``1250,50`` as is in a ``;`` file)
vat_rate_percent    ``21``, ``6``, ``12.5``, ``0``
valid_from          ``YYYY-MM-DD``: the day the row's price applies from
==================  ==========================================================================

Import
------
All or nothing: every row is checked first and any problem is reported as (row, column,
reason), counting the header as row 1 and each record as one row (as a spreadsheet shows
them). Nothing changes unless the whole file is valid. Then, row by row:

- a new code creates the item (``item_services.create_item``);
- a known code whose texts or unit differ updates every version's texts
  (``item_services.update_item_texts``);
- a known code whose price or VAT rate differs from the version valid on the row's
  ``valid_from`` gets a new price from that day (``item_services.revise_price``), which must then
  be today or later, and after the item's latest price start;
- anything else is unchanged.

Importing the same file twice changes nothing the second time, and an export imported back
is a no-op. A row that changes both the texts and the price counts as updated and as revised.

Export
------
The framework's items priced today (or, for an item whose first price is still to come, that
price), one row per code, in lot and code order, in the canonical column order above. A
text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) is written after a single quote (``'=...``), which the import
removes again (app.common.csv_safe).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.models import User
from app.auth.services import require_admin
from app.catalogue.amounts import parse_amount, parse_percent, plain_amount, plain_percent
from app.catalogue.models import CatalogueItem, Framework, Lot
from app.catalogue.services import items as item_services
from app.catalogue.services.texts import TEXT_FIELDS
from app.common.csv_safe import read_cell, safe_row
from app.common.errors import DomainError, ValidationFailed
from app.common.time import today
from app.extensions import db

COLUMNS = ("lot_number", "code", "title_fr", "title_nl", "title_en", "description_fr",
           "description_nl", "description_en", "unit", "unit_price_eur", "vat_rate_percent",
           "valid_from")
HEADER_LINE = ",".join(COLUMNS)
MAX_BYTES = 2 * 1024 * 1024
TEXT_COLUMNS = TEXT_FIELDS
# Which CSV column a service's field error belongs to.
COLUMN_OF_FIELD = {"lot_id": "lot_number", "unit_price_cents": "unit_price_eur",
                   "vat_rate_bp": "vat_rate_percent"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class RowError:
    """One problem: ``row`` counts the header as 1 (None: the whole file); ``column`` may be
    empty when the problem is the whole row."""

    row: int | None
    column: str
    reason: str


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    revised: int = 0
    unchanged: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Planned:
    row: int
    data: item_services.ItemData
    create: bool = False
    texts_changed: bool = False
    price_changed: bool = False


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    if len(content) > MAX_BYTES:
        raise _FileProblem(str(_l("The file is larger than %(size)s MB.",
                                  size=MAX_BYTES // (1024 * 1024))))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _FileProblem(str(_l("The file is not UTF-8 text. Save it as “CSV UTF-8” and "
                                  "try again."))) from exc


class _FileProblem(Exception):
    pass


def delimiter_of(text: str) -> str:
    """``;`` when the header row is semicolon-separated (what Excel writes where the decimal
    separator is a comma, as in fr-BE and nl-BE), else ``,``. The header names hold neither
    character, so counting them on the first line decides."""
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _records(text: str) -> list[list[str]]:
    try:
        # Cells the exporter protected against formula injection ('=...) read back as written.
        return [[read_cell(cell) for cell in record]
                for record in csv.reader(io.StringIO(text, newline=""), strict=True,
                                         delimiter=delimiter_of(text))]
    except csv.Error as exc:
        raise _FileProblem(str(_l("The file is not valid CSV: %(detail)s",
                                  detail=str(exc)))) from exc


def _check_header(header: list[str], errors: list[RowError]) -> list[str]:
    names = [name.strip().lower() for name in header]
    for name in COLUMNS:
        if name not in names:
            errors.append(RowError(1, name, str(_l("This column is missing."))))
    seen: set[str] = set()
    for name in names:
        if name not in COLUMNS:
            errors.append(RowError(1, name or "?", str(_l("Unknown column."))))
        elif name in seen:
            errors.append(RowError(1, name, str(_l("This column appears twice."))))
        seen.add(name)
    return names


def _existing_versions(codes: list[str]) -> dict[str, list[CatalogueItem]]:
    """Every version of the given codes, oldest first (one query per 500 codes)."""
    found: dict[str, list[CatalogueItem]] = {}
    for start in range(0, len(codes), 500):
        rows = db.session.execute(
            select(CatalogueItem).where(CatalogueItem.code.in_(codes[start:start + 500]))
            .order_by(CatalogueItem.code, CatalogueItem.valid_from)
        ).scalars()
        for row in rows:
            found.setdefault(row.code, []).append(row)
    return found


def _parse_row(number: int, values: dict[str, str], lots: dict[int, Lot],
               framework: Framework) -> tuple[item_services.ItemData, list[RowError]]:
    errors: list[RowError] = []

    def problem(column: str, reason: str) -> None:
        errors.append(RowError(number, column, reason))

    lot: Lot | None = None
    raw_lot = values["lot_number"].strip()
    if not raw_lot.isdigit():
        problem("lot_number", str(_l("Enter the lot's number, for example 3.")))
    else:
        lot = lots.get(int(raw_lot))
        if lot is None:
            problem("lot_number", str(_l("Framework %(reference)s has no lot %(number)s.",
                                         reference=framework.reference, number=raw_lot)))
    price = vat = -1
    try:
        price = parse_amount(values["unit_price_eur"])
    except ValueError:
        problem("unit_price_eur", str(_l("Enter an amount in euros, for example 1250.50.")))
    try:
        vat = parse_percent(values["vat_rate_percent"])
    except ValueError:
        problem("vat_rate_percent", str(_l("Enter a percentage, for example 21 or 6.")))
    valid_from = date.min
    raw_date = values["valid_from"].strip()
    try:
        if not _ISO_DATE.fullmatch(raw_date):
            raise ValueError(raw_date)
        valid_from = date.fromisoformat(raw_date)
    except ValueError:
        problem("valid_from", str(_l("Enter a date as YYYY-MM-DD, for example 2026-01-31.")))
    data = item_services.ItemData(
        lot_id=lot.id if lot is not None else -1, code=values["code"].strip(),
        unit=values["unit"].strip(), unit_price_cents=max(price, 0), vat_rate_bp=max(vat, 0),
        valid_from=valid_from, **{name: values[name] for name in TEXT_COLUMNS})
    already = {error.column for error in errors}
    for name, messages in item_services.item_errors(data).items():
        column = COLUMN_OF_FIELD.get(name, name)
        if column not in already:
            problem(column, " ".join(messages))
    return data, errors


def _plan_existing(planned: _Planned, versions: list[CatalogueItem], lots: dict[int, Lot],
                   framework: Framework) -> list[RowError]:
    data, number = planned.data, planned.row
    latest = versions[-1]
    lot_numbers = {lot.id: lot.number for lot in lots.values()}
    if latest.lot_id not in lot_numbers:
        return [RowError(number, "code", str(_l(
            "Item %(code)s belongs to another framework than %(reference)s.",
            code=data.code, reference=framework.reference)))]
    if latest.lot_id != data.lot_id:
        return [RowError(number, "lot_number", str(_l(
            "Item %(code)s is in lot %(number)s; an item cannot move to another lot.",
            code=data.code, number=lot_numbers[latest.lot_id])))]
    planned.texts_changed = latest.unit.value != data.unit or any(
        getattr(latest, name) != getattr(data, name).strip() for name in TEXT_COLUMNS)
    reference = next((v for v in versions if v.valid_on(data.valid_from)), None)
    planned.price_changed = reference is None or (
        reference.unit_price_cents, reference.vat_rate_bp) != (data.unit_price_cents,
                                                               data.vat_rate_bp)
    if not planned.price_changed:
        return []
    if data.valid_from < today():
        reason = _l("The price or VAT rate differs from the one valid on %(day)s: a new price "
                    "must start today or later.", day=data.valid_from.isoformat())
    elif data.valid_from <= latest.valid_from:
        reason = _l("A new price must start after %(day)s.", day=latest.valid_from.isoformat())
    elif (latest.valid_to is not None
          and latest.valid_to < data.valid_from - timedelta(days=1)):
        reason = _l("This item was withdrawn; add it again with a new code instead.")
    else:
        return []
    return [RowError(number, "valid_from", str(reason))]


def check_catalogue(framework: Framework,
                    content: bytes | str) -> tuple[list[_Planned], list[RowError]]:
    """Parse and check the whole file; return what importing it would do, or the problems."""
    try:
        records = _records(_decode(content))
    except _FileProblem as exc:
        return [], [RowError(None, "", str(exc))]
    if not records or not any(cell.strip() for cell in records[0]):
        return [], [RowError(1, "", str(_l("The file is empty: the first row must name the "
                                          "columns.")))]
    errors: list[RowError] = []
    header = _check_header(records[0], errors)
    if errors:
        return [], errors
    lots = {lot.number: lot for lot in db.session.execute(
        select(Lot).where(Lot.framework_id == framework.id)).scalars()}
    planned: list[_Planned] = []
    first_row_of: dict[str, int] = {}
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines, and the empty rows spreadsheets leave at the end
        if len(record) != len(header):
            errors.append(RowError(number, "", str(_l(
                "Expected %(expected)s values, found %(found)s.",
                expected=len(header), found=len(record)))))
            continue
        data, row_errors = _parse_row(number, dict(zip(header, record, strict=True)), lots,
                                      framework)
        if data.code and data.code in first_row_of:
            row_errors.append(RowError(number, "code", str(_l(
                "Code %(code)s already appears on row %(row)s.",
                code=data.code, row=first_row_of[data.code]))))
        first_row_of.setdefault(data.code, number)
        errors.extend(row_errors)
        if not row_errors:
            planned.append(_Planned(number, data))
    if not planned and not errors:
        errors.append(RowError(None, "", str(_l("The file has no items."))))
    existing = _existing_versions([p.data.code for p in planned])
    for item in planned:
        versions = existing.get(item.data.code)
        if versions:
            errors.extend(_plan_existing(item, versions, lots, framework))
        else:
            item.create = True
    errors.sort(key=lambda e: (e.row or 0, COLUMNS.index(e.column)
                               if e.column in COLUMNS else -1))
    return planned, errors


def import_catalogue(actor: User, framework: Framework, content: bytes | str,
                     dry_run: bool = False) -> ImportReport:
    """Check the file, then (unless ``dry_run`` or there is any problem) apply every row.

    Flushes, never commits: the caller commits when ``report.ok`` (and rolls back otherwise).
    """
    require_admin(actor)
    planned, errors = check_catalogue(framework, content)
    report = ImportReport(errors=errors)
    if errors:
        return report
    for item in planned:
        if item.create:
            report.created += 1
        report.updated += item.texts_changed
        report.revised += item.price_changed
        report.unchanged += not (item.create or item.texts_changed or item.price_changed)
    if dry_run:
        return report
    for item in planned:
        data = item.data
        try:
            if item.create:
                item_services.create_item(actor, data)
                continue
            if item.texts_changed:
                item_services.update_item_texts(
                    actor, data.code, {name: getattr(data, name) for name in TEXT_COLUMNS},
                    data.unit)
            if item.price_changed:
                item_services.revise_price(actor, data.code, data.unit_price_cents,
                                      data.vat_rate_bp, data.valid_from)
        except ValidationFailed as exc:  # checked above: only a concurrent change gets here
            report.errors.extend(RowError(item.row, COLUMN_OF_FIELD.get(name, name), " ".join(m))
                                 for name, m in exc.errors.items())
        except DomainError as exc:
            report.errors.append(RowError(item.row, "", exc.message))
    report.applied = report.ok
    return report


def current_items(framework: Framework, on: date | None = None) -> list[CatalogueItem]:
    """One version per code of the framework: the one priced on ``on`` (today), else the
    first one still to come; withdrawn items are left out."""
    on = on or today()
    rows = db.session.execute(
        select(CatalogueItem).join(Lot).where(Lot.framework_id == framework.id)
        .order_by(Lot.number, CatalogueItem.code, CatalogueItem.valid_from)
    ).scalars()
    chosen: dict[str, CatalogueItem] = {}
    for row in rows:
        if row.valid_on(on) or (row.valid_from > on and row.code not in chosen):
            chosen[row.code] = row
    return list(chosen.values())


def export_catalogue(framework: Framework, on: date | None = None) -> str:
    """The framework's current items as CSV text in the import format (no byte-order mark)."""
    lot_numbers = {lot.id: lot.number for lot in db.session.execute(
        select(Lot).where(Lot.framework_id == framework.id)).scalars()}
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in current_items(framework, on):
        writer.writerow(safe_row([
            lot_numbers[item.lot_id], item.code,
            *(getattr(item, name) for name in TEXT_COLUMNS),
            item.unit.value, plain_amount(item.unit_price_cents),
            plain_percent(item.vat_rate_bp), item.valid_from.isoformat()]))
    return out.getvalue()
