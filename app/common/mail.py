"""E-mail through the outbox, rendered in the recipient's language when queued.

A message may name attachments (``{"kind": …, …}``) that a higher package makes: it
registers a provider for its kind with :func:`attachment`, called when the message is sent,
with the reference and the recipient's language (the order form, for instance, is rendered
by the worker rather than in the request that assigned the order)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, render_template
from flask_mail import Message

from app.common import outbox
from app.common.i18n import in_language
from app.common.single_line import one_line
from app.extensions import mail

log = logging.getLogger(__name__)

# kind -> provider(reference, language) -> (file name, content type, bytes)
Provider = Callable[[dict[str, Any], str], tuple[str, str, bytes]]
ATTACHMENTS: dict[str, Provider] = {}


def attachment(kind: str) -> Callable[[Provider], Provider]:
    """Register the provider of an attachment kind (a package's ``register(app)``)."""

    def register(fn: Provider) -> Provider:
        ATTACHMENTS[kind] = fn
        return fn

    return register


def queue_email(*, to: str, language: str, template: str, scrub_after_send: bool = False,
                event: str = "", attachments: list[dict[str, Any]] | None = None,
                **context: Any) -> outbox.OutboxMessage:
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
         "template": template, "event": event, "attachments": attachments or []},
        scrub_after_send=scrub_after_send,
    )


# Stands for the recipient's name while a message is rendered once for all the recipients
# reading one language (a private-use character: no name holds it).
_NAME = "\ue000recipient\ue000"


@dataclass(frozen=True)
class Recipient:
    """Who a message rendered once per language goes to. Its templates read only
    ``user.display_name`` of the recipient."""

    email: str
    language: str
    display_name: str


def queue_emails(recipients: list[Recipient], *, template: str, event: str = "",
                 attachments: list[dict[str, Any]] | None = None,
                 **context: Any) -> list[outbox.OutboxMessage]:
    """The same message to several people: rendered once per language, then each copy
    named for its recipient and queued."""
    messages = []
    rendered: dict[str, tuple[str, str]] = {}
    for recipient in recipients:
        if recipient.language not in rendered:
            with public_urls(), in_language(recipient.language):
                rendered[recipient.language] = (
                    one_line(render_template(f"emails/{template}.subject.txt",
                                             user=Recipient("", recipient.language, _NAME),
                                             **context)),
                    render_template(f"emails/{template}.txt",
                                    user=Recipient("", recipient.language, _NAME), **context))
        subject, body = rendered[recipient.language]
        messages.append(outbox.queue("email", {
            "to": recipient.email, "subject": subject.replace(_NAME, recipient.display_name),
            "body": body.replace(_NAME, recipient.display_name), "language": recipient.language,
            "template": template, "event": event, "attachments": attachments or []}))
    return messages


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
    language = payload.get("language", "fr")
    files = [ATTACHMENTS[ref["kind"]](ref, language) for ref in payload.get("attachments", [])]
    if not current_app.config.get("MAIL_SERVER"):
        log.warning("e-mail (no MAIL_SERVER set, logged instead of sent)\nTo: %s\nSubject: %s"
                    "\nAttached: %s\n\n%s", payload["to"], payload["subject"],
                    ", ".join(name for name, _type, _data in files) or "nothing",
                    payload["body"])
        return
    message = Message(subject=one_line(payload["subject"]), recipients=[payload["to"]],
                      body=payload["body"], extra_headers={"Content-Language": language})
    for name, content_type, data in files:
        message.attach(name, content_type, data)
    mail.send(message)


def register(app: Flask) -> None:
    """The e-mail outbox handler (called by create_app: nothing registers on import)."""
    outbox.handler("email")(send_email)
