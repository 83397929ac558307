"""What a valid UBL 2.1 invoice says, read exactly: dates, euro amounts as integer cents, the
order it quotes and the seller's Belgian enterprise number."""

from __future__ import annotations

from datetime import date

import pytest

from app.invoicing.ubl import UblInvoice, amount_cents, read_invoice
from tests.unit.invoicing.ubl_support import (
    NS,
    element,
    example_bytes,
    example_tree,
    fields_of,
    messages_of,
    problems_of,
    set_order_reference,
    to_bytes,
)


def test_the_peppol_example_reads_with_its_number_dates_and_amounts_in_cents() -> None:
    invoice = read_invoice(example_bytes())

    assert invoice == UblInvoice(
        number="Snippet1", issue_date=date(2017, 11, 13), due_date=date(2017, 12, 1),
        currency="EUR", order_reference=None, amount_excl_vat_cents=132500, vat_cents=33125,
        payable_cents=165625, seller_enterprise_number=None, buyer_reference="0150abc")


def test_the_order_reference_is_read_from_the_order_reference_element() -> None:
    root = example_tree()
    set_order_reference(root, "PP-2026-00042")

    assert read_invoice(to_bytes(root)).order_reference == "PP-2026-00042"


def test_an_invoice_without_due_date_or_buyer_reference_reads_them_as_none() -> None:
    root = example_tree()
    set_order_reference(root, "PP-1")  # BR-10 wants one of the two references
    root.remove(element(root, "cbc:DueDate"))
    root.remove(element(root, "cbc:BuyerReference"))

    invoice = read_invoice(to_bytes(root))

    assert (invoice.due_date, invoice.buyer_reference) == (None, None)


def test_the_seller_is_known_by_its_enterprise_number_endpoint() -> None:
    root = example_tree()
    endpoint = element(root, "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID")
    endpoint.set("schemeID", "0208")
    endpoint.text = "0456789034"

    assert read_invoice(to_bytes(root)).seller_enterprise_number == "0456789034"


def test_the_seller_is_known_by_its_legal_entity_company_id_when_the_endpoint_is_not_one(
) -> None:
    root = example_tree()
    company = element(root, "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/"
                            "cbc:CompanyID")
    company.set("schemeID", "0208")
    company.text = "0456.789.034"

    assert read_invoice(to_bytes(root)).seller_enterprise_number == "0456789034"


def test_an_enterprise_number_that_fails_its_check_digits_is_not_taken() -> None:
    root = example_tree()
    endpoint = element(root, "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID")
    endpoint.set("schemeID", "0208")
    endpoint.text = "0456789035"

    assert read_invoice(to_bytes(root)).seller_enterprise_number is None


@pytest.mark.parametrize(("text", "cents"), [
    ("1656.25", 165625), ("1325", 132500), ("0.1", 10), ("-1500", -150000), ("+7.00", 700),
    ("12345678901.99", 1234567890199), (".5", 50),
])
def test_amounts_become_integer_cents_exactly(text: str, cents: int) -> None:
    assert amount_cents(text) == cents


@pytest.mark.parametrize("text", ["1.005", "0.001", "1e3", "NaN", "١٢", "", "1,50", "12.3.4"])
def test_an_amount_that_is_not_whole_cents_is_not_read(text: str) -> None:
    with pytest.raises(ValueError, match="cents"):
        amount_cents(text)


def test_an_invoice_total_with_three_decimals_is_refused() -> None:
    root = example_tree()
    element(root, "cac:LegalMonetaryTotal/cbc:PayableAmount").text = "1656.250"
    element(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount").text = "1656.250"

    problems = problems_of(to_bytes(root))

    assert "payable_cents" in fields_of(problems)
    assert any("PayableAmount" in message and "2 decimals" in message
               for message in messages_of(problems))


def test_an_invoice_in_another_currency_is_refused() -> None:
    root = example_tree()
    element(root, "cbc:DocumentCurrencyCode").text = "USD"
    for amount in root.iterfind(".//*[@currencyID]", NS):
        amount.set("currencyID", "USD")

    problems = problems_of(to_bytes(root))

    assert fields_of(problems) == ["currency"]
    assert "euros" in messages_of(problems)[0]


def test_a_date_with_a_time_zone_is_refused_rather_than_guessed() -> None:
    root = example_tree()
    element(root, "cbc:IssueDate").text = "2017-11-13+14:00"  # valid xsd:date, other day

    problems = problems_of(to_bytes(root))

    assert "issue_date" in fields_of(problems)
    assert "IssueDate is not a date written YYYY-MM-DD." in messages_of(problems)
