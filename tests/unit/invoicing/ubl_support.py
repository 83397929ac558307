"""The Peppol BIS Billing 3.0 example invoice (see data/SOURCE.md) and ways to change it."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from app.invoicing.ubl import UblProblem, UblRefused, read_invoice

EXAMPLE = Path(__file__).parent / "data" / "invoice-base-example.xml"
NS = {"ubl": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
      "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}


def example_bytes() -> bytes:
    return EXAMPLE.read_bytes()


def example_tree() -> etree._Element:
    return etree.fromstring(example_bytes(), etree.XMLParser(resolve_entities=False,
                                                             no_network=True))


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def element(root: etree._Element, path: str) -> etree._Element:
    found = root.find(path, NS)
    assert found is not None, path
    return found


def set_order_reference(root: etree._Element, reference: str) -> None:
    """Add cac:OrderReference where the Invoice sequence wants it (after BuyerReference)."""
    order = etree.Element(f"{{{NS['cac']}}}OrderReference")
    etree.SubElement(order, f"{{{NS['cbc']}}}ID").text = reference
    element(root, "cbc:BuyerReference").addnext(order)


def problems_of(data: bytes, **options: int) -> list[UblProblem]:
    """The problems ``read_invoice`` refuses ``data`` with (fails if it is accepted)."""
    try:
        read_invoice(data, **options)
    except UblRefused as refused:
        assert refused.problems, "refused without a problem"
        return refused.problems
    raise AssertionError("the invoice was accepted")


def fields_of(problems: list[UblProblem]) -> list[str]:
    return [problem.field for problem in problems]


def messages_of(problems: list[UblProblem]) -> list[str]:
    return [str(problem.message) for problem in problems]
