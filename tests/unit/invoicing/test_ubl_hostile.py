"""What is not a UBL 2.1 invoice, or tries to make the reader expand, fetch or open
something, is refused as a file problem, in the reader's language, before any harm."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from lxml import etree

from app.common.i18n import in_language
from app.invoicing import ubl
from app.invoicing.ubl import MAX_BYTES
from tests.unit.invoicing.ubl_support import example_bytes, fields_of, messages_of, problems_of

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Invoice xmlns="%s" xmlns:cbc="%s"><cbc:ID>&lol9;</cbc:ID></Invoice>""" % (
    INVOICE_NS.encode(), CBC_NS.encode())


def _with_doctype(doctype: str, body: str) -> bytes:
    return (f'<?xml version="1.0"?>\n{doctype}\n<Invoice xmlns="{INVOICE_NS}" '
            f'xmlns:cbc="{CBC_NS}">{body}</Invoice>').encode()


def _etc_passwd_lines() -> list[str]:
    return [line for line in Path("/etc/passwd").read_text().splitlines() if line][:3]


def test_a_billion_laughs_is_refused_without_being_expanded() -> None:
    problems = problems_of(BILLION_LAUGHS)

    assert fields_of(problems) == ["file"]
    assert "DTD" in messages_of(problems)[0]
    assert all(len(message) < 200 and "lol" not in message for message in messages_of(problems))


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE Invoice [<!ENTITY % xxe SYSTEM "file:///etc/passwd"> %xxe;]>',
    '<!DOCTYPE Invoice SYSTEM "file:///etc/passwd">',
    '<!DOCTYPE Invoice SYSTEM "http://127.0.0.1:9/invoice.dtd">',
])
def test_an_external_entity_or_dtd_is_refused_and_never_read(doctype: str) -> None:
    problems = problems_of(_with_doctype(doctype, "<cbc:ID>&xxe;</cbc:ID>"))

    assert fields_of(problems) == ["file"]
    assert "DTD" in messages_of(problems)[0]
    for line in _etc_passwd_lines():
        assert all(line not in message for message in messages_of(problems))


def test_the_parser_behind_the_screen_expands_and_reads_nothing_either() -> None:
    """The second line of defence: were a DOCTYPE to get past the screen, the lxml parser
    would neither read the file nor expand an entity."""
    xxe = _with_doctype('<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
                        "<cbc:ID>&xxe;</cbc:ID>")

    def parsed_by_lxml_alone(data: bytes) -> str:
        try:
            return etree.tostring(etree.fromstring(data, ubl.hardened_parser())).decode()
        except etree.XMLSyntaxError as error:  # libxml2's own amplification limit
            return f"refused: {error}"

    parsed = [parsed_by_lxml_alone(data) for data in (xxe, BILLION_LAUGHS)]

    assert all(len(text) < 300 for text in parsed)
    for line in _etc_passwd_lines():
        assert line not in parsed[0]


@pytest.mark.parametrize("data", [
    b"", b"%PDF-1.7 not xml", b"<Invoice><unclosed></Invoice>", b"Snippet1,2017-11-13,1656.25",
    "<Invoice>€</Invoice>".encode("cp1252"),
])
def test_what_is_not_well_formed_xml_is_a_file_problem(data: bytes) -> None:
    problems = problems_of(data)

    assert fields_of(problems) == ["file"]
    assert messages_of(problems) == ["The file is not well-formed XML."]


@pytest.mark.parametrize("data", [
    b'<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/>',
    b'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>1</ID></Order>',
    b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-1"/>',
    b"<Invoice/>",
    b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:'
    b'CrossIndustryInvoice:100"/>',
])
def test_another_document_than_a_ubl_invoice_is_a_file_problem(data: bytes) -> None:
    problems = problems_of(data)

    assert fields_of(problems) == ["file"]
    assert messages_of(problems) == ["The file is not a UBL 2.1 invoice."]


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parsing(data: bytes) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(ubl, "parse_without_dtd", no_parsing)
    data = example_bytes()

    problems = problems_of(data, max_bytes=len(data) - 1)
    over_default = problems_of(b"<" * (MAX_BYTES + 1))

    assert fields_of(problems) == fields_of(over_default) == ["file"]
    assert messages_of(over_default) == ["The file is larger than 2 MB."]


def test_a_file_at_the_size_limit_is_read() -> None:
    data = example_bytes()

    assert ubl.read_invoice(data, max_bytes=len(data)).number == "Snippet1"


@pytest.mark.parametrize(("language", "message"), [
    ("fr", "Le fichier n’est pas une facture UBL 2.1."),
    ("nl", "Het bestand is geen UBL 2.1-factuur."),
])
def test_file_problems_are_worded_in_the_readers_language(app: Flask, language: str,
                                                          message: str) -> None:
    problems = problems_of(b"<Invoice/>")

    with in_language(language):
        assert messages_of(problems) == [message]
