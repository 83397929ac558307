"""Helpers the catalogue test modules share (their fixtures are in conftest.py).

``build_api_catalogue`` makes, row by row, the small catalogue the API tests read exactly.

``build_world`` makes a small catalogue with the factories: one active framework, six lots
whose vendors are ranked 1, 2, 3…, and a few items with texts in three languages. The codes
and prices echo the demo's so the assertions read alike, but nothing here needs the demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.auth.models import User
from app.catalogue import csv_io
from app.catalogue.models import (
    AwardMethod,
    CatalogueItem,
    Framework,
    FrameworkStatus,
    Lot,
    LotMembership,
    Unit,
)
from app.catalogue.services import lots as lot_services
from app.common.admin_log import AdminLogEntry
from app.extensions import db
from app.vendors.models import Vendor
from tests import factories

WORLD_REFERENCE = "WORLD-2025-001"

# lot number, code, French, Dutch and English titles, unit, price excl. VAT in cents.
WORLD_ITEMS = [
    (1, "L1-PROC", "Processus participatif complet", "Volledig participatietraject",
     "Complete participatory process", Unit.LUMP_SUM, 2_450_000),
    (1, "L1-DAY", "Journée de coordination de projet", "Dag projectcoördinatie",
     "Project coordination day", Unit.DAY, 85_000),
    (2, "L2-DAY", "Journée de conception méthodologique", "Dag methodologisch ontwerp",
     "Methodology design day", Unit.DAY, 90_000),
    (3, "L3-WS-HALF", "Animation d'atelier (demi-journée)",
     "Begeleiding van een workshop (halve dag)", "Workshop facilitation (half-day)",
     Unit.HALF_DAY, 65_000),
    (3, "L3-MEETING", "Animation d'une réunion publique",
     "Begeleiding van een openbare vergadering", "Facilitation of a public meeting",
     Unit.WORKSHOP, 120_000),
    (4, "L4-KIT", "Kit de communication bilingue FR/NL", "Tweetalige communicatiekit FR/NL",
     "Bilingual FR/NL communication kit", Unit.LUMP_SUM, 550_000),
    (5, "L5-RECRUIT", "Recrutement de participants (par personne)",
     "Rekrutering van deelnemers (per persoon)", "Recruitment of participants (per person)",
     Unit.ITEM, 4_500),
    (6, "L6-REPORT", "Rapport d'évaluation", "Evaluatieverslag", "Evaluation report",
     Unit.LUMP_SUM, 450_000),
]


@dataclass
class World:
    """The factory-built catalogue: its framework and its lots by number."""

    framework: Framework
    lots: dict[int, Lot]

    def item(self, code: str) -> CatalogueItem:
        return db.session.execute(
            select(CatalogueItem).where(CatalogueItem.code == code)
            .order_by(CatalogueItem.valid_from)).scalars().first()  # type: ignore[return-value]

    def vendors(self) -> list[Vendor]:
        return list(db.session.execute(select(Vendor).order_by(Vendor.id)).scalars())


def build_world() -> World:
    """Lot 1: three vendors; lot 2: five; lot 3: four; lots 4 to 6 share lot 1's three
    vendors, lot 5 by mini-competition, the others by cascade. Twelve vendors in all; every
    ceiling 2 000 000 €."""
    framework = factories.framework(reference=WORLD_REFERENCE)
    lots: dict[int, Lot] = {}
    for number, vendors in ((1, 3), (2, 5), (3, 4)):
        lots[number] = factories.lot(framework, number=number, vendors=vendors,
                                     ceiling_cents=200_000_000)
    shared = [m.vendor for m in sorted(lots[1].memberships, key=lambda m: m.rank)]
    for number in (4, 5, 6):
        method = AwardMethod.MINI_COMPETITION if number == 5 else AwardMethod.CASCADE
        lots[number] = factories.lot(framework, number=number, vendors=shared,
                                     award_method=method, ceiling_cents=200_000_000)
    for number, code, fr, nl, en, unit, price in WORLD_ITEMS:
        factories.item(lots[number], code=code, title_fr=fr, title_nl=nl, title_en=en,
                       unit=unit, unit_price_cents=price, valid_from=date(2025, 1, 1))
    return World(framework, lots)


# --- The API tests' catalogue ---------------------------------------------------------------

API_LOTS = [
    (1, "Mission globale de A à Z", "Globale opdracht van A tot Z", "Global assignment, A to Z",
     AwardMethod.CASCADE, 200_000_000),
    (2, "Conception de processus participatifs", "Ontwerp van participatieprocessen",
     "Design of participatory processes", AwardMethod.MINI_COMPETITION, None),
    (3, "Animation de processus et de réunions", "Begeleiding van processen en vergaderingen",
     "Facilitation of processes and meetings", AwardMethod.CASCADE, 50_000_000),
]
API_ITEMS = [
    (1, "L1-PROC", "Processus participatif complet", "Volledig participatietraject",
     "Complete participatory process", Unit.LUMP_SUM, 2_450_000),
    (1, "L1-DAY", "Journée de coordination de projet", "Dag projectcoördinatie",
     "Project coordination day", Unit.DAY, 85_000),
    (2, "L2-PANEL", "Conception d'un panel citoyen", "Ontwerp van een burgerpanel",
     "Design of a citizen panel", Unit.LUMP_SUM, 980_000),
    (2, "L2-DAY", "Journée de conception méthodologique", "Dag methodologisch ontwerp",
     "Methodology design day", Unit.DAY, 90_000),
    (3, "L3-WS-HALF", "Animation d'atelier (demi-journée)",
     "Begeleiding van een workshop (halve dag)", "Workshop facilitation (half-day)",
     Unit.HALF_DAY, 65_000),
    (3, "L3-MEETING", "Animation d'une réunion publique",
     "Begeleiding van een openbare vergadering", "Facilitation of a public meeting",
     Unit.WORKSHOP, 120_000),
    (3, "L3-RECRUIT", "Recrutement de participants", "Rekrutering van deelnemers",
     "Recruitment of participants", Unit.ITEM, 4_500),
]


@dataclass
class Catalogue:
    """The API tests' catalogue: its framework, lots by number and vendors by nickname."""

    framework: Framework
    lots: dict[int, Lot]
    vendors: dict[str, Vendor]

    def item(self, code: str) -> CatalogueItem:
        return db.session.execute(
            select(CatalogueItem).where(CatalogueItem.code == code)).scalar_one()


def build_api_catalogue() -> Catalogue:
    """Three lots, seven items and five vendors (one without lot, one inactive), made
    row by row: the API tests check exact titles, texts, ranks and counts."""
    framework = Framework(reference="TEST-1", title_fr="Accord", title_nl="Overeenkomst",
                          title_en="Agreement", start_date=date(2025, 1, 1),
                          end_date=date(2029, 12, 31), max_value_cents=10**9,
                          status=FrameworkStatus.ACTIVE)
    lots = {number: Lot(framework=framework, number=number, title_fr=fr, title_nl=nl,
                        title_en=en, award_method=method, ceiling_cents=ceiling,
                        response_working_days=5)
            for number, fr, nl, en, method, ceiling in API_LOTS}
    for lot_number, code, fr, nl, en, unit, price in API_ITEMS:
        db.session.add(CatalogueItem(lot=lots[lot_number], code=code, title_fr=fr,
                                     title_nl=nl, title_en=en, unit=unit,
                                     unit_price_cents=price, vat_rate_bp=2100,
                                     valid_from=date(2025, 1, 1)))
    vendors = {
        "agora": Vendor(name="Agora Participation SRL", service_languages="fr,nl",
                        contact_email="secret-contact@agora.example",
                        enterprise_number="0123.456.749",
                        presentation_fr="Démocratie délibérative.",
                        presentation_nl="Deliberatieve democratie."),
        "stad": Vendor(name="Stad in Gesprek VZW", service_languages="nl,fr,en",
                       presentation_fr="Dialogues de quartier.",
                       presentation_nl="Buurtdialogen.", presentation_en="Neighbourhood talks."),
        "pixel": Vendor(name="Pixel Commun SC", service_languages="fr"),
        "dormant": Vendor(name="Dormant SRL", contact_email="x@dormant.example"),
        "inactive": Vendor(name="Zz Inactive SA", active=False),
    }
    db.session.add_all([framework, *lots.values(), *vendors.values()])
    for lot_number, name, rank in ((1, "agora", 1), (1, "pixel", 2), (1, "inactive", 3),
                                   (2, "stad", 1), (2, "agora", 2),
                                   (3, "stad", 1), (3, "agora", 2)):
        db.session.add(LotMembership(lot=lots[lot_number], vendor=vendors[name], rank=rank))
    db.session.commit()
    return Catalogue(framework, lots, vendors)


def add_items(lot: Lot, count: int, prefix: str = "X", price: int = 10_000,
              unit: Unit = Unit.DAY) -> None:
    """``count`` more items in ``lot``, coded ``{prefix}-0000``…"""
    for n in range(count):
        db.session.add(CatalogueItem(
            lot_id=lot.id, code=f"{prefix}-{n:04d}", title_fr=f"Article {prefix} {n}",
            title_nl=f"Artikel {prefix} {n}", title_en=f"Item {prefix} {n}", unit=unit,
            unit_price_cents=price + n, vat_rate_bp=2100, valid_from=date(2025, 1, 1)))
    db.session.commit()


# --- Admin pages -----------------------------------------------------------------------------

def lot_number(number: int) -> Lot:
    """The lot numbered ``number`` (the tests' worlds have one framework)."""
    return db.session.execute(select(Lot).where(Lot.number == number)).scalar_one()


def active_ranking(lot: Lot) -> list[int]:
    """The vendor ids of the lot's active members, by rank, fresh from the database."""
    db.session.expire_all()
    return [m.vendor_id for m in lot_services.active_members(db.session.get(Lot, lot.id))]


def log_count(action: str | None = None) -> int:
    """How many admin log entries (of ``action``, if given)."""
    query = select(func.count(AdminLogEntry.id))
    if action:
        query = query.where(AdminLogEntry.action == action)
    return int(db.session.execute(query).scalar_one())


def table_counts() -> dict[str, int]:
    """Rows per catalogue table and in the admin log: what an admin form may change."""
    return {model.__name__: int(db.session.execute(select(func.count()).select_from(model))
                                .scalar_one())
            for model in (Framework, Lot, LotMembership, CatalogueItem, Vendor, AdminLogEntry)}


def page(client: FlaskClient, path: str) -> str:
    """The HTML of a page that must answer 200."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


# --- Catalogue CSV files -----------------------------------------------------------------------

HEADER = csv_io.HEADER_LINE


def row(code: str = "L3-NEW", lot: str = "3", price: str = "650.00", vat: str = "21",
        valid_from: str = "2025-01-01", unit: str = "half_day", title_en: str = "New",
        **texts: str) -> str:
    """One CSV line of an item (a new half-day item in lot 3 unless told)."""
    values = [lot, code, texts.get("title_fr", "Nouveau"), texts.get("title_nl", "Nieuw"),
              title_en, texts.get("description_fr", ""), texts.get("description_nl", ""),
              texts.get("description_en", ""), unit, price, vat, valid_from]
    return ",".join(values)


def csv_text(*rows: str) -> str:
    """A catalogue file: the header, then ``rows``."""
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
    """Import ``content`` as the CLI and the page do: committed if applied, else rolled back."""
    report = csv_io.import_catalogue(admin, framework, content, dry_run=dry_run)
    if report.applied:
        db.session.commit()
    else:
        db.session.rollback()
    return report


def counts(report: csv_io.ImportReport) -> tuple[int, int, int, int]:
    """Created, updated, revised, unchanged."""
    return report.created, report.updated, report.revised, report.unchanged


def first_membership() -> LotMembership:
    return db.session.execute(select(LotMembership).order_by(LotMembership.id)
                              .limit(1)).scalar_one()


def problem_of(response: Any, status: int) -> dict[str, Any]:
    """A problem+json answer with ``status``, as a dict."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["type"] == "about:blank" and body["title"]
    return dict(body)
