"""The order form is a tagged PDF/UA document (DESIGN §6, §9): language, title, structure,
a table whose cells know their headers, embedded system fonts; and it draws as a page."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from flask import Flask
from PIL import Image

from app.execution.order_form import render_pdf
from tests.unit.execution.order_form_support import first_page_png, sample_form

DC = "{http://purl.org/dc/elements/1.1/}"
PDFUA = "{http://www.aiim.org/pdfua/ns/id/}"


def _elements(node: object) -> Iterator[pikepdf.Dictionary]:
    """Every structure element under ``node``, depth first."""
    if isinstance(node, pikepdf.Array):
        for child in node:
            yield from _elements(child)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        yield node
        if "/K" in node:
            yield from _elements(node.K)


def _open(pdf: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(pdf))


@pytest.mark.parametrize(("language", "title"), [("fr", "Bon de commande PP-2026-00042"),
                                                 ("nl", "Bestelbon PP-2026-00042")])
def test_the_pdf_is_tagged_with_its_language_and_title(
        app: Flask, language: str, title: str) -> None:
    with _open(render_pdf(sample_form(), language)) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == language
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo["/Title"]) == title
        metadata = pdf.open_metadata()
        assert metadata[f"{DC}title"] == title
        assert metadata[f"{PDFUA}part"] == "1"


def test_the_structure_has_headings_and_a_table_whose_cells_know_their_headers(
        app: Flask) -> None:
    with _open(render_pdf(sample_form(), "fr")) as pdf:
        elements = list(_elements(pdf.Root.StructTreeRoot.K))
        kinds = [str(element.S) for element in elements]
        assert kinds.count("/H1") == 1
        assert kinds.count("/H2") == 6  # framework, parties, project, lines, payment, approvals
        assert kinds.count("/Table") == 1 and "/Caption" in kinds
        headers = {str(element.ID) for element in elements if element.S == "/TH"}
        # 8 column headers, one row header per line (its description) and per total.
        assert len(headers) == 8 + 3 + 3
        cells = [element for element in elements if element.S == "/TD"]
        assert len(cells) == 3 * 7 + 3
        for cell in cells:
            named = {str(header) for header in cell.A.Headers}
            assert named and named <= headers


def test_the_text_is_drawn_in_the_embedded_dejavu_fonts(app: Flask) -> None:
    with _open(render_pdf(sample_form(), "fr")) as pdf:
        fonts = [font for page in pdf.pages
                 for font in page.Resources.Font.values()]
        assert fonts
        for font in fonts:
            assert "DejaVu" in str(font.BaseFont)
            descriptor = font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font \
                else font.FontDescriptor
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_the_first_page_draws_as_a_png_with_ink_on_it(app: Flask, tmp_path: Path) -> None:
    png = first_page_png(render_pdf(sample_form(), "fr"), tmp_path)

    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(png) as image:
        assert image.width < image.height  # A4 portrait
        grey = image.convert("L")
        dark = sum(grey.histogram()[:128])
        assert dark > 0.01 * grey.width * grey.height
