"""One process approving one order, as one web worker would.

Run by ``test_approval_concurrency.py``:
``python -m tests.integration.approver EMAIL ORDER_ID`` with ``DATABASE_URL`` set. Prints
``ready`` once connected, waits for a line on its standard input (the parent releases every
process at once), approves, and prints ``{"order": ID, "status": 200|409|...}``.
"""

from __future__ import annotations

import json
import sys

from app import create_app
from app.auth.services import user_by_email
from app.common.errors import DomainError
from app.extensions import db
from app.orders import services


def main(email: str, order_id: int) -> None:
    app = create_app("development", OUTBOX_ENQUEUE="record")
    with app.app_context():
        actor = user_by_email(email)
        assert actor is not None
        db.session.rollback()
        db.session.execute(db.select(db.literal(1)))  # connected before the start line
        db.session.rollback()
        print("ready", flush=True)
        sys.stdin.readline()
        try:
            services.approve(actor, order_id)
            db.session.commit()
            status = 200
        except DomainError as exc:
            db.session.rollback()
            status = exc.status
    print(json.dumps({"order": order_id, "status": status}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
