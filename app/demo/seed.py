"""Seeding the demo data (app.demo.data) and the demo accounts.

Idempotent: running it again finds what exists by its natural key and adds only what is
missing, so ``make run`` can seed on every start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.auth.models import AdhesionStatus, Language, Organisation, Role, User
from app.auth.passwords import hash_password
from app.catalogue.models import (
    CatalogueItem,
    Framework,
    FrameworkStatus,
    Lot,
    LotMembership,
    MembershipStatus,
)
from app.demo.data import (
    FRAMEWORK_REFERENCE,
    INVOICING_DETAILS,
    ITEMS,
    LOT_DESCRIPTIONS,
    LOTS,
    MEMBERSHIPS,
    ORGANISATIONS,
    VENDOR_ENTERPRISE_NUMBERS,
    VENDORS,
)
from app.extensions import db
from app.vendors.models import Vendor

DEFAULT_DEMO_PASSWORD = "demo-participation-2026"  # noqa: S105 - public demo accounts only


@dataclass
class SeedReport:
    password: str
    password_is_default: bool
    accounts: list[tuple[str, str]]


def demo_password() -> tuple[str, bool]:
    value = os.environ.get("DEMO_PASSWORD")
    return (value, False) if value else (DEFAULT_DEMO_PASSWORD, True)


def seed_demo() -> SeedReport:
    """Create what is missing; the caller commits."""
    password, is_default = demo_password()
    password_hash = hash_password(password)

    framework = db.session.execute(
        select(Framework).where(Framework.reference == FRAMEWORK_REFERENCE)
    ).scalar_one_or_none()
    if framework is None:
        framework = Framework(
            reference=FRAMEWORK_REFERENCE,
            title_fr="Accord-cadre de services de participation citoyenne 2025-2029",
            title_nl="Raamovereenkomst voor burgerparticipatiediensten 2025-2029",
            title_en="Framework agreement for citizen participation services 2025-2029",
            start_date=date(2025, 1, 1), end_date=date(2029, 12, 31),
            max_value_cents=1_200_000_000, status=FrameworkStatus.ACTIVE,
        )
        db.session.add(framework)
        db.session.flush()

    lots: dict[int, Lot] = {lot.number: lot for lot in framework.lots}
    for number, fr, nl, en, method in LOTS:
        if number not in lots:
            desc_fr, desc_nl, desc_en = LOT_DESCRIPTIONS[number]
            lots[number] = Lot(framework=framework, number=number, title_fr=fr, title_nl=nl,
                               title_en=en, description_fr=desc_fr, description_nl=desc_nl,
                               description_en=desc_en, award_method=method,
                               ceiling_cents=200_000_000, response_working_days=5)
            db.session.add(lots[number])
    db.session.flush()

    existing_codes = set(db.session.execute(select(CatalogueItem.code)).scalars())
    for lot_number, code, fr, nl, en, unit, price, (desc_fr, desc_nl, desc_en) in ITEMS:
        if code not in existing_codes:
            db.session.add(CatalogueItem(lot=lots[lot_number], code=code, title_fr=fr,
                                         title_nl=nl, title_en=en, description_fr=desc_fr,
                                         description_nl=desc_nl, description_en=desc_en,
                                         unit=unit, unit_price_cents=price, vat_rate_bp=2100,
                                         valid_from=date(2025, 1, 1)))

    vendors: list[Vendor] = []
    for name, languages, email, (pres_fr, pres_nl, pres_en) in VENDORS:
        vendor = db.session.execute(
            select(Vendor).where(Vendor.name == name)
        ).scalar_one_or_none()
        if vendor is None:
            vendor = Vendor(name=name, service_languages=languages, contact_email=email,
                            presentation_fr=pres_fr, presentation_nl=pres_nl,
                            presentation_en=pres_en)
            db.session.add(vendor)
        if vendor.enterprise_number is None:
            vendor.enterprise_number = VENDOR_ENTERPRISE_NUMBERS[name]
        vendors.append(vendor)
    db.session.flush()

    for lot_number, ranking in MEMBERSHIPS.items():
        lot = lots[lot_number]
        members = {m.vendor_id for m in lot.memberships}
        # After the lot's current last rank: an admin may have re-ranked the lot since.
        last = max((m.rank for m in lot.memberships if m.status is MembershipStatus.ACTIVE),
                   default=0)
        for index in ranking:
            if vendors[index].id not in members:
                last += 1
                db.session.add(LotMembership(lot=lot, vendor=vendors[index], rank=last))
    db.session.flush()

    accounts: list[tuple[str, str]] = []

    def ensure_user(email: str, role: Role, name: str, language: Language = Language.FR,
                    organisation: Organisation | None = None,
                    vendor: Vendor | None = None) -> None:
        accounts.append((email, role.value))
        if db.session.execute(select(User.id).where(User.email == email)).first():
            return
        db.session.add(User(email=email, role=role, full_name=name, language=language,
                            organisation=organisation, vendor=vendor,
                            password_hash=password_hash))

    for name, org_type, enterprise_number, email, person, language in ORGANISATIONS:
        org = db.session.execute(
            select(Organisation).where(Organisation.name == name)
        ).scalar_one_or_none()
        if org is None:
            address, contact, contact_email = INVOICING_DETAILS.get(name, (None, None, None))
            org = Organisation(name=name, type=org_type, enterprise_number=enterprise_number,
                               status=AdhesionStatus.APPROVED, invoicing_address=address,
                               invoicing_contact_name=contact,
                               invoicing_contact_email=contact_email)
            db.session.add(org)
        ensure_user(email, Role.BUYER, person, language, organisation=org)
    ensure_user("staff1@demo.example", Role.STAFF, "Sofia Benali")
    ensure_user("staff2@demo.example", Role.STAFF, "Jan Peeters", Language.NL)
    ensure_user("admin@demo.example", Role.ADMIN, "Marie Lambert")
    for position, vendor in enumerate(vendors, start=1):
        ensure_user(f"vendor{position}@demo.example", Role.VENDOR, f"{vendor.name} (demo)",
                    vendor=vendor)
    db.session.flush()
    return SeedReport(password=password, password_is_default=is_default, accounts=accounts)
