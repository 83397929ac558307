"""Scale data, part one: the parties and the catalogue a national centre would have.

On top of the demo seed (app.demo.seed): organisations with one buyer each up to
``organisations``, catalogue items spread over the six lots up to ``items``, and a few more
ranked vendors per lot, each with a vendor account. Small tables (hundreds to a few thousand
rows), so plain ORM rows added in one flush; the orders (app.demo.bench_orders) are the bulk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from random import Random

from sqlalchemy import func, select

from app.auth.models import AdhesionStatus, Language, Organisation, OrganisationType, Role, User
from app.auth.passwords import hash_password
from app.catalogue.models import (
    AwardMethod,
    CatalogueItem,
    Framework,
    Lot,
    LotMembership,
    MembershipStatus,
    Unit,
)
from app.common.enterprise_number import dotted
from app.demo.seed import demo_password, seed_demo
from app.extensions import db
from app.vendors.models import Vendor

EXTRA_VENDORS_PER_LOT = 2
WORDS = [("Atelier", "Workshop", "Workshop"), ("Animation", "Begeleiding", "Facilitation"),
         ("Rapport", "Verslag", "Report"), ("Enquête", "Enquête", "Survey"),
         ("Panel citoyen", "Burgerpanel", "Citizen panel"), ("Vidéo", "Video", "Video"),
         ("Affiche", "Affiche", "Poster"), ("Marche exploratoire", "Verkenningswandeling",
                                            "Exploratory walk")]
ORG_TYPES = [OrganisationType.COMMUNE, OrganisationType.CPAS,
             OrganisationType.REGIONAL_ADMINISTRATION, OrganisationType.REGIONAL_AGENCY,
             OrganisationType.PUBLIC_INTEREST_BODY, OrganisationType.CITIZEN_COLLECTIVE]


@dataclass
class LotFacts:
    id: int
    award_method: AwardMethod
    # (item id, unit price cents, VAT rate bp) of the current prices
    items: list[tuple[int, int, int]] = field(default_factory=list)
    # (vendor id, rank) of the active members, by rank
    members: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Parties:
    lots: list[LotFacts]
    # (organisation id, buyer user id) of every approved organisation with a buyer
    buyers: list[tuple[int, int]]
    staff: list[int]
    vendor_user: dict[int, int]  # vendor id -> its first vendor account


def ensure_parties(rng: Random, organisations: int, items: int) -> Parties:
    """Seed the demo, then add what is missing up to the given counts; the caller commits."""
    seed_demo()
    framework = db.session.execute(select(Framework).order_by(Framework.id)).scalars().first()
    assert framework is not None
    # The scale data measures speed, not the ceilings: nothing may be refused for room.
    framework.max_value_cents = 10**15
    lots = list(db.session.execute(select(Lot).where(Lot.framework_id == framework.id)
                                   .order_by(Lot.number)).scalars())
    for lot in lots:
        lot.ceiling_cents = None
    password_hash = hash_password(demo_password()[0])
    _add_organisations(organisations, password_hash)
    _add_items(rng, lots, items)
    _add_vendors(lots, password_hash)
    db.session.flush()
    return _facts(lots)


def _add_organisations(wanted: int, password_hash: str) -> None:
    have = db.session.execute(select(func.count(Organisation.id))).scalar_one()
    for n in range(int(have) + 1, wanted + 1):
        org = Organisation(name=f"Bench body {n:04d}", type=ORG_TYPES[n % len(ORG_TYPES)],
                           enterprise_number=_enterprise_number(2_000_000 + n),
                           status=AdhesionStatus.APPROVED,
                           invoicing_address=f"Rue de la Participation {n}, 1000 Bruxelles",
                           invoicing_contact_name=f"Service finances {n}",
                           invoicing_contact_email=f"finances{n}@bench.example")
        db.session.add(org)
        db.session.add(User(email=f"buyer{n}@bench.example", role=Role.BUYER,
                            full_name=f"Buyer {n}", organisation=org,
                            language=[Language.FR, Language.NL][n % 2],
                            password_hash=password_hash))


def _enterprise_number(eight: int) -> str:
    """A valid Belgian number (its last two digits 97 minus the first eight modulo 97)."""
    ten = f"{eight:08d}{97 - eight % 97:02d}"
    return dotted(ten)


def _add_items(rng: Random, lots: list[Lot], wanted: int) -> None:
    have = int(db.session.execute(select(func.count(CatalogueItem.id))).scalar_one())
    units = list(Unit)
    for n in range(have + 1, wanted + 1):
        fr, nl, en = WORDS[n % len(WORDS)]
        db.session.add(CatalogueItem(
            lot_id=lots[n % len(lots)].id, code=f"BENCH-{n:05d}", title_fr=f"{fr} {n}",
            title_nl=f"{nl} {n}", title_en=f"{en} {n}",
            description_fr=f"Prestation de référence {n} : {fr.lower()}.",
            description_nl=f"Referentieprestatie {n}: {nl.lower()}.",
            description_en=f"Reference service {n}: {en.lower()}.",
            unit=units[n % len(units)], unit_price_cents=rng.randrange(5_000, 500_000),
            vat_rate_bp=2100, valid_from=date(2025, 1, 1)))


def _add_vendors(lots: list[Lot], password_hash: str) -> None:
    for lot in lots:
        for k in range(1, EXTRA_VENDORS_PER_LOT + 1):
            name = f"Bench vendor {lot.number}.{k}"
            if db.session.execute(select(Vendor.id).where(Vendor.name == name)).first():
                continue
            vendor = Vendor(name=name, enterprise_number=_enterprise_number(
                                3_000_000 + 10 * lot.number + k),
                            contact_email=f"vendor{lot.number}-{k}@bench.example",
                            presentation_fr=f"Prestataire de référence {lot.number}.{k}.",
                            presentation_nl=f"Referentiedienstverlener {lot.number}.{k}.",
                            presentation_en=f"Reference vendor {lot.number}.{k}.")
            db.session.add(vendor)
            last = max((m.rank for m in lot.memberships
                        if m.status is MembershipStatus.ACTIVE), default=0)
            db.session.add(LotMembership(lot=lot, vendor=vendor, rank=last + 1))
            db.session.add(User(email=f"vendor{lot.number}-{k}@bench.example",
                                role=Role.VENDOR, full_name=f"{name} (bench)", vendor=vendor,
                                password_hash=password_hash))
            db.session.flush()


def _facts(lots: list[Lot]) -> Parties:
    today = date.today()
    facts = {lot.id: LotFacts(lot.id, lot.award_method) for lot in lots}
    for item_id, lot_id, price, vat, valid_from, valid_to in db.session.execute(select(
            CatalogueItem.id, CatalogueItem.lot_id, CatalogueItem.unit_price_cents,
            CatalogueItem.vat_rate_bp, CatalogueItem.valid_from, CatalogueItem.valid_to)
            .order_by(CatalogueItem.id)):
        if lot_id in facts and valid_from <= today and (valid_to is None or today <= valid_to):
            facts[lot_id].items.append((item_id, price, vat))
    for lot_id, vendor_id, rank in db.session.execute(
            select(LotMembership.lot_id, LotMembership.vendor_id, LotMembership.rank)
            .join(Vendor, Vendor.id == LotMembership.vendor_id)
            .where(LotMembership.status == MembershipStatus.ACTIVE, Vendor.active.is_(True))
            .order_by(LotMembership.lot_id, LotMembership.rank)):
        if lot_id in facts:
            facts[lot_id].members.append((vendor_id, rank))
    buyers: dict[int, int] = {}
    for org_id, user_id in db.session.execute(
            select(Organisation.id, User.id).join(User, User.organisation_id == Organisation.id)
            .where(Organisation.status == AdhesionStatus.APPROVED, User.role == Role.BUYER,
                   User.active.is_(True)).order_by(User.id)):
        buyers.setdefault(org_id, user_id)
    staff = list(db.session.execute(select(User.id).where(
        User.role.in_((Role.STAFF, Role.ADMIN)), User.active.is_(True)).order_by(User.id))
        .scalars())
    vendor_user: dict[int, int] = {}
    for company_id, user_id in db.session.execute(
            select(User.vendor_id, User.id).where(User.role == Role.VENDOR,
                                                  User.vendor_id.is_not(None))
            .order_by(User.id)):
        if company_id is not None:
            vendor_user.setdefault(company_id, user_id)
    usable = [f for f in facts.values() if f.items and f.members]
    return Parties(lots=usable, buyers=sorted(buyers.items()), staff=staff,
                   vendor_user=vendor_user)
