"""The dashboard's projection: what LAPOR's events feed and the assistant's activity say, kept in Redis.

Two feeds, each with the dashboard's own cursor (keys in bot.dashboard.keys):
- LAPOR's events feed: for each report an event names, the report is read again from LAPOR's API and its
  record rewritten whole, so an event seen twice (the feed is at-least-once) changes nothing;
- the assistant's activity stream (common.activity): counted in one transaction with its cursor, so each
  entry is counted exactly once.
Everything lives in Redis: a restart goes on from the cursors; `backfill` clears the projection and reads
both feeds again from their start.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Optional

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bot.dashboard import keys
from bot.dashboard.figures import Report
from common import activity
from common.workdays import local_day
from lapor_client import LaporClient
from lapor_client.errors import LaporError, LaporNotFound
from lapor_client.models import Report as LaporReport

log = logging.getLogger(__name__)

UNKNOWN_CHANNEL = "-"
SYNC_LOCK_SECONDS = 60
REFERENCE_MAX_AGE = 3600


def lapor_record(view: LaporReport) -> dict[str, Any]:
    """The timings of one report from its own events: when it was verified, forwarded (last time), followed up
    (first answer after that forwarding: a follow-up, or completion straight away), completed or archived."""
    record: dict[str, Any] = {
        "tracking_id": view.tracking_id,
        "status": view.status,
        "classification": view.classification,
        "title": view.title,
        "category_id": view.category.id if view.category else None,
        "agency_id": view.agency.id if view.agency else None,
        "created_at": view.created_at.timestamp(),
        "verified_at": None,
        "forwarded_at": None,
        "followed_up_at": None,
        "completed_at": None,
        "archived_at": None,
        "clarifications": 0,
    }
    for event in sorted(view.events, key=lambda e: e.event_id):
        at = event.at.timestamp()
        if event.type == "clarification_requested":
            record["clarifications"] += 1
        elif event.status == "verified" and record["verified_at"] is None:
            record["verified_at"] = at
        elif event.status == "forwarded":
            record["forwarded_at"], record["followed_up_at"] = at, None
        if (
            event.status in ("followed_up", "completed")
            and record["forwarded_at"] is not None
            and record["followed_up_at"] is None
        ):
            record["followed_up_at"] = at
        if event.type == "closed":
            record["completed_at" if event.status == "completed" else "archived_at"] = at
    return record


def _text(value: bytes | str | None) -> Optional[str]:
    return value.decode() if isinstance(value, bytes) else value


@dataclass
class Snapshot:
    """Every report of the projection and LAPOR's reference data, as one page reads them."""

    version: int
    reports: list[Report]
    agencies: dict[str, dict[str, Any]] = field(default_factory=dict)
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)

    def agency_name(self, agency_id: Optional[str]) -> str:
        return self.agencies.get(agency_id or "", {}).get("name") or agency_id or "(belum ditentukan)"

    def category_name(self, category_id: Optional[str]) -> str:
        return self.categories.get(category_id or "", {}).get("name") or category_id or "(tanpa kategori)"


class Projection:
    def __init__(self, redis: aioredis.Redis, lapor: LaporClient) -> None:
        self._redis = redis
        self._lapor = lapor
        self._cached: Optional[Snapshot] = None

    # ---- reading ----

    async def snapshot(self) -> Snapshot:
        """The whole projection; read again from Redis only when it changed since the last read."""
        version = int(await self._redis.get(keys.VERSION) or 0)
        if self._cached is not None and self._cached.version == version:
            return self._cached
        ids = [_text(i) for i in await self._redis.zrange(keys.REPORTS, 0, -1)]
        async with self._redis.pipeline(transaction=False) as pipe:
            for tracking_id in ids:
                pipe.hgetall(keys.report(tracking_id))
            pipe.hgetall(keys.REFERENCE)
            *stored, reference = await pipe.execute()
        reports = [
            Report.from_stored({_text(k): json.loads(v) for k, v in fields.items()})
            for fields in stored
            if b"lapor" in fields
        ]
        self._cached = Snapshot(
            version,
            reports,
            agencies={a["id"]: a for a in json.loads(reference.get(b"agencies", b"[]"))},
            categories={c["id"]: c for c in json.loads(reference.get(b"categories", b"[]"))},
        )
        return self._cached

    # ---- keeping it current ----

    async def sync_once(self) -> int:
        """Reads what is new in both feeds (one syncing process at a time): how many entries it read."""
        token = uuid.uuid4().hex
        if not await self._redis.set(keys.SYNC_LOCK, token, nx=True, ex=SYNC_LOCK_SECONDS):
            return 0
        try:
            await self._refresh_reference()
            return await self.sync_lapor() + await self.sync_activity()
        finally:
            if _text(await self._redis.get(keys.SYNC_LOCK)) == token:
                await self._redis.delete(keys.SYNC_LOCK)

    async def _refresh_reference(self) -> None:
        fetched_at = await self._redis.hget(keys.REFERENCE, "fetched_at")
        if fetched_at is not None and time.time() - float(fetched_at) < REFERENCE_MAX_AGE:
            return
        agencies, categories = await self._lapor.agencies(), await self._lapor.categories()
        await self._redis.hset(
            keys.REFERENCE,
            mapping={
                "agencies": json.dumps([a.__dict__ for a in agencies]),
                "categories": json.dumps([c.__dict__ for c in categories]),
                "fetched_at": str(time.time()),
            },
        )
        await self._redis.incr(keys.VERSION)

    async def sync_lapor(self, page_size: int = 200) -> int:
        read = 0
        while True:
            cursor = _text(await self._redis.get(keys.CURSOR))
            page = await self._lapor.events_page(after=cursor, limit=page_size)
            records = []
            for tracking_id in dict.fromkeys(e.tracking_id for e in page.events):
                try:
                    records.append(lapor_record(await self._lapor.get_report(tracking_id)))
                except LaporNotFound:
                    log.warning("report %s of the events feed is gone from LAPOR", tracking_id)
            async with self._redis.pipeline(transaction=True) as pipe:
                for record in records:
                    pipe.hset(keys.report(record["tracking_id"]), "lapor", json.dumps(record))
                    pipe.zadd(keys.REPORTS, {record["tracking_id"]: record["created_at"]})
                pipe.set(keys.CURSOR, page.next_cursor)
                if page.events:
                    pipe.incr(keys.VERSION)
                await pipe.execute()
            read += len(page.events)
            if len(page.events) < page_size:
                return read

    async def sync_activity(self, count: int = 500) -> int:
        read = 0
        while True:
            after = _text(await self._redis.get(keys.ACTIVITY_CURSOR)) or "0"
            answer = await self._redis.xread({activity.STREAM: after}, count=count)
            entries = answer[0][1] if answer else []
            if not entries:
                return read
            open_questions = await self._open_questions(entries)
            async with self._redis.pipeline(transaction=True) as pipe:
                for entry_id, raw in entries:
                    self._count(
                        pipe, _text(entry_id), {_text(k): _text(v) for k, v in raw.items()}, open_questions
                    )
                pipe.set(keys.ACTIVITY_CURSOR, _text(entries[-1][0]))
                pipe.incr(keys.VERSION)
                await pipe.execute()
            read += len(entries)

    async def _open_questions(self, entries: list) -> dict[str, float]:
        """When each clarification these entries answer reached the citizen (asked before or in this one)."""
        wanted = [
            f"{_text(raw.get(b'tracking_id'))}:{_text(raw.get(b'event_id'))}"
            for _, raw in entries
            if raw.get(b"kind") == b"clarification_answered"
        ]
        stored = await self._redis.hmget(keys.CLARIFICATION_OPEN, wanted) if wanted else []
        return {k: float(v) for k, v in zip(wanted, stored) if v is not None}

    def _count(
        self, pipe: Any, entry_id: str, entry: dict[str, str], open_questions: dict[str, float]
    ) -> None:
        kind, channel = entry["kind"], entry.get("channel") or UNKNOWN_CHANNEL
        at = activity.moment(entry_id, entry)
        day = local_day(datetime.fromtimestamp(at)).isoformat()
        stage = {
            "conversation_started": "conversation_started",
            "filing_started": "filing_started",
            "report_queued": "confirmed",
            "report_filed": "filed",
        }.get(kind)
        if kind == "step_asked":
            stage = "step:" + entry.get("step", "?")
        if stage and entry.get("conversation"):
            funnel_key = keys.funnel(day, channel, stage)
            pipe.sadd(funnel_key, entry["conversation"])
            pipe.expire(funnel_key, keys.HISTORY_SECONDS)
        question = f"{entry.get('tracking_id')}:{entry.get('event_id')}"
        if kind == "report_filed":
            pipe.hset(
                keys.report(entry["tracking_id"]),
                "assist",
                json.dumps(
                    {
                        "channel": channel,
                        "region_code": entry.get("region_code"),
                        "confidential": entry.get("confidential") == "1",
                    }
                ),
            )
            if entry.get("outbox_key"):
                pipe.hdel(keys.OUTBOX_SINCE, entry["outbox_key"])
        elif kind == "report_queued" and entry.get("outbox_key"):
            pipe.hset(keys.OUTBOX_SINCE, entry["outbox_key"], at)
        elif kind == "report_rated":
            pipe.hset(
                keys.report(entry["tracking_id"]),
                "rating",
                json.dumps({"score": int(entry["score"]), "comment": entry.get("comment"), "at": at}),
            )
        elif kind == "clarification_asked":
            open_questions[question] = at
            pipe.hset(keys.CLARIFICATION_OPEN, question, at)
        elif kind == "clarification_answered" and question in open_questions:
            seconds_key = keys.answer_seconds(day)
            pipe.rpush(seconds_key, round(at - open_questions.pop(question)))
            pipe.expire(seconds_key, keys.HISTORY_SECONDS)
            pipe.hdel(keys.CLARIFICATION_OPEN, question)
        if kind.startswith(("clarification_", "notification_")):
            counter = f"{kind}|{channel}" + (
                f"|{entry.get('reason') or '?'}" if kind == "notification_failed" else ""
            )
            pipe.hincrby(keys.daily(day), counter, 1)
            pipe.expire(keys.daily(day), keys.HISTORY_SECONDS)

    async def reset(self) -> None:
        """Clears the projection (never accounts, sessions or the audit log); the next sync starts over."""
        for pattern in keys.PROJECTION_PATTERNS:
            batch = [key async for key in self._redis.scan_iter(match=pattern, count=1000)]
            for start in range(0, len(batch), 1000):
                await self._redis.delete(*batch[start : start + 1000])
        await self._redis.incr(keys.VERSION)

    async def run(self, stop: asyncio.Event, poll_seconds: float) -> None:
        while not stop.is_set():
            try:
                read = await self.sync_once()
                if read:
                    log.info("projection: %d new feed entries", read)
            except (LaporError, RedisError) as exc:  # try again at the next round, from the stored cursors
                log.warning("projection not updated: %s", type(exc).__name__)
            try:
                await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
            except asyncio.TimeoutError:
                pass
