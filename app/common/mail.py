"""E-mail through the outbox, rendered in the recipient's language when queued."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, render_template
from flask_mail import Message

from app.common import outbox
from app.common.i18n import in_language
from app.common.single_line import one_line
from app.extensions import mail

log = logging.getLogger(__name__)


def queue_email(*, to: str, language: str, template: str, scrub_after_send: bool = False,
                event: str = "", **context: Any) -> outbox.OutboxMessage:
    """Render ``emails/<template>.{subject,txt}`` in ``language`` and queue the message.

    ``event`` names what caused it (``"<order id>:<audit seq>"``): one e-mail per event and
    recipient is an invariant the fault tests check."""
    with public_urls(), in_language(language):
        # One line whatever the data: a line break (in an order title stored before the
        # single-line rule, say) would make every send of this message fail.
        subject = one_line(render_template(f"emails/{template}.subject.txt", **context))
        body = render_template(f"emails/{template}.txt", **context)
    return outbox.queue(
        "email",
        {"to": to, "subject": subject, "body": body, "language": language,
         "template": template, "event": event},
        scrub_after_send=scrub_after_send,
    )


@contextmanager
def public_urls() -> Iterator[None]:
    """``url_for(..., _external=True)`` gives the site's public address (``PUBLIC_BASE_URL``,
    scheme and path prefix included), in a worker as in a request.

    Never the request's own host: a forged ``Host`` header must not put its address into a
    password-reset link sent to someone else."""
    base_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/"
    with current_app.test_request_context("/", base_url=base_url):
        yield


def send_email(payload: dict[str, Any]) -> None:
    """Send through SMTP, or write to the log when no ``MAIL_SERVER`` is configured."""
    if not current_app.config.get("MAIL_SERVER"):
        log.warning("e-mail (no MAIL_SERVER set, logged instead of sent)\nTo: %s\nSubject: %s"
                    "\n\n%s", payload["to"], payload["subject"], payload["body"])
        return
    message = Message(subject=one_line(payload["subject"]), recipients=[payload["to"]],
                      body=payload["body"],
                      extra_headers={"Content-Language": payload.get("language", "fr")})
    mail.send(message)


def register(app: Flask) -> None:
    """The e-mail outbox handler (called by create_app: nothing registers on import)."""
    outbox.handler("email")(send_email)
