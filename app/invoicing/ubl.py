"""Reading an uploaded UBL 2.1 invoice (Peppol BIS Billing 3.0): :func:`read_invoice` gives
the few facts the platform matches against an order, or refuses the file with every problem
it found (:class:`UblRefused`). Pure: no database, no request, no network, no file.

In order: the size (before anything reads the bytes), the XML itself, the root element (an
``Invoice`` in the UBL 2.1 namespace), the UBL 2.1 schema, then the EN 16931 rules together
with this module's own limits (euros only, whole cents).

Hostile XML, and why two parsers. An upload never has a reason to carry a DTD, so any
DOCTYPE is refused, whatever it declares; that stops entity bombs (billion laughs),
external entities (XXE: ``SYSTEM "file:///etc/passwd"``), parameter entities and external
DTDs alike. The screen is ``defusedxml.ElementTree`` with ``forbid_dtd=True``: expat stops
at the DOCTYPE itself, before it reads a single declaration, so nothing is ever expanded or
fetched (``defusedxml.lxml`` is deprecated and is not used). The document the checks read is
then parsed by lxml (the schema and the line numbers need it) with a parser that, even on
its own, resolves no entity, loads no DTD, touches no network and keeps libxml2's limits on
depth and text size (``huge_tree=False``); a DOCTYPE it still finds is refused too. The
rules get lxml's serialisation of that tree, which has no DOCTYPE left to interpret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedElementTree
from flask_babel import lazy_gettext as _l
from lxml import etree

from app.invoicing.ubl_problems import UblProblem, UblRefused
from app.invoicing.ubl_rules import failed_asserts, schema_problems

__all__ = ["MAX_BYTES", "UblInvoice", "UblProblem", "UblRefused", "amount_cents",
           "hardened_parser", "parse_without_dtd", "read_invoice"]

MAX_BYTES = 2 * 1024 * 1024
CURRENCY = "EUR"
NS = {"ubl": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
      "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
INVOICE_TAG = f"{{{NS['ubl']}}}Invoice"
BELGIAN_ENTERPRISE_SCHEME = "0208"  # Peppol's ICD for the Crossroads Bank for Enterprises
BELGIAN_VAT_SCHEME = "9925"  # an endpoint by Belgian VAT number, BE + the enterprise number

# xsd:decimal in ASCII, at most 15 digits of euros (so the cents fit any amount column).
_DECIMAL = re.compile(r"([+-]?)([0-9]{0,15})(?:\.([0-9]*))?", re.ASCII)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


@dataclass(frozen=True)
class UblInvoice:
    """What an invoice says, as the platform records it: amounts in euro cents."""

    number: str  # cbc:ID
    issue_date: date
    due_date: date | None
    currency: str
    order_reference: str | None  # cac:OrderReference/cbc:ID (Peppol BT-13)
    amount_excl_vat_cents: int  # cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount
    vat_cents: int  # cac:TaxTotal/cbc:TaxAmount in the document's currency
    payable_cents: int  # cac:LegalMonetaryTotal/cbc:PayableAmount
    seller_enterprise_number: str | None  # ten digits, when the seller gives a valid one
    buyer_reference: str | None  # cbc:BuyerReference


def _file_problem(message: str) -> UblRefused:
    return UblRefused([UblProblem("file", message)])


def hardened_parser() -> etree.XMLParser:
    """A new lxml parser that expands, loads and fetches nothing (one per document: lxml
    parsers must not be shared between threads)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False)


def parse_without_dtd(data: bytes) -> etree._Element:
    """``data`` as an lxml tree, refused if it is not well-formed or has any DOCTYPE."""
    not_xml = _file_problem(_l("The file is not well-formed XML."))
    has_dtd = _file_problem(_l("The file declares a DTD or entities, which invoices may "
                               "not."))
    try:
        DefusedElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                      forbid_external=True)
    except DefusedXmlException:
        raise has_dtd from None
    except (ParseError, ValueError, LookupError):
        raise not_xml from None
    try:
        root = etree.fromstring(data, hardened_parser())
    except etree.XMLSyntaxError:
        raise not_xml from None
    if root.getroottree().docinfo.doctype:
        raise has_dtd
    return root


def amount_cents(text: str) -> int:
    """An xsd:decimal amount (``1656.25``, ``-1500``, ``.5``) as integer cents, exactly.

    Raises ``ValueError`` for anything else, and for a third decimal even if it is a zero
    (EN 16931 allows two, and counts them in the text).
    """
    match = _DECIMAL.fullmatch(text.strip())
    if not match or not (match[2] or match[3]):
        raise ValueError(f"{text!r} is not an amount in cents")
    sign, whole, fraction = match[1], match[2] or "0", match[3] or ""
    if len(fraction) > 2:
        raise ValueError(f"{text!r} has more than 2 decimals: not whole cents")
    cents = int(Decimal(f"{sign}{whole}.{fraction or '0'}").scaleb(2))
    return cents


def _iso_date(text: str | None) -> date | None:
    if text is None:
        return None
    if not _DATE.fullmatch(text.strip()):
        raise ValueError(text)
    return date.fromisoformat(text.strip())


def _text(root: etree._Element, path: str) -> str | None:
    found = root.find(path, NS)
    if found is None or found.text is None or not found.text.strip():
        return None
    return found.text.strip()


def enterprise_digits(number: str | None) -> str | None:
    """A Belgian enterprise number (``0456.789.034``, ``BE0456789034``) as its ten digits,
    or None when it is not one (its last two digits are 97 minus the first eight mod 97)."""
    digits = re.sub(r"[\s.]", "", number or "").upper().removeprefix("BE")
    if not re.fullmatch(r"[01][0-9]{9}", digits, re.ASCII):
        return None
    return digits if 97 - int(digits[:8]) % 97 == int(digits[8:]) else None


def _seller_enterprise_number(root: etree._Element) -> str | None:
    party = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    if party is None:
        return None
    for path, schemes in (("cbc:EndpointID", {BELGIAN_ENTERPRISE_SCHEME, BELGIAN_VAT_SCHEME}),
                          ("cac:PartyLegalEntity/cbc:CompanyID", {BELGIAN_ENTERPRISE_SCHEME})):
        found = party.find(path, NS)
        if found is not None and found.get("schemeID") in schemes:
            digits = enterprise_digits(found.text)
            if digits:
                return digits
    return None


class _Reader:
    """Reads the invoice's fields, noting a problem for each it cannot take."""

    def __init__(self, root: etree._Element, currency: str) -> None:
        self.root = root
        self.currency = currency
        self.problems: list[UblProblem] = []

    def date(self, field: str, path: str, required: bool = False) -> date | None:
        name = path.rpartition(":")[2]
        try:
            found = _iso_date(_text(self.root, path))
        except ValueError:
            self.problems.append(UblProblem(field, _l(
                "%(element)s is not a date written YYYY-MM-DD.", element=name)))
            return None
        if found is None and required:
            self.problems.append(UblProblem(field, _l("%(element)s is missing.",
                                                      element=name)))
        return found

    def amount(self, field: str, path: str, element: etree._Element | None = None) -> int:
        if element is None:
            element = self.root.find(path, NS)
        name = path.rpartition(":")[2]
        if element is None or element.text is None:
            self.problems.append(UblProblem(field, _l("%(element)s is missing.",
                                                      element=name)))
            return 0
        if element.get("currencyID") != self.currency:
            self.problems.append(UblProblem(field, _l(
                "%(element)s is not in the invoice's currency.", element=name)))
        try:
            return amount_cents(element.text)
        except ValueError:
            self.problems.append(UblProblem(field, _l(
                "%(element)s must be an amount with at most 2 decimals.", element=name)))
            return 0

    def vat_in_document_currency(self) -> int:
        for total in self.root.iterfind("cac:TaxTotal/cbc:TaxAmount", NS):
            if total.get("currencyID") == self.currency:
                return self.amount("vat_cents", "cac:TaxTotal/cbc:TaxAmount", total)
        return self.amount("vat_cents", "cac:TaxTotal/cbc:TaxAmount")


def _read_fields(root: etree._Element) -> tuple[UblInvoice | None, list[UblProblem]]:
    currency = _text(root, "cbc:DocumentCurrencyCode") or ""
    reader = _Reader(root, currency)
    if currency != CURRENCY:
        reader.problems.append(UblProblem("currency", _l(
            "Only invoices in euros (EUR) are accepted.")))
    issue_date = reader.date("issue_date", "cbc:IssueDate", required=True)
    invoice = UblInvoice(
        number=_text(root, "cbc:ID") or "",
        issue_date=issue_date or date.min,
        due_date=reader.date("due_date", "cbc:DueDate"),
        currency=currency,
        order_reference=_text(root, "cac:OrderReference/cbc:ID"),
        amount_excl_vat_cents=reader.amount(
            "amount_excl_vat_cents", "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"),
        vat_cents=reader.vat_in_document_currency(),
        payable_cents=reader.amount("payable_cents", "cac:LegalMonetaryTotal/cbc:PayableAmount"),
        seller_enterprise_number=_seller_enterprise_number(root),
        buyer_reference=_text(root, "cbc:BuyerReference"),
    )
    return (None if reader.problems else invoice), reader.problems


def read_invoice(data: bytes, max_bytes: int = MAX_BYTES) -> UblInvoice:
    """The invoice in ``data``, checked; raises :class:`UblRefused` with every problem."""
    if len(data) > max_bytes:
        raise _file_problem(_l("The file is larger than %(size)s MB.",
                               size=f"{max_bytes / (1024 * 1024):g}"))
    root = parse_without_dtd(data)
    if root.tag != INVOICE_TAG:
        raise _file_problem(_l("The file is not a UBL 2.1 invoice."))
    problems = schema_problems(root)
    if problems:  # the rules assume the schema's structure: check them on valid XML only
        raise UblRefused(problems)
    problems = failed_asserts(etree.tostring(root, encoding="unicode"))
    invoice, field_problems = _read_fields(root)
    problems += field_problems
    if problems or invoice is None:
        raise UblRefused(problems)
    return invoice
