"""E-mail through the outbox, rendered in the recipient's language when queued."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, render_template
from flask_mail import Message

from app.common import outbox
from app.common.i18n import in_language
from app.extensions import mail

log = logging.getLogger(__name__)


def queue_email(*, to: str, language: str, template: str, scrub_after_send: bool = False,
                event: str = "", **context: Any) -> outbox.OutboxMessage:
    """Render ``emails/<template>.{subject,txt}`` in ``language`` and queue the message.

    ``event`` names what caused it (``"<order id>:<audit seq>"``): one e-mail per event and
    recipient is an invariant the fault tests check."""
    context.setdefault("base_url", current_app.config["PUBLIC_BASE_URL"].rstrip("/"))
    with in_language(language):
        subject = render_template(f"emails/{template}.subject.txt", **context).strip()
        body = render_template(f"emails/{template}.txt", **context)
    return outbox.queue(
        "email",
        {"to": to, "subject": subject, "body": body, "language": language,
         "template": template, "event": event},
        scrub_after_send=scrub_after_send,
    )


@outbox.handler("email")
def send_email(payload: dict[str, Any]) -> None:
    """Send through SMTP, or write to the log when no ``MAIL_SERVER`` is configured."""
    if not current_app.config.get("MAIL_SERVER"):
        log.warning("e-mail (no MAIL_SERVER set, logged instead of sent)\nTo: %s\nSubject: %s"
                    "\n\n%s", payload["to"], payload["subject"], payload["body"])
        return
    message = Message(subject=payload["subject"], recipients=[payload["to"]],
                      body=payload["body"],
                      extra_headers={"Content-Language": payload.get("language", "fr")})
    mail.send(message)
