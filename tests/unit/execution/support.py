"""Plain helpers shared by the delivery unit tests: an assigned order and the people around
it, small valid files of each accepted kind, rows counted. Not a test module."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from sqlalchemy import func, select

from app.auth.models import Language, Role, User
from app.execution.documents import Upload
from app.execution.models import Delivery, DeliveryDocument
from app.extensions import db
from app.notifications.models import Notification
from app.orders.models import Order, OrderEvent, OrderStatus
from tests import factories

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
       b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02"
       b"\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def odt() -> bytes:
    """A minimal OpenDocument text: a zip whose first member is the stored mimetype."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@dataclass
class World:
    order: Order
    buyer: User          # the order's requester
    colleague: User      # another buyer of the same organisation
    vendor: User         # a user of the assigned vendor
    competitor: User     # a user of another vendor of the same lot
    outsider: User       # a buyer of another organisation
    staff: User


def assigned_world(state: OrderStatus = OrderStatus.ASSIGNED) -> World:
    buyer = factories.user()
    made = factories.order(state, buyer=buyer)
    lot_vendors = [m.vendor_id for m in made.lot.memberships]
    other = next(v for v in lot_vendors if v != made.vendor_id)
    world = World(order=made, buyer=buyer,
                  colleague=factories.user(organisation_id=buyer.organisation_id),
                  vendor=factories.vendor_user(made.vendor_id or 0),
                  competitor=factories.vendor_user(other),
                  outsider=factories.user(), staff=factories.user(Role.STAFF))
    for person in (world.buyer, world.colleague, world.vendor, world.competitor,
                   world.outsider, world.staff):
        person.language = Language.EN  # pages compare with the msgids
    db.session.commit()
    return world


def upload(name: str = "rapport.pdf", content: bytes = PDF) -> Upload:
    return Upload(filename=name, content=content)


def count(model: type) -> int:
    return int(db.session.execute(select(func.count()).select_from(model)).scalar_one())


def rows() -> tuple[int, int]:
    """How many deliveries and delivery documents there are."""
    return count(Delivery), count(DeliveryDocument)


def events_of(order: Order) -> list[OrderEvent]:
    return list(db.session.execute(select(OrderEvent).where(OrderEvent.order_id == order.id)
                                   .order_by(OrderEvent.id)).scalars())


def notified(user: User, kind: str) -> list[Notification]:
    return list(db.session.execute(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)).scalars())


def fresh(order: Order) -> Order:
    db.session.expire_all()
    found = db.session.get(Order, order.id)
    assert found is not None
    return found
