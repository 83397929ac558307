"""An invoice is checked against the UBL 2.1 Invoice schema, then the EN 16931 rules; each
failure is a problem named by its rule, worded as the standard words it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from app.invoicing import ubl_rules
from app.invoicing.ubl import UblRefused, read_invoice
from tests.unit.invoicing.ubl_support import (
    NS,
    element,
    example_bytes,
    example_tree,
    fields_of,
    problems_of,
    set_order_reference,
    to_bytes,
)


def test_a_tampered_payable_amount_breaks_rule_br_co_16() -> None:
    root = example_tree()
    element(root, "cac:LegalMonetaryTotal/cbc:PayableAmount").text = "1656.26"

    problems = problems_of(to_bytes(root))

    assert fields_of(problems) == ["BR-CO-16"]
    assert str(problems[0].message).startswith("BR-CO-16: Amount due for payment (BT-115)")


def test_each_broken_rule_is_a_problem_of_its_own() -> None:
    root = example_tree()
    element(root, "cac:LegalMonetaryTotal/cbc:PayableAmount").text = "1656.26"
    element(root, "cac:TaxTotal/cbc:TaxAmount").text = "331.24"  # BR-CO-14, BR-CO-15 too

    assert {"BR-CO-14", "BR-CO-15", "BR-CO-16"} <= set(fields_of(problems_of(to_bytes(root))))


def test_a_rule_the_standard_only_warns_about_is_not_a_refusal() -> None:
    root = example_tree()
    # The EN 16931 rules only warn (UBL-CR-*) about UBL elements the model does not use.
    uuid = root.makeelement(f"{{{NS['cbc']}}}UUID")
    uuid.text = "6e0b8ad4-8f36-4d2f-9b0c-2d1e3c7f5a10"
    element(root, "cbc:ID").addnext(uuid)

    warnings = ubl_rules.failed_asserts(to_bytes(root).decode("utf-8"), flags={"warning"})
    invoice = read_invoice(to_bytes(root))

    assert warnings, "the change should have made the rules warn"
    assert invoice.number == "Snippet1"


def test_an_element_the_schema_requires_missing_is_an_xsd_problem_with_its_line() -> None:
    root = example_tree()
    root.remove(element(root, "cac:LegalMonetaryTotal"))

    problems = problems_of(to_bytes(root))

    assert set(fields_of(problems)) == {"xsd"}
    assert any("LegalMonetaryTotal" in str(problem.message) for problem in problems)
    assert all(problem.line and str(problem.message).startswith(f"XSD, line {problem.line}: ")
               for problem in problems)


def test_an_element_out_of_place_is_an_xsd_problem() -> None:
    root = example_tree()
    root.append(element(root, "cbc:IssueDate"))  # moved after the invoice lines

    problems = problems_of(to_bytes(root))

    assert fields_of(problems) == ["xsd"]
    assert "IssueDate" in str(problems[0].message)


def test_the_rules_are_compiled_once_per_process() -> None:
    read_invoice(example_bytes())
    first = ubl_rules.compiled_rules()
    read_invoice(example_bytes())

    assert ubl_rules.compiled_rules() is first


def test_invoices_read_in_several_threads_at_once_each_get_their_own_answer() -> None:
    good = example_bytes()
    root = example_tree()
    element(root, "cac:LegalMonetaryTotal/cbc:PayableAmount").text = "1656.26"
    bad = to_bytes(root)
    root = example_tree()
    set_order_reference(root, "PP-7")
    referenced = to_bytes(root)

    def outcome(data: bytes) -> str:
        try:
            return read_invoice(data).order_reference or "none"
        except UblRefused as refused:
            return ",".join(fields_of(refused.problems))

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(outcome, [good, bad, referenced] * 4))

    assert outcomes == ["none", "BR-CO-16", "PP-7"] * 4
