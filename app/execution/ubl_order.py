"""The order form as a UBL 2.1 Order following Peppol BIS Ordering 3 (order only).

Built from the same frozen :class:`~app.execution.order_form.OrderFormData` as the PDF, so the
two always agree. Both parties are addressed on the Peppol network by their Belgian enterprise
number (EAS ``0208``, ten digits, its mod-97 check verified here); a party without a valid one
cannot be addressed and :class:`UblOrderError` says which. Multilingual titles are written in
the ``language`` asked for (French by default), the payment terms in words in that language, so
an application context is needed as for the PDF.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from lxml import etree
from lxml.builder import ElementMaker

from app.common import enterprise_number
from app.common.i18n import in_language
from app.common.time import to_brussels
from app.execution.order_form import FormLine, OrderFormData, Party, localised

NS_ORDER = "urn:oasis:names:specification:ubl:schema:xsd:Order-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CUSTOMIZATION_ID = "urn:fdc:peppol.eu:poacc:trns:order:3"
PROFILE_ID = "urn:fdc:peppol.eu:poacc:bis:order_only:3"
CURRENCY = "EUR"
BELGIAN_ENTERPRISE_SCHEME = "0208"
# Catalogue units (app.catalogue.models.Unit) as UN/ECE Recommendation 20 codes; the units it
# has no code for are counted as pieces (C62), their own name given as an item property.
UNIT_CODES = {"day": "DAY", "half_day": "C62", "workshop": "C62", "item": "C62",
              "lump_sum": "LS"}

_ORDER = ElementMaker(namespace=NS_ORDER, nsmap={None: NS_ORDER, "cac": NS_CAC, "cbc": NS_CBC})
_CAC = ElementMaker(namespace=NS_CAC)
_CBC = ElementMaker(namespace=NS_CBC)


class UblOrderError(ValueError):
    """The data cannot make a Peppol order (a party cannot be addressed)."""


def enterprise_digits(number: str | None) -> str | None:
    """A Belgian enterprise number (``0207.373.429``, ``BE0207373429``) as its ten digits, or
    None when it is missing or fails its check (the same check as at entry)."""
    return enterprise_number.digits(number)


def _amount(cents: int) -> str:
    return str(Decimal(cents).scaleb(-2))


def _money(tag: str, cents: int) -> etree._Element:
    element: etree._Element = getattr(_CBC, tag)(_amount(cents), currencyID=CURRENCY)
    return element


def _lines_of(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _party(party: Party, role: str) -> etree._Element:
    digits = enterprise_digits(party.enterprise_number)
    if digits is None:
        raise UblOrderError(f"the {role} has no valid Belgian enterprise number "
                            f"({party.enterprise_number or 'none'}): it cannot be addressed")
    address = _CAC.PostalAddress(
        *[_CAC.AddressLine(_CBC.Line(line)) for line in _lines_of(party.address)],
        _CAC.Country(_CBC.IdentificationCode("BE")))
    children = [
        _CBC.EndpointID(digits, schemeID=BELGIAN_ENTERPRISE_SCHEME),
        _CAC.PartyIdentification(_CBC.ID(digits, schemeID=BELGIAN_ENTERPRISE_SCHEME)),
        _CAC.PartyName(_CBC.Name(party.name)),
        address,
        _CAC.PartyLegalEntity(_CBC.RegistrationName(party.name),
                              _CBC.CompanyID(digits, schemeID=BELGIAN_ENTERPRISE_SCHEME)),
    ]
    contact = [element for element in (
        _CBC.Name(party.contact_name) if party.contact_name else None,
        _CBC.ElectronicMail(party.contact_email) if party.contact_email else None)
        if element is not None]
    if contact:
        children.append(_CAC.Contact(*contact))
    return _CAC.Party(*children)


def _tax_category(vat_rate_bp: int) -> etree._Element:
    # A rate of 0 in the catalogue is an exempt service (the socio-cultural exemption most
    # facilitators fall under), not a zero-rated one.
    return _CAC.ClassifiedTaxCategory(
        _CBC.ID("S" if vat_rate_bp > 0 else "E"),
        _CBC.Percent(str(Decimal(vat_rate_bp).scaleb(-2).normalize())),
        _CAC.TaxScheme(_CBC.ID("VAT")))


def _order_line(number: int, line: FormLine, language: str) -> etree._Element:
    unit_code = UNIT_CODES.get(line.unit, "C62")
    item = [_CBC.Name(localised(line.title, language)),
            _CAC.BuyersItemIdentification(_CBC.ID(line.code)),
            _tax_category(line.vat_rate_bp)]
    if unit_code == "C62" and line.unit != "item":
        item.append(_CAC.AdditionalItemProperty(_CBC.Name("unit"), _CBC.Value(line.unit)))
    return _CAC.OrderLine(_CAC.LineItem(
        _CBC.ID(str(number)),
        _CBC.Quantity(str(line.quantity), unitCode=unit_code),
        _money("LineExtensionAmount", line.line_excl_vat_cents),
        _CAC.Price(_money("PriceAmount", line.unit_price_cents),
                   _CBC.BaseQuantity("1", unitCode=unit_code)),
        _CAC.Item(*item)))


def _period(start: date | None, end: date | None) -> list[etree._Element]:
    dates = [_CBC.StartDate(start.isoformat())] if start else []
    dates += [_CBC.EndDate(end.isoformat())] if end else []
    return [_CAC.Delivery(_CAC.RequestedDeliveryPeriod(*dates))] if dates else []


def render_ubl_order(data: OrderFormData, *, language: str = "fr") -> bytes:
    """The UBL 2.1 Order (Peppol BIS Ordering 3, order only) of the form, as UTF-8 XML.

    ``cbc:ID`` is the order reference the vendor quotes on its invoice; the issue date is the
    day in Brussels. Raises :class:`UblOrderError` when a party has no valid Belgian
    enterprise number.
    """
    with in_language(language):
        lot = _("Lot %(number)s: %(title)s", number=data.lot_number,
                title=localised(data.lot_title, language))
        note = f"{data.title} · {data.framework_reference} / {lot}"
        terms = _("Payment term: %(days)s days from the receipt of the invoice, verification "
                  "included.", days=data.payment_term_days)
    order = _ORDER.Order(
        _CBC.CustomizationID(CUSTOMIZATION_ID),
        _CBC.ProfileID(PROFILE_ID),
        _CBC.ID(data.reference),
        _CBC.IssueDate(to_brussels(data.issued_at).date().isoformat()),
        _CBC.Note(note),
        _CBC.DocumentCurrencyCode(CURRENCY),
        _CAC.Contract(_CBC.ID(data.framework_reference)),
        _CAC.BuyerCustomerParty(_party(data.buyer, "buyer")),
        _CAC.SellerSupplierParty(_party(data.vendor, "vendor")),
        *_period(data.planned_start, data.planned_end),
        _CAC.PaymentTerms(_CBC.Note(terms)),
        _CAC.TaxTotal(_money("TaxAmount", data.total_vat_cents)),
        _CAC.AnticipatedMonetaryTotal(
            _money("LineExtensionAmount", data.total_excl_vat_cents),
            _money("TaxExclusiveAmount", data.total_excl_vat_cents),
            _money("TaxInclusiveAmount", data.total_incl_vat_cents),
            _money("PayableAmount", data.total_incl_vat_cents)),
        *[_order_line(number, line, language)
          for number, line in enumerate(data.lines, start=1)],
    )
    return bytes(etree.tostring(order, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))
