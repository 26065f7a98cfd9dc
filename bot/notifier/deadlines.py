"""Deadlines that mean something: the reporter hears once when their report passes a deadline without
its step, with what they can do about it.

LAPOR! promises a report verified and forwarded within 3 working days of its filing, and followed up
within 5 of its forwarding (common/workdays.py counts them, as the dashboard does). As the notifier reads
the feed it keeps each such stage of a followed report (`watch`), to be looked at on the morning after
its last day; `warn_once` then asks LAPOR where the report stands: still waiting for that step, its
reporter (if they still follow it) gets one notice, as a delivery job of its own (its id names the stage,
so it is said once however often it is looked at). Notices go out between 07:00 and 20:00 WIB only; one
due at night waits for the morning.

Key: common/keys.py `NOTIFIER_DEADLINES`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Optional

import redis.asyncio as aioredis

from bot.notifier import texts
from bot.notifier.queue import DeliveryQueue, Job
from common import keys
from common.messages import BotMessage
from common.reports import ReportsStore
from common.workdays import WIB, due_day, format_date
from lapor_client import LaporClient
from lapor_client.errors import LaporNotFound
from lapor_client.models import Event, Report

# The stages watched, and the statuses in which a report still waits for that stage's step.
WAITING = {"submitted": {"submitted", "verified"}, "forwarded": {"forwarded"}}
WAKING_HOURS = (7, 20)  # WIB: notices are sent from 07:00 until 20:00
OVERDUE_EVENT = "deadline_passed"


def waking(moment: datetime) -> bool:
    return WAKING_HOURS[0] <= moment.astimezone(WIB).hour < WAKING_HOURS[1]


def look_at(event: Event) -> datetime:
    """The morning after the stage's last day."""
    last_day = due_day(event.status, event.at)
    assert last_day is not None  # every watched stage has its days
    return datetime.combine(last_day + timedelta(days=1), time(WAKING_HOURS[0]), WIB)


def still_waiting(report: Report, status: str, event_id: int) -> bool:
    """The report is still at the stage this event started (not moved on, nor started it again)."""
    started = [e.event_id for e in report.events if e.status == status]
    return report.status in WAITING[status] and bool(started) and max(started) == event_id


def notice(report: Report, status: str, event: Event) -> str:
    agency = report.agency.name if report.agency else texts.SOME_AGENCY
    day = format_date(due_day(status, event.at))
    return texts.OVERDUE[status].format(id=report.tracking_id, agency=agency, day=day) + texts.WHAT_TO_DO


class Deadlines:
    def __init__(self, redis: aioredis.Redis, lapor: LaporClient, queue: DeliveryQueue) -> None:
        self._redis = redis
        self._lapor = lapor
        self._queue = queue
        self._reports = ReportsStore(redis)

    async def watch(self, events: Iterable[Event]) -> None:
        """Keeps the watched stages these events start (only for reports someone follows here)."""
        stages = {
            f"{event.tracking_id}:{event.status}:{event.event_id}": look_at(event).timestamp()
            for event in events
            if event.status in WAITING
        }
        if stages:
            await self._redis.zadd(keys.NOTIFIER_DEADLINES, stages)

    async def warn_once(self, now: Optional[datetime] = None) -> int:
        """Turns the stages that passed their deadline into notices; returns how many were queued."""
        now = now or datetime.now(WIB)
        if not waking(now):
            return 0
        due = await self._redis.zrangebyscore(keys.NOTIFIER_DEADLINES, "-inf", now.timestamp(), 0, 100)
        queued = 0
        for member in due:  # a LaporError ends the round: the stages wait for the next one
            tracking_id, status, event_id = member.decode().split(":")
            queued += await self._warn(tracking_id, status, int(event_id))
            await self._redis.zrem(keys.NOTIFIER_DEADLINES, member)
        return queued

    async def _warn(self, tracking_id: str, status: str, event_id: int) -> int:
        reporter = await self._reports.reporter(tracking_id)
        if reporter is None or tracking_id not in await self._reports.following(reporter):
            return 0  # filed elsewhere, erased, or the citizen asked for no more news
        try:
            report = await self._lapor.get_report(tracking_id)
        except LaporNotFound:
            return 0
        if not still_waiting(report, status, event_id):
            return 0
        event = next(e for e in report.events if e.event_id == event_id)
        job = Job(
            {
                "event_id": f"overdue-{event_id}",
                "tracking_id": tracking_id,
                "type": OVERDUE_EVENT,
                "status": status,
                "message": "",
            },
            reporter,
            rendered=[BotMessage(notice(report, status, event)).to_json()],
        )
        return await self._queue.enqueue([job])
