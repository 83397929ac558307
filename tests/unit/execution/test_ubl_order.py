"""The order form as a Peppol BIS Ordering 3 UBL Order: valid to the UBL 2.1 components, to
the Peppol rules XPath can check, and saying what the form says."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from flask import Flask
from lxml import etree

from app.execution.ubl_order import UblOrderError, enterprise_digits, render_ubl_order
from tests.unit.execution.order_form_support import sample_form
from tests.unit.execution.ubl_support import NS, parse, peppol_problems, schema_problems


def _text(root: etree._Element, path: str) -> list[str]:
    return [str(value) for value in root.xpath(path, namespaces=NS)]


def test_the_order_is_valid_ubl_and_keeps_the_peppol_rules(app: Flask) -> None:
    root = parse(render_ubl_order(sample_form()))

    assert schema_problems(root) == []
    assert peppol_problems(root) == []


def test_the_checks_catch_a_broken_order(app: Flask) -> None:
    root = parse(render_ubl_order(sample_form()))
    line = root.find("cac:OrderLine/cac:LineItem", NS)
    assert line is not None
    line.remove(line.find("cbc:ID", NS))  # a line without its identifier
    amount = root.find("cac:AnticipatedMonetaryTotal/cbc:PayableAmount", NS)
    assert amount is not None
    amount.text = "1.005"

    assert any("ID" in problem for problem in schema_problems(root))
    assert any(problem.startswith("T01-R028") for problem in peppol_problems(root))
    assert any(problem.startswith("T01-R016") for problem in peppol_problems(root))


def test_the_order_names_its_profile_reference_date_and_currency(app: Flask) -> None:
    root = parse(render_ubl_order(sample_form()))

    assert etree.QName(root).namespace == NS["ubl"]
    assert _text(root, "cbc:CustomizationID/text()") == ["urn:fdc:peppol.eu:poacc:trns:order:3"]
    assert _text(root, "cbc:ProfileID/text()") == ["urn:fdc:peppol.eu:poacc:bis:order_only:3"]
    assert _text(root, "cbc:ID/text()") == ["PP-2026-00042"]
    assert _text(root, "cbc:IssueDate/text()") == ["2026-04-01"]  # 00:30 in Brussels
    assert _text(root, "cbc:DocumentCurrencyCode/text()") == ["EUR"]
    assert _text(root, "cac:Contract/cbc:ID/text()") == ["CMP-2026-01"]


def test_both_parties_are_addressed_by_their_enterprise_numbers(app: Flask) -> None:
    root = parse(render_ubl_order(sample_form()))

    for role, name, digits in (("BuyerCustomerParty", "Commune d'Ixelles / Gemeente Elsene",
                                "0207373429"),
                               ("SellerSupplierParty", "Atelier Parole ASBL", "0456789034")):
        party = f"cac:{role}/cac:Party"
        assert _text(root, f"{party}/cbc:EndpointID/text()") == [digits]
        assert _text(root, f"{party}/cbc:EndpointID/@schemeID") == ["0208"]
        assert _text(root, f"{party}/cac:PartyName/cbc:Name/text()") == [name]
        assert _text(root, f"{party}/cac:PartyLegalEntity/cbc:RegistrationName/text()") == [name]
    buyer = "cac:BuyerCustomerParty/cac:Party"
    assert _text(root, f"{buyer}/cac:PostalAddress/cac:AddressLine/cbc:Line/text()") == [
        "Chaussée d'Ixelles 168", "1050 Ixelles"]
    assert _text(root, f"{buyer}/cac:Contact/cbc:ElectronicMail/text()") == [
        "factures@ixelles.example"]


def test_the_lines_and_totals_are_those_of_the_form(app: Flask) -> None:
    form = sample_form()
    root = parse(render_ubl_order(form, language="nl"))

    items = root.xpath("cac:OrderLine/cac:LineItem", namespaces=NS)
    assert len(items) == len(form.lines)
    for number, (item, line) in enumerate(zip(items, form.lines, strict=True), start=1):
        assert item.findtext("cbc:ID", None, NS) == str(number)
        assert item.findtext("cbc:Quantity", None, NS) == str(line.quantity)
        assert (Decimal(item.findtext("cbc:LineExtensionAmount", "", NS)) * 100
                == line.line_excl_vat_cents)
        assert (Decimal(item.findtext("cac:Price/cbc:PriceAmount", "", NS)) * 100
                == line.unit_price_cents)
        assert item.findtext("cac:Item/cbc:Name", None, NS) == line.title["nl"]
        assert item.findtext("cac:Item/cac:BuyersItemIdentification/cbc:ID", None, NS) == line.code
        assert (Decimal(item.findtext("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", "", NS))
                * 100 == line.vat_rate_bp)
    assert _text(root, "cac:OrderLine/cac:LineItem/cbc:Quantity/@unitCode") == ["C62", "LS", "C62"]

    def total(name: str) -> int:
        return int(Decimal(_text(root, f"cac:AnticipatedMonetaryTotal/cbc:{name}/text()")[0])
                   * 100)

    assert total("LineExtensionAmount") == form.total_excl_vat_cents == 635_050
    assert total("TaxExclusiveAmount") == form.total_excl_vat_cents
    assert total("TaxInclusiveAmount") == total("PayableAmount") == form.total_incl_vat_cents
    assert _text(root, "cac:TaxTotal/cbc:TaxAmount/text()") == ["955.61"]


def test_the_planned_dates_and_payment_term_travel_with_the_order(app: Flask) -> None:
    root = parse(render_ubl_order(sample_form(payment_term_days=45), language="fr"))

    period = "cac:Delivery/cac:RequestedDeliveryPeriod"
    assert _text(root, f"{period}/cbc:StartDate/text()") == ["2026-04-20"]
    assert _text(root, f"{period}/cbc:EndDate/text()") == ["2026-06-30"]
    assert "45 jours" in _text(root, "cac:PaymentTerms/cbc:Note/text()")[0]


def test_an_order_without_planned_dates_has_no_delivery_period(app: Flask) -> None:
    root = parse(render_ubl_order(sample_form(planned_start=None, planned_end=None)))

    assert root.find("cac:Delivery", NS) is None
    assert schema_problems(root) == [] and peppol_problems(root) == []


def test_a_vendor_without_address_or_contact_is_still_a_valid_party(app: Flask) -> None:
    vendor = dataclasses.replace(sample_form().vendor, address=None, contact_name=None,
                                 contact_email=None)
    root = parse(render_ubl_order(sample_form(vendor=vendor)))

    assert schema_problems(root) == [] and peppol_problems(root) == []


@pytest.mark.parametrize("number", [None, "", "0456.789.035", "2456.789.034", "BE0456789035"])
def test_a_vendor_without_a_valid_enterprise_number_cannot_be_addressed(
        app: Flask, number: str | None) -> None:
    vendor = dataclasses.replace(sample_form().vendor, enterprise_number=number)

    with pytest.raises(UblOrderError, match="vendor"):
        render_ubl_order(sample_form(vendor=vendor))


@pytest.mark.parametrize(("number", "digits"), [("0207.373.429", "0207373429"),
                                                ("0456 789 034", "0456789034"),
                                                ("0456789034", "0456789034"),
                                                ("BE0456789034", "0456789034"),
                                                ("0456.789.043", None)])
def test_enterprise_numbers_are_read_as_their_ten_digits(number: str, digits: str | None) -> None:
    assert enterprise_digits(number) == digits
