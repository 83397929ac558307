"""What the order form says (DESIGN §9), read back from the PDF with pdftotext."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask

from app.execution.order_form import render_html, render_pdf, sha256_of
from tests.unit.execution.order_form_support import html_text, pdf_text, sample_form


def test_the_french_form_carries_reference_parties_lines_totals_and_approvals(
        app: Flask, tmp_path: Path) -> None:
    text = pdf_text(render_pdf(sample_form(), "fr"), tmp_path)

    for expected in (
        "Bon de commande", "PP-2026-00042",
        "CMP-2026-01", "Accord-cadre participation citoyenne",
        "3 — Animation et facilitation",
        "Commune d'Ixelles / Gemeente Elsene", "0207.373.429", "Chaussée d'Ixelles 168",
        "1050 Ixelles", "Claire Dubois", "factures@ixelles.example",
        "Atelier Parole ASBL", "0456.789.034",
        "Budget participatif du quartier Flagey", "20 avril 2026", "30 juin 2026",
        "ANIM-01", "Animation d'un atelier participatif", "Atelier", "1 250,00 €",
        "3 750,00 €", "787,50 €", "21%",
        "RAP-02", "Rapport de synthèse", "Forfait", "800,50 €", "168,11 €",
        "DEMI-03", "Permanence de quartier", "Demi-journée", "450,00 €", "1 800,00 €",
        "6 350,50 €", "955,61 €", "7 306,11 €",
        "30 jours", "Sophie Martin", "Jan Peeters",
    ):
        assert expected in text, expected


def test_the_dutch_form_says_the_same_in_dutch(app: Flask, tmp_path: Path) -> None:
    text = pdf_text(render_pdf(sample_form(), "nl"), tmp_path)

    for expected in (
        "Bestelbon", "PP-2026-00042", "Raamovereenkomst burgerparticipatie",
        "Animatie en facilitatie", "Commune d'Ixelles / Gemeente Elsene", "0207.373.429",
        "Atelier Parole ASBL", "0456.789.034",
        "Begeleiding van een participatieve workshop", "Syntheserapport", "Buurtpermanentie",
        "€ 1.250,00", "€ 3.750,00", "€ 6.350,50", "€ 955,61", "€ 7.306,11",
        "20 april 2026", "30 dagen", "Sophie Martin",
    ):
        assert expected in text, expected


def test_the_headings_follow_the_language(app: Flask, tmp_path: Path) -> None:
    french = pdf_text(render_pdf(sample_form(), "fr"), tmp_path)
    dutch = pdf_text(render_pdf(sample_form(), "nl"), tmp_path)

    for fr, nl in (("Bon de commande", "Bestelbon"), ("Lignes de commande", "Bestelregels"),
                   ("Paiement et facturation", "Betaling en facturatie"),
                   ("Approbations", "Goedkeuringen")):
        assert fr in french and fr not in dutch
        assert nl in dutch and nl not in french


def test_dates_and_times_are_those_of_brussels(app: Flask) -> None:
    # Made at 22:30 UTC on 31 March: 00:30 on 1 April in Brussels (summer time).
    text = html_text(render_html(sample_form(), "fr"))

    assert "Commande PP-2026-00042 du 1 avril 2026" in text
    assert "31 mars 2026" in text  # Jan Peeters' approval, 16:05 in Brussels
    assert "Approuvé par Sophie Martin le 30 mars 2026 à 10:15" in text
    assert "Approuvé par Jan Peeters le 31 mars 2026 à 16:05" in text


def test_cents_become_euros_exactly(app: Flask) -> None:
    # 2**53 + 1 cents: a float would drop the last cent.
    text = html_text(render_html(sample_form(total_incl_vat_cents=2**53 + 1), "fr"))

    assert "90 071 992 547 409,93 €" in text


def test_the_payment_term_is_the_one_given(app: Flask, tmp_path: Path) -> None:
    text = pdf_text(render_pdf(sample_form(payment_term_days=45), "en"), tmp_path)

    assert ("Payment term: 45 days from the receipt of the invoice, verification included."
            in text)
    assert "30 days" not in text
    assert "quoting the order reference PP-2026-00042" in text


def test_a_title_missing_in_a_language_is_shown_in_french(app: Flask) -> None:
    form = sample_form(lot_title={"fr": "Animation et facilitation"})

    assert "Lot 3 — Animation et facilitation" in html_text(render_html(form, "en"))


def test_names_are_text_not_markup(app: Flask, tmp_path: Path) -> None:
    vendor = dataclasses.replace(sample_form().vendor,
                                 name='<img src="http://example.invalid/x.png"> Atelier')
    text = pdf_text(render_pdf(sample_form(vendor=vendor), "fr"), tmp_path)

    assert '<img src="http://example.invalid/x.png"> Atelier' in text


def test_optional_facts_left_out_read_as_not_set(app: Flask, tmp_path: Path) -> None:
    vendor = dataclasses.replace(sample_form().vendor, enterprise_number=None, address=None,
                                 contact_name=None, contact_email=None)
    form = sample_form(vendor=vendor, planned_start=None, planned_end=None, approvals=())
    text = pdf_text(render_pdf(form, "en"), tmp_path)

    assert text.count("Not set") == 2  # the planned start and end
    assert "No approval recorded." in text
    assert "0456.789.034" not in text


def test_the_same_data_gives_the_same_bytes_and_digest(app: Flask) -> None:
    first, second = render_pdf(sample_form(), "fr"), render_pdf(sample_form(), "fr")

    assert first == second
    assert sha256_of(first) == hashlib.sha256(first).hexdigest()
    assert sha256_of(render_pdf(sample_form(), "nl")) != sha256_of(first)


@pytest.mark.parametrize("language", ["de", "", "FR"])
def test_only_the_product_languages_are_rendered(app: Flask, language: str) -> None:
    with pytest.raises(ValueError, match="no order form"):
        render_pdf(sample_form(), language)


def test_a_naive_time_is_refused(app: Flask) -> None:
    with pytest.raises(ValueError, match="aware"):
        render_html(sample_form(issued_at=datetime(2026, 4, 1, 0, 30)), "fr")
