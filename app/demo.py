"""Demo data: the real centre's six lots, priced items, ranked vendors and demo accounts.

Idempotent: running it again finds what exists by its natural key and adds only what is
missing, so ``make run`` can seed on every start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.auth.models import AdhesionStatus, Language, Organisation, OrganisationType, Role, User
from app.auth.services import hash_password
from app.catalogue.models import (
    AwardMethod,
    CatalogueItem,
    Framework,
    FrameworkStatus,
    Lot,
    LotMembership,
    Unit,
)
from app.extensions import db
from app.vendors.models import Vendor

DEFAULT_DEMO_PASSWORD = "demo-participation-2026"  # noqa: S105 - public demo accounts only
FRAMEWORK_REFERENCE = "BPART-2025-001"

LOTS = [
    (1, "Mission globale de A à Z", "Globale opdracht van A tot Z", "Global assignment, A to Z",
     AwardMethod.CASCADE),
    (2, "Conception de processus participatifs", "Ontwerp van participatieprocessen",
     "Design of participatory processes", AwardMethod.CASCADE),
    (3, "Animation de processus et de réunions", "Begeleiding van processen en vergaderingen",
     "Facilitation of processes and meetings", AwardMethod.CASCADE),
    (4, "Communication, création de contenu et publicité",
     "Communicatie, contentcreatie en publiciteit", "Communication, content and publicity",
     AwardMethod.CASCADE),
    (5, "Mobilisation des publics et recrutement", "Mobilisatie van doelgroepen en rekrutering",
     "Mobilisation and recruitment of participants", AwardMethod.MINI_COMPETITION),
    (6, "Évaluation et accompagnement du suivi", "Evaluatie en opvolging",
     "Evaluation and follow-up support", AwardMethod.CASCADE),
]

# (lot, code, fr, nl, en, unit, price in cents excl. VAT)
ITEMS = [
    (1, "L1-PROC", "Processus participatif complet (conception, animation, rapport)",
     "Volledig participatietraject (ontwerp, begeleiding, verslag)",
     "Complete participatory process (design, facilitation, report)", Unit.LUMP_SUM, 2450000),
    (1, "L1-DAY", "Journée de coordination de projet", "Dag projectcoördinatie",
     "Project coordination day", Unit.DAY, 85000),
    (2, "L2-PANEL", "Conception d'un panel citoyen tiré au sort",
     "Ontwerp van een burgerpanel door loting", "Design of a citizen panel drawn by lot",
     Unit.LUMP_SUM, 980000),
    (2, "L2-DAY", "Journée de conception méthodologique", "Dag methodologisch ontwerp",
     "Methodology design day", Unit.DAY, 90000),
    (3, "L3-WS-HALF", "Animation d'atelier (demi-journée)",
     "Begeleiding van een workshop (halve dag)",
     "Workshop facilitation (half-day)", Unit.HALF_DAY, 65000),
    (3, "L3-MEETING", "Animation d'une réunion publique",
     "Begeleiding van een openbare vergadering",
     "Facilitation of a public meeting", Unit.WORKSHOP, 120000),
    (4, "L4-KIT", "Kit de communication bilingue FR/NL", "Tweetalige communicatiekit FR/NL",
     "Bilingual FR/NL communication kit", Unit.LUMP_SUM, 540000),
    (4, "L4-VIDEO", "Vidéo de restitution (3 minutes)", "Terugkoppelingsvideo (3 minuten)",
     "Feedback video (3 minutes)", Unit.ITEM, 310000),
    (5, "L5-CAMPAIGN", "Campagne de mobilisation de quartier", "Mobilisatiecampagne in de wijk",
     "Neighbourhood mobilisation campaign", Unit.LUMP_SUM, 760000),
    (5, "L5-RECRUIT", "Recrutement de participants (par personne)",
     "Rekrutering van deelnemers (per persoon)", "Recruitment of participants (per person)",
     Unit.ITEM, 4500),
    (6, "L6-REPORT", "Rapport d'évaluation", "Evaluatieverslag", "Evaluation report",
     Unit.LUMP_SUM, 650000),
    (6, "L6-DAY", "Journée d'accompagnement du suivi", "Dag begeleiding van de opvolging",
     "Follow-up support day", Unit.DAY, 88000),
]

VENDORS = [
    ("Agora Participation SRL", "fr,nl",
     "Bureau bruxellois spécialisé en démocratie délibérative.",
     "Brussels bureau gespecialiseerd in deliberatieve democratie."),
    ("Stad in Gesprek VZW", "nl,fr,en", "Facilitation de dialogues de quartier.",
     "Begeleiding van buurtdialogen."),
    ("Civic Lab Brussels SC", "fr,nl,en", "Laboratoire de participation numérique et hybride.",
     "Lab voor digitale en hybride participatie."),
    ("Dialogue & Territoires ASBL", "fr", "Concertation territoriale et urbanisme participatif.",
     "Territoriaal overleg en participatieve stedenbouw."),
    ("Inclusio Participation SRL", "fr,nl",
     "Mobilisation des publics éloignés de la participation.",
     "Mobilisatie van moeilijk bereikbare doelgroepen."),
    ("Pixel Commun SC", "fr,nl,en", "Communication et contenus pour les projets citoyens.",
     "Communicatie en content voor burgerprojecten."),
]

# lot number -> vendor indexes in rank order
MEMBERSHIPS = {
    1: [0, 2, 3],
    2: [0, 1, 2, 3],
    3: [1, 0, 4],
    4: [5, 2, 1],
    5: [4, 1, 3],
    6: [2, 3, 0],
}

ORGANISATIONS = [
    ("Commune d'Ixelles / Gemeente Elsene", OrganisationType.COMMUNE, "0207.373.429",
     "buyer1@demo.example", "Claire Dubois", Language.FR),
    ("CPAS de Saint-Gilles / OCMW Sint-Gillis", OrganisationType.CPAS, "0212.345.678",
     "buyer2@demo.example", "Pieter Janssens", Language.NL),
]


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
            lots[number] = Lot(framework=framework, number=number, title_fr=fr, title_nl=nl,
                               title_en=en, award_method=method,
                               ceiling_cents=200_000_000, response_working_days=5)
            db.session.add(lots[number])
    db.session.flush()

    existing_codes = set(db.session.execute(select(CatalogueItem.code)).scalars())
    for lot_number, code, fr, nl, en, unit, price in ITEMS:
        if code not in existing_codes:
            db.session.add(CatalogueItem(lot=lots[lot_number], code=code, title_fr=fr,
                                         title_nl=nl, title_en=en, unit=unit,
                                         unit_price_cents=price, vat_rate_bp=2100,
                                         valid_from=date(2025, 1, 1)))

    vendors: list[Vendor] = []
    for name, languages, pres_fr, pres_nl in VENDORS:
        vendor = db.session.execute(
            select(Vendor).where(Vendor.name == name)
        ).scalar_one_or_none()
        if vendor is None:
            vendor = Vendor(name=name, service_languages=languages, presentation_fr=pres_fr,
                            presentation_nl=pres_nl)
            db.session.add(vendor)
        vendors.append(vendor)
    db.session.flush()

    for lot_number, ranking in MEMBERSHIPS.items():
        lot = lots[lot_number]
        members = {m.vendor_id for m in lot.memberships}
        for rank, index in enumerate(ranking, start=1):
            if vendors[index].id not in members:
                db.session.add(LotMembership(lot=lot, vendor=vendors[index], rank=rank))
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
            org = Organisation(name=name, type=org_type, enterprise_number=enterprise_number,
                               status=AdhesionStatus.APPROVED)
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
