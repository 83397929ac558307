"""The order form end to end (DESIGN §9): an approval through the real worker, the vendor
accepts, the worker renders the form (three languages, digests in the audit trail) and both
assignment e-mails reach the SMTP sink with the PDF in the reader's language, whose text
carries the reference, both parties, the lines and the totals."""

from __future__ import annotations

import hashlib
import subprocess
from email.message import EmailMessage
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from app.assignment.models import AttemptState, VendorAttempt
from app.assignment.services import answers
from app.auth.models import Language, User
from app.common.money import format_eur
from app.execution.models import OrderForm, OrderFormFile
from app.extensions import db
from app.orders import audit
from app.orders.models import Order, OrderEvent, OrderStatus
from tests.integration.conftest import SmtpSink
from tests.integration.faults import approve_each, outbox_settled, submitted_orders
from tests.processes import Process, wait_until


def _pdf_of(message: EmailMessage) -> tuple[str, bytes]:
    (part,) = [p for p in message.iter_attachments()]
    assert part.get_content_type() == "application/pdf"
    return str(part.get_filename()), bytes(part.get_content())


def _text(pdf: bytes, directory: Path, name: str) -> str:
    path = directory / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, timeout=60).stdout.decode()
    return " ".join(out.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_both_assignment_e_mails_carry_the_order_form_in_their_reader_s_language(
        app: Flask, worker: Process, smtp_sink: SmtpSink, tmp_path: Path) -> None:
    (order_id,), staff_id = submitted_orders(app, 1)
    approve_each(app, [order_id], staff_id)
    with app.app_context():
        wait_until(lambda: db.session.execute(select(VendorAttempt.id).where(
            VendorAttempt.order_id == order_id,
            VendorAttempt.state == AttemptState.OFFERED)).first() is not None
            or db.session.rollback(), 30, "the worker offered the order")
        attempt = db.session.execute(select(VendorAttempt).where(
            VendorAttempt.order_id == order_id)).scalar_one()
        vendor = db.session.execute(select(User).where(User.vendor_id == attempt.vendor_id)
                                    .order_by(User.id)).scalars().first()
        assert vendor is not None
        vendor.language = Language.NL
        db.session.commit()
        answers.accept(vendor, attempt.id, conflict_of_interest=False)
        db.session.commit()
        order = db.session.get(Order, order_id)
        assert order is not None and order.status is OrderStatus.ASSIGNED
        reference, buyer_email, vendor_email = (order.reference, order.created_by.email,
                                                vendor.email)
        organisation, vendor_name = order.organisation.name, order.vendor.name
        line_code = order.lines[0].item.code
        totals = (order.total_excl_vat_cents, order.total_incl_vat_cents)
        db.session.remove()

    wait_until(lambda: outbox_settled(app), 60, "the form issued and every e-mail sent")
    to_buyer = [m for m in smtp_sink.wait_for(1, to=buyer_email)
                if reference in str(m["Subject"]) and any(m.iter_attachments())]
    to_vendor = [m for m in smtp_sink.wait_for(1, to=vendor_email)
                 if reference in str(m["Subject"]) and any(m.iter_attachments())]
    assert len(to_buyer) == 1 and len(to_vendor) == 1

    with app.app_context():
        form = db.session.execute(select(OrderForm).where(OrderForm.order_id == order_id)
                                  ).scalar_one()
        stored = {f.language: f.sha256 for f in db.session.execute(
            select(OrderFormFile).where(OrderFormFile.order_form_id == form.id)).scalars()}
        (issued,) = db.session.execute(select(OrderEvent).where(
            OrderEvent.order_id == order_id, OrderEvent.action == "order_form_issued")
        ).scalars().all()
        assert issued.payload["sha256"] == stored
        assert audit.verify()[1] is None
        db.session.remove()

    for message, language, heading in ((to_buyer[0], "fr", "Bon de commande"),
                                       (to_vendor[0], "nl", "Bestelbon")):
        name, pdf = _pdf_of(message)
        assert name == f"{reference}-{language}.pdf"
        assert hashlib.sha256(pdf).hexdigest() == stored[language]
        text = _text(pdf, tmp_path, language)
        assert heading in text
        for expected in (reference, organisation, vendor_name, line_code,
                         " ".join(format_eur(totals[0], language).split()),
                         " ".join(format_eur(totals[1], language).split())):
            assert expected in text, (language, expected)
