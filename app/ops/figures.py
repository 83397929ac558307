"""The domain figures an operator watches, computed when ``/metrics`` is scraped.

A fixed number of queries whatever the data (one per figure family, each an aggregate on an
indexed column) and one Redis round trip: outbox rows unsent, their oldest age and those past
the grace period, failed outbox rows, open offers and invitations past their deadline, orders
per state, the broker's queue depth, each heartbeat's age and the last run of each periodic
task. Nothing is written.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from app.assignment.models import OPEN_ATTEMPT_STATES, VendorAttempt
from app.common.outbox import OutboxMessage
from app.common.time import utcnow
from app.extensions import db
from app.ops import heartbeat
from app.orders.models import Order, OrderStatus

QUEUE = "procure"  # task_default_queue (app.extensions)


def _age(moment: Any, now: float) -> float:
    return max(now - moment.timestamp(), 0.0) if moment is not None else 0.0


class DomainCollector(Collector):
    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self._outbox()
        yield from self._attempts()
        yield from self._orders()
        yield from self._broker()

    def _outbox(self) -> Iterator[GaugeMetricFamily]:
        now = utcnow()
        grace = now - timedelta(seconds=int(self.config["OUTBOX_GRACE_SECONDS"]))
        unsent = OutboxMessage.sent_at.is_(None) & OutboxMessage.failed_at.is_(None)
        row = db.session.execute(select(
            func.count().filter(unsent),
            func.count().filter(unsent & (OutboxMessage.created_at <= grace)),
            func.min(OutboxMessage.created_at).filter(unsent),
            func.count().filter(OutboxMessage.failed_at.is_not(None)),
        )).one()
        yield GaugeMetricFamily("procure_outbox_unsent", "Outbox rows not sent yet (nor failed)",
                                value=row[0])
        yield GaugeMetricFamily("procure_outbox_unsent_past_grace",
                                "Unsent outbox rows older than OUTBOX_GRACE_SECONDS",
                                value=row[1])
        yield GaugeMetricFamily("procure_outbox_oldest_unsent_age_seconds",
                                "Age of the oldest unsent outbox row (0 if none)",
                                value=_age(row[2], now.timestamp()))
        yield GaugeMetricFamily("procure_outbox_failed", "Outbox rows that failed for good",
                                value=row[3])

    def _attempts(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "procure_attempts_past_deadline",
            "Open offers and invitations whose deadline has passed (the sweeper expires them)",
            labels=["kind"])
        counts: dict[str, int] = {str(kind): count for kind, count in db.session.execute(
            select(VendorAttempt.kind, func.count())
            .where(VendorAttempt.state.in_(OPEN_ATTEMPT_STATES),
                   VendorAttempt.expires_at < utcnow())
            .group_by(VendorAttempt.kind))}
        for kind in ("offer", "invitation"):
            family.add_metric([kind], counts.get(kind, 0))
        yield family

    def _orders(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("procure_orders", "Orders per state", labels=["state"])
        counts = {str(status): count for status, count in db.session.execute(
            select(Order.status, func.count()).group_by(Order.status))}
        for status in OrderStatus:
            family.add_metric([status.value], counts.get(status.value, 0))
        yield family

    def _broker(self) -> Iterator[GaugeMetricFamily]:
        now = time.time()
        depth = GaugeMetricFamily("procure_broker_queue_depth",
                                  "Messages waiting in the broker's queue (Redis only)",
                                  labels=["queue"])
        ages = GaugeMetricFamily("procure_heartbeat_age_seconds",
                                 "Seconds since each worker and the active beat was last alive",
                                 labels=["role", "node"])
        youngest = GaugeMetricFamily("procure_heartbeat_youngest_age_seconds",
                                     "Seconds since any process of the role was last alive",
                                     labels=["role"])
        last_run = GaugeMetricFamily("procure_periodic_task_last_run_timestamp_seconds",
                                     "When each periodic task last finished (UNIX time)",
                                     labels=["task"])
        up = 1
        try:
            if heartbeat.uses_redis(self.config):
                client = heartbeat.redis_client(self.config["CELERY_BROKER_URL"])
                depth.add_metric([QUEUE], int(client.llen(QUEUE)))
            beats = heartbeat.read_all(self.config)
        except Exception:  # noqa: BLE001  (the broker is down: say so, keep the DB figures)
            beats, up = [], 0
        for beat in beats:
            if beat.role == heartbeat.TASK_ROLE:
                last_run.add_metric([beat.node], beat.at)
            else:
                ages.add_metric([beat.role, beat.node], beat.age(now))
        for role in ("worker", "beat"):
            age = heartbeat.youngest_age(beats, role, now)
            if age is not None:
                youngest.add_metric([role], age)
        yield GaugeMetricFamily("procure_broker_up", "1 if the broker answered the scrape",
                                value=up)
        yield from (depth, ages, youngest, last_run)
