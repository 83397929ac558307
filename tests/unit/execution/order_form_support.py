"""A realistic order form's data, and poppler's readings of the PDF (text, first page)."""

from __future__ import annotations

import dataclasses
import html
import re
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from app.execution.order_form import Approval, FormLine, OrderFormData, Party

BUYER = Party(name="Commune d'Ixelles / Gemeente Elsene", enterprise_number="0207.373.429",
              address="Chaussée d'Ixelles 168\n1050 Ixelles", contact_name="Claire Dubois",
              contact_email="factures@ixelles.example")
VENDOR = Party(name="Atelier Parole ASBL", enterprise_number="0456.789.034",
               address="Rue Haute 12\n1000 Bruxelles", contact_name="Nadia Benali",
               contact_email="nadia@atelier-parole.example")
LINES = (
    FormLine(code="ANIM-01", title={"fr": "Animation d'un atelier participatif",
                                    "nl": "Begeleiding van een participatieve workshop",
                                    "en": "Facilitating a participatory workshop"},
             unit="workshop", quantity=3, unit_price_cents=125_000, vat_rate_bp=2100,
             line_excl_vat_cents=375_000, line_vat_cents=78_750),
    FormLine(code="RAP-02", title={"fr": "Rapport de synthèse", "nl": "Syntheserapport",
                                   "en": "Summary report"},
             unit="lump_sum", quantity=1, unit_price_cents=80_050, vat_rate_bp=2100,
             line_excl_vat_cents=80_050, line_vat_cents=16_811),
    FormLine(code="DEMI-03", title={"fr": "Permanence de quartier", "nl": "Buurtpermanentie",
                                    "en": "Neighbourhood drop-in"},
             unit="half_day", quantity=4, unit_price_cents=45_000, vat_rate_bp=0,
             line_excl_vat_cents=180_000, line_vat_cents=0),
)


def sample_form(**changes: Any) -> OrderFormData:
    """An order assigned at 00:30 on 1 April 2026 in Brussels (still 31 March in UTC)."""
    data = OrderFormData(
        reference="PP-2026-00042",
        issued_at=datetime(2026, 3, 31, 22, 30, tzinfo=UTC),
        framework_reference="CMP-2026-01",
        framework_title={"fr": "Accord-cadre participation citoyenne",
                         "nl": "Raamovereenkomst burgerparticipatie",
                         "en": "Citizen participation framework agreement"},
        lot_number=3,
        lot_title={"fr": "Animation et facilitation", "nl": "Animatie en facilitatie",
                   "en": "Facilitation"},
        buyer=BUYER, vendor=VENDOR,
        title="Budget participatif du quartier Flagey",
        planned_start=date(2026, 4, 20), planned_end=date(2026, 6, 30),
        lines=LINES,
        total_excl_vat_cents=635_050, total_vat_cents=95_561, total_incl_vat_cents=730_611,
        payment_term_days=30,
        approvals=(Approval("Sophie Martin", datetime(2026, 3, 30, 8, 15, tzinfo=UTC)),
                   Approval("Jan Peeters", datetime(2026, 3, 31, 14, 5, tzinfo=UTC))),
    )
    return dataclasses.replace(data, **changes)


def flat(text: str) -> str:
    """Every run of white space (the narrow and no-break spaces of French and Dutch
    numbers included) as one space."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).strip()


def html_text(page: str) -> str:
    """The text of an HTML page (its ``<body>``), flattened."""
    body = page.split("<body>", 1)[-1]
    return flat(html.unescape(re.sub(r"<[^>]+>", " ", body)))


def pdf_text(pdf: bytes, directory: Path) -> str:
    """The PDF's text as ``pdftotext`` reads it, flattened."""
    source = directory / "form.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(source), "-"],
                            capture_output=True, check=True, timeout=60)
    return flat(result.stdout.decode("utf-8"))


def first_page_png(pdf: bytes, directory: Path, name: str = "page", dpi: int = 60) -> Path:
    """Page 1 drawn by ``pdftoppm`` (the path of the PNG it wrote)."""
    source = directory / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1",
                    str(source), str(directory / name)], check=True, timeout=60)
    return next(directory.glob(f"{name}*.png"))
