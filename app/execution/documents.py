"""The documents a vendor sends with a delivery (report, attendance lists, photos).

Checked here, not in the forms, so the pages and the API refuse the same files with the same
words, as quote PDFs are: the type is read from the content (``filetype``), not from the name
or the declared type, and must be a PDF, an OpenDocument or Office Open XML file, or a PNG or
JPEG image, under a name with the matching extension; all the files of one delivery together
at most ``DELIVERY_FILES_MAX_BYTES``, at most ``DELIVERY_MAX_FILES`` of them. They are stored
in the database, in the delivery's transaction, with their sha256.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

MAX_FILENAME = 200
# Type found in the content → the extensions its name may end in.
ACCEPTED: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/vnd.oasis.opendocument.presentation": ("odp",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
}
_UNSAFE = re.compile(r"[^\w .()+-]", re.UNICODE)
_RUNS = re.compile(r"[_ ]{2,}")


@dataclass(frozen=True)
class Upload:
    """A file as received: the name the client gave and (up to one byte past the limit of)
    its content."""

    filename: str
    content: bytes


def max_bytes() -> int:
    return int(current_app.config["DELIVERY_FILES_MAX_BYTES"])


def max_files() -> int:
    return int(current_app.config["DELIVERY_MAX_FILES"])


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value.is_integer() else f"{value:.1f}"


def from_files(files: Sequence[object]) -> list[Upload]:
    """The uploads of a form or multipart body, each read up to one byte past the limit
    (enough to refuse it); empty parts (no file chosen) are left out."""
    uploads = []
    for file in files:
        if isinstance(file, FileStorage) and file.filename:
            uploads.append(Upload(filename=file.filename,
                                  content=file.stream.read(max_bytes() + 1)))
    return uploads


def safe_filename(name: str) -> tuple[str, str] | None:
    """``(stem, extension)`` fit for a Content-Disposition header and a file system, at most
    200 characters together; None when nothing usable is left."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch if unicodedata.category(ch)[0] != "C" else "_" for ch in base)
    stem, dot, extension = base.rpartition(".")
    extension = extension.strip().lower()
    stem = _RUNS.sub("_", _UNSAFE.sub("_", stem)).strip(" ._")
    if not dot or not stem or not extension.isalnum():
        return None
    return stem[:MAX_FILENAME - len(extension) - 1].rstrip(" ._"), extension


def content_type(content: bytes) -> str | None:
    """The accepted type the content is, or None."""
    kind = filetype.guess(content)
    return kind.mime if kind is not None and kind.mime in ACCEPTED else None


def problems(uploads: list[Upload]) -> list[str]:
    """What is wrong with the files, in the reader's language (empty when all is fine)."""
    found: list[str] = []
    if len(uploads) > max_files():
        found.append(str(_l("Send at most %(count)s files.", count=max_files())))
    if sum(len(upload.content) for upload in uploads) > max_bytes():
        found.append(str(_l("The files are larger than %(size)s MB together.",
                            size=_megabytes(max_bytes()))))
        return found
    for upload in uploads:
        name = safe_filename(upload.filename)
        mime = content_type(upload.content)
        shown = name[0] + "." + name[1] if name else upload.filename[:MAX_FILENAME]
        if mime is None:
            found.append(str(_l("%(name)s: send a PDF, an OpenDocument or Office file, or a "
                                "PNG or JPEG image.", name=shown)))
        elif name is None or name[1] not in ACCEPTED[mime]:
            found.append(str(_l("%(name)s: the name must end in .%(extension)s for this kind "
                                "of file.", name=shown, extension=ACCEPTED[mime][0])))
    return found


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def checked(upload: Upload) -> CheckedFile:
    """The upload, once :func:`problems` found nothing, with its safe name and type."""
    name = safe_filename(upload.filename)
    mime = content_type(upload.content)
    assert name is not None and mime is not None
    return CheckedFile(filename=f"{name[0]}.{name[1]}", content_type=mime,
                       content=upload.content)
