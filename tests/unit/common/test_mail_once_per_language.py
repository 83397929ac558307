"""The same notification to several people is rendered once per language, and each copy
still greets its own recipient."""

from __future__ import annotations

from flask import Flask, template_rendered
from sqlalchemy import select

from app.auth.models import Language, Role
from app.common.outbox import OutboxMessage
from app.extensions import db
from app.notifications.services import notify
from tests import factories


def test_five_recipients_in_two_languages_cost_two_renderings(app: Flask) -> None:
    made = factories.order(factories.S.SUBMITTED)
    people = [factories.user(Role.STAFF, full_name=f"Agent {n}",
                             language=Language.NL if n % 2 else Language.FR) for n in range(5)]
    db.session.commit()
    rendered: list[str] = []

    def record(sender: object, template: object, context: object, **_: object) -> None:
        rendered.append(str(getattr(template, "name", "")))

    template_rendered.connect(record, app)
    try:
        notify(people, "order_submitted", made)
    finally:
        template_rendered.disconnect(record, app)
    db.session.commit()
    assert sorted(rendered) == sorted(["emails/order_submitted.subject.txt",
                                       "emails/order_submitted.txt"] * 2)
    mails = db.session.execute(select(OutboxMessage).where(OutboxMessage.kind == "email")
                               .order_by(OutboxMessage.id.desc()).limit(5)).scalars().all()
    by_address = {m.payload["to"]: m.payload for m in mails}
    for person in people:
        payload = by_address[person.email]
        greeting = "Bonjour" if person.language is Language.FR else "Beste"
        assert payload["body"].startswith(f"{greeting} {person.display_name},"), payload["body"]
        assert payload["language"] == person.language.value
        assert made.reference in payload["subject"]
        others = [p.display_name for p in people if p is not person]
        assert not any(name in payload["body"] for name in others)
        assert "\ue000" not in payload["body"] + payload["subject"]
