"""Figures from the assistant's own activity: the conversation funnel, clarifications, delivery health.

These are counted per day and channel (bot.dashboard.projection), so they follow the period and channel
filters; a conversation has no agency, region or classification until its report is filed.
"""

from __future__ import annotations

import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

import redis.asyncio as aioredis

from bot.dashboard import keys
from common import keys as common_keys
from common import report_steps

# Read, never written, here: the notifier's dead letters and the outbox of confirmed reports (their owners'
# modules document them: bot/notifier/queue.py, common/outbox.py).
NOTIFIER_DEAD = common_keys.NOTIFIER_DEAD
OUTBOX_PENDING = common_keys.OUTBOX_PENDING
OUTBOX_FAILED = common_keys.OUTBOX_FAILED

CHANNELS = ("telegram", "whatsapp", "console", "-")
# The report form's steps in the order the assistant asks them, named as the citizen's buttons name them.
FORM_STEPS = {**report_steps.LABELS, "konfirmasi": "Konfirmasi"}
FUNNEL = [
    ("conversation_started", "Percakapan dimulai"),
    ("filing_started", "Mulai membuat laporan"),
    *((f"step:{slot}", f"Langkah: {label}") for slot, label in FORM_STEPS.items()),
    ("confirmed", "Dikonfirmasi warga"),
    ("filed", "Terkirim ke LAPOR!"),
]


def days(start: date, end: date) -> list[str]:
    return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


async def funnel(
    redis: aioredis.Redis, start: date, end: date, channel: Optional[str]
) -> list[tuple[str, int]]:
    """Distinct conversations that reached each stage within the period (unions counted inside Redis)."""
    channels = [channel] if channel else CHANNELS
    period = days(start, end)
    union = keys.union(uuid.uuid4().hex)
    async with redis.pipeline(transaction=True) as pipe:
        for stage, _ in FUNNEL:
            pipe.sunionstore(union, [keys.funnel(day, c, stage) for day in period for c in channels])
            pipe.expire(union, 60)
        pipe.delete(union)
        counts = (await pipe.execute())[:-1:2]
    return [(label, count) for (_, label), count in zip(FUNNEL, counts)]


async def _daily_counts(
    redis: aioredis.Redis, start: date, end: date, channel: Optional[str]
) -> dict[str, int]:
    """`<kind>[|<reason>]` -> count over the period, for one channel or all."""
    async with redis.pipeline(transaction=False) as pipe:
        for day in days(start, end):
            pipe.hgetall(keys.daily(day))
        per_day = await pipe.execute()
    totals: dict[str, int] = {}
    for counters in per_day:
        for raw_name, raw_count in counters.items():
            kind, counted_channel, *reason = raw_name.decode().split("|")
            if channel is None or counted_channel == channel:
                name = "|".join([kind, *reason])
                totals[name] = totals.get(name, 0) + int(raw_count)
    return totals


@dataclass(frozen=True)
class Clarifications:
    asked: int
    answered: int
    median_answer_hours: Optional[float]


async def clarifications(
    redis: aioredis.Redis, start: date, end: date, channel: Optional[str]
) -> Clarifications:
    counts = await _daily_counts(redis, start, end, channel)
    async with redis.pipeline(transaction=False) as pipe:
        for day in days(start, end):
            pipe.lrange(keys.answer_seconds(day), 0, -1)
        seconds = [int(s) for day_list in await pipe.execute() for s in day_list]
    # The answer times are kept for every channel together.
    median = round(statistics.median(seconds) / 3600, 1) if seconds and channel is None else None
    return Clarifications(
        counts.get("clarification_asked", 0), counts.get("clarification_answered", 0), median
    )


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: list[tuple[str, int]]  # by reason
    dead_letters: int
    outbox_depth: int
    outbox_oldest_minutes: Optional[float]
    outbox_refused: int


async def delivery(redis: aioredis.Redis, start: date, end: date, channel: Optional[str]) -> Delivery:
    counts = await _daily_counts(redis, start, end, channel)
    failed = sorted(
        ((name.split("|", 1)[1], n) for name, n in counts.items() if name.startswith("notification_failed|")),
        key=lambda kv: (-kv[1], kv[0]),
    )
    pending = await redis.hkeys(OUTBOX_PENDING)
    since = (
        [float(s) for s in await redis.hmget(keys.OUTBOX_SINCE, pending) if s is not None] if pending else []
    )
    return Delivery(
        sent=counts.get("notification_sent", 0),
        failed=failed,
        dead_letters=await redis.hlen(NOTIFIER_DEAD),
        outbox_depth=len(pending),
        outbox_oldest_minutes=round((time.time() - min(since)) / 60, 1) if since else None,
        outbox_refused=await redis.hlen(OUTBOX_FAILED),
    )
