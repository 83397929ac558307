"""The written quote (a PDF) a vendor may send with its price in a mini-competition.

The file is checked here, not in the forms, so the portal and the API refuse the same files
with the same words: a PDF (it starts with ``%PDF-``), at most ``QUOTE_PDF_MAX_BYTES``, under
a name ending in ``.pdf``. It is stored in the database, in the quote's transaction: a quote
is saved with its document or not at all.

Who may download it: the vendor company that sent it; staff, every quote's; the buyer's
organisation, only the awarded one's. Anyone else gets the same 404 as for a missing file.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import undefer
from werkzeug.datastructures import FileStorage

from app.assignment import attempt_reads
from app.assignment.models import AttemptState, QuoteDocument, VendorAttempt
from app.auth.models import Role, User
from app.common.errors import NotFound
from app.extensions import db
from app.orders import services

FIELD = "document"
MAX_FILENAME = 200
PDF_MAGIC = b"%PDF-"
# Kept in a name: letters and digits of any script, spaces and a few marks; the rest
# (path separators, quotes, semicolons, control characters) becomes "_".
_UNSAFE = re.compile(r"[^\w .()+-]", re.UNICODE)
_RUNS = re.compile(r"[_ ]{2,}")


@dataclass(frozen=True)
class QuoteUpload:
    """A file as received: the name the client gave and (up to one byte past the limit of)
    its content."""

    filename: str
    content: bytes


def from_file(file: object) -> QuoteUpload | None:
    """The upload of a form or multipart body, read up to one byte past the limit (enough to
    refuse it); None when no file was chosen (browsers send an empty part then)."""
    if not isinstance(file, FileStorage) or not file.filename:
        return None
    return QuoteUpload(filename=file.filename, content=file.stream.read(max_bytes() + 1))


def max_bytes() -> int:
    return int(current_app.config["QUOTE_PDF_MAX_BYTES"])


def max_megabytes() -> str:
    """The limit in whole MB for messages ("5"), or with one decimal if not whole."""
    size = max_bytes() / (1024 * 1024)
    return f"{size:.0f}" if size.is_integer() else f"{size:.1f}"


def safe_filename(name: str) -> str | None:
    """A name fit for a Content-Disposition header and a file system, ending in ``.pdf``,
    at most 200 characters; None when nothing usable is left or it is not a ``.pdf``."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch if unicodedata.category(ch)[0] != "C" else "_" for ch in base)
    stem, dot, extension = base.rpartition(".")
    if not dot or extension.strip().lower() != "pdf":
        return None
    stem = _RUNS.sub("_", _UNSAFE.sub("_", stem)).strip(" ._")
    if not stem:
        return None
    return stem[:MAX_FILENAME - len(".pdf")].rstrip(" ._") + ".pdf"


def problems(upload: QuoteUpload) -> list[str]:
    """What is wrong with the file, in the reader's language (empty when it is fine)."""
    found: list[str] = []
    if safe_filename(upload.filename) is None:
        found.append(str(_l("Send a file whose name ends in .pdf.")))
    if len(upload.content) > max_bytes():
        found.append(str(_l("The file is larger than %(size)s MB.", size=max_megabytes())))
    elif not upload.content.startswith(PDF_MAGIC):
        found.append(str(_l("The file is not a PDF document.")))
    return found


def store(attempt: VendorAttempt, upload: QuoteUpload) -> QuoteDocument:
    """Add the (already checked) document to the quote's transaction."""
    filename = safe_filename(upload.filename)
    assert filename is not None and not problems(upload)
    document = QuoteDocument(attempt_id=attempt.id, filename=filename,
                             size_bytes=len(upload.content),
                             sha256=hashlib.sha256(upload.content).hexdigest(),
                             content=upload.content)
    db.session.add(document)
    db.session.flush()
    return document


# --- Reading -------------------------------------------------------------------------------

def documents_for(attempt_ids: list[int]) -> dict[int, QuoteDocument]:
    """Name, size and checksum of the documents of these attempts, by attempt id (the
    content stays in the database)."""
    if not attempt_ids:
        return {}
    return {d.attempt_id: d for d in db.session.execute(
        select(QuoteDocument).where(QuoteDocument.attempt_id.in_(attempt_ids))).scalars()}


def _may_see_on_order(actor: User, attempt: VendorAttempt) -> bool:
    return actor.is_staff or (actor.role is Role.BUYER
                              and attempt.state is AttemptState.AWARDED)


def visible_on_order(actor: User, attempts: list[VendorAttempt]) -> dict[int, QuoteDocument]:
    """The documents of an order's timeline the actor may download: staff every one, the
    buyer only the awarded quote's. The caller has already checked the order is visible."""
    allowed = [a.id for a in attempts if _may_see_on_order(actor, a)]
    return documents_for(allowed)


def _with_content(attempt_id: int) -> QuoteDocument:
    document = db.session.execute(
        select(QuoteDocument).where(QuoteDocument.attempt_id == attempt_id)
        .options(undefer(QuoteDocument.content))).scalar_one_or_none()
    if document is None:
        raise NotFound()
    return document


def for_vendor(actor: User, attempt_id: int) -> QuoteDocument:
    """The document of one of the actor's company's quotes."""
    return _with_content(attempt_reads.get_attempt(actor, attempt_id).id)


def for_order(actor: User, order_id: int, attempt_id: int) -> QuoteDocument:
    """The document of a quote on an order's timeline: staff, or the buyer if awarded."""
    if not (actor.is_staff or actor.role is Role.BUYER):
        raise NotFound()
    order = services.get_order(actor, order_id)  # 404 when the order is not the actor's
    attempt = db.session.get(VendorAttempt, attempt_id)
    if attempt is None or attempt.order_id != order.id or not _may_see_on_order(actor, attempt):
        raise NotFound()
    return _with_content(attempt.id)
