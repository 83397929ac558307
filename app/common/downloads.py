"""Private files sent to their reader: attachments that are never cached nor shown inline."""

from __future__ import annotations

import io

from flask import Response, send_file


def private_attachment(content: bytes, filename: str, mimetype: str) -> Response:
    """``content`` as a download named ``filename`` (non-ASCII names get an RFC 6266
    ``filename*``): ``Cache-Control: private, no-store``, and ``nosniff`` so a browser never
    runs it as something else."""
    response = send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True,
                         download_name=filename, conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
