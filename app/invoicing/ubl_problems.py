"""What is wrong with an uploaded UBL invoice, and the refusal that carries it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel.speaklater import LazyString


@dataclass(frozen=True)
class UblProblem:
    """One reason to refuse an invoice.

    ``field`` is ``file`` (the upload itself), ``xsd`` (the UBL 2.1 schema), an EN 16931 rule
    id (``BR-CO-16``) or the :class:`~app.invoicing.ubl.UblInvoice` field it is about.
    ``message`` is a lazy string in the reader's language for the ``file`` and field
    problems; the schema's and the rules' own English text, prefixed by ``XSD, line N:`` or
    by the rule id, for the others. ``line`` is the line of the upload, where known.
    """

    field: str
    message: str | LazyString
    line: int | None = None


class UblRefused(Exception):
    """The upload is not an invoice the platform accepts; ``problems`` says why."""

    def __init__(self, problems: list[UblProblem]) -> None:
        super().__init__("; ".join(f"{problem.field}: {problem.message}"
                                   for problem in problems))
        self.problems = problems
