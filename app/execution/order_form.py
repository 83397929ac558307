"""The order form (*bon de commande* / *bestelbon*, DESIGN §9) as a tagged PDF (PDF/UA-1).

Pure rendering: the caller gathers the plain data (:class:`OrderFormData`) once, when the
order becomes ``assigned``, and keeps it; nothing here reads the database, so a later change of
a price, a name or an address cannot change a form already made.

Texts the catalogue keeps in three languages (the framework's, the lot's and each line's
title) are carried as a mapping ``{"fr": …, "nl": …, "en": …}`` and read in the language of
the rendering (French when a language is missing), so one frozen record gives the form in
each language. Texts written once by a person (the project title, names, addresses) are plain
strings.

Rendering needs an application context (the template and the translations); the PDF uses the
system's DejaVu fonts and fetches nothing: the fetcher accepts ``data:`` URLs only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from flask import current_app, render_template
from markupsafe import Markup

from app.catalogue.labels import UNITS
from app.common import money
from app.common.i18n import LANGUAGE_NAMES, in_language
from app.common.time import to_brussels

TEMPLATE = "execution/order_form.html"
TEMPLATES = Path(__file__).resolve().parent / "templates"

Localised = Mapping[str, str]


@dataclass(frozen=True)
class Party:
    """The buyer (its invoicing contact) or the vendor, as they were when the form was made."""

    name: str
    enterprise_number: str | None = None
    address: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None


@dataclass(frozen=True)
class FormLine:
    """One line: ``unit`` is a catalogue unit (``app.catalogue.models.Unit`` value), the VAT
    rate in basis points as the catalogue keeps it (2100 = 21 %), amounts in cents."""

    code: str
    title: Localised
    unit: str
    quantity: int
    unit_price_cents: int
    vat_rate_bp: int
    line_excl_vat_cents: int
    line_vat_cents: int


@dataclass(frozen=True)
class Approval:
    name: str
    at: datetime


@dataclass(frozen=True)
class OrderFormData:
    """Everything the form shows. ``issued_at`` and approval times are aware datetimes (shown
    in Brussels); ``reference`` is the order reference the vendor quotes on its invoice
    (Peppol BT-13)."""

    reference: str
    issued_at: datetime
    framework_reference: str
    framework_title: Localised
    lot_number: int
    lot_title: Localised
    buyer: Party
    vendor: Party
    title: str
    planned_start: date | None
    planned_end: date | None
    lines: tuple[FormLine, ...]
    total_excl_vat_cents: int
    total_vat_cents: int
    total_incl_vat_cents: int
    payment_term_days: int
    approvals: tuple[Approval, ...] = ()


def localised(texts: Localised, language: str) -> str:
    """The text in ``language``, else the French one, else any."""
    return texts.get(language) or texts.get("fr") or next(iter(texts.values()), "")


def configured_payment_term_days() -> int:
    """The payment term of new order forms (the ``PAYMENT_TERM_DAYS`` setting)."""
    return int(current_app.config["PAYMENT_TERM_DAYS"])


def _aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime")


def _check(data: OrderFormData, language: str) -> None:
    if language not in LANGUAGE_NAMES:
        raise ValueError(f"no order form in {language!r}: use one of {', '.join(LANGUAGE_NAMES)}")
    _aware(data.issued_at, "issued_at")
    for approval in data.approvals:
        _aware(approval.at, "an approval's time")


def _css_string(text: str) -> Markup:
    """``text`` as a CSS string literal, safe inside a ``<style>`` element."""
    escaped = "".join(ch if ch.isalnum() or ch in " -_.,:/·'()" else f"\\{ord(ch):x} "
                      for ch in text)
    return Markup(f'"{escaped}"')  # noqa: S704 - every other character is escaped above


def _helpers(language: str) -> dict[str, Any]:
    locale = f"{language}_BE"

    def long_date(day: date) -> str:
        return str(format_date(day, "long", locale=locale))

    def brussels_date(moment: datetime) -> str:
        return long_date(to_brussels(moment).date())

    def brussels_time(moment: datetime) -> str:
        return str(format_time(to_brussels(moment), "HH:mm", locale=locale))

    return {
        "eur": lambda cents: money.format_eur(cents, language),
        "vat_rate": lambda basis_points: money.format_vat_rate(basis_points, language),
        "number": lambda value: format_decimal(value, locale=locale),
        "unit_label": UNITS.word,
        "text": lambda texts: localised(texts, language),
        "long_date": long_date,
        "brussels_date": brussels_date,
        "brussels_time": brussels_time,
        "css_string": _css_string,
    }


def render_html(data: OrderFormData, language: str) -> str:
    """The form as the HTML page the PDF is drawn from (also a preview)."""
    _check(data, language)
    with in_language(language):
        return render_template(TEMPLATE, form=data, language=language, **_helpers(language))


def render_pdf(data: OrderFormData, language: str) -> bytes:
    """The form in ``language`` (fr, nl or en) as a tagged PDF/UA-1 document.

    The same data gives the same bytes: the document's dates are the form's own
    (``issued_at``) and its identifier is derived from the reference, so the sha256 recorded
    in the audit trail can be checked by rendering again.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_html(data, language)
    identifier = hashlib.sha256(f"{data.reference}:{language}".encode()).hexdigest()[:32]
    document = HTML(string=html, base_url=TEMPLATES.as_uri() + "/",
                    url_fetcher=URLFetcher(allowed_protocols=("data",)))
    pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=identifier.encode())
    assert pdf is not None  # no target given: the bytes are returned
    return bytes(pdf)


def sha256_of(pdf: bytes) -> str:
    """The hex digest recorded in the audit trail when the form is made."""
    return hashlib.sha256(pdf).hexdigest()
