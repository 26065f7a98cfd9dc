"""Durable, deduplicated delivery jobs for the notifier, kept in Redis.

LAPOR's events feed is read at least once (the cursor moves only after the jobs of a page are
stored, in the same transaction), so an event may be seen again after a crash. A job's id is
`<event_id>:<sender>`, and a job that was delivered leaves a `sent` marker: seeing the event again
re-adds the job, and the marker drops it without a second message.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from typing import Any

import redis.asyncio as aioredis

from common import keys

CURSOR_KEY = keys.NOTIFIER_CURSOR
PENDING_KEY = keys.NOTIFIER_PENDING  # zset: job id -> when it is due (epoch seconds)
JOBS_KEY = keys.NOTIFIER_JOBS  # hash: job id -> job JSON
DEAD_KEY = keys.NOTIFIER_DEAD  # hash: job id -> job JSON, given up after MAX_ATTEMPTS
sent_key = keys.notifier_sent
SENT_TTL_SECONDS = 90 * 24 * 3600  # longer than any report's life in the feed
MAX_ATTEMPTS = 8


@dataclass
class Job:
    event: dict[str, Any]
    sender: str
    attempts: int = 0
    # What the dialogue said about the event, once asked (Rasa replies as JSON).
    rendered: list[dict[str, Any]] | None = None

    @property
    def id(self) -> str:
        return f"{self.event['event_id']}:{self.sender}"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: bytes | str) -> "Job":
        return cls(**json.loads(raw))


def backoff_seconds(attempts: int) -> float:
    """1 s, 2 s, 4 s ... capped at 10 minutes."""
    return min(600.0, 2.0 ** max(0, attempts - 1))


class DeliveryQueue:
    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis

    async def cursor(self) -> str | None:
        raw = await self._redis.get(CURSOR_KEY)
        return raw.decode() if raw else None

    async def enqueue_page(self, jobs: list[Job], next_cursor: str | None) -> None:
        """Stores a page's jobs and moves the cursor past it, all or nothing."""
        now = time.time()
        async with self._redis.pipeline(transaction=True) as pipe:
            for job in jobs:
                pipe.hsetnx(JOBS_KEY, job.id, job.to_json())
                pipe.zadd(PENDING_KEY, {job.id: now}, nx=True)
            if next_cursor is not None:
                pipe.set(CURSOR_KEY, next_cursor)
            await pipe.execute()

    async def due(self, limit: int = 50) -> list[Job]:
        """Jobs whose time has come; ones already delivered are cleared away, not returned."""
        ids = await self._redis.zrangebyscore(PENDING_KEY, "-inf", time.time(), start=0, num=limit)
        jobs = []
        for raw_id in ids:
            job_id = raw_id.decode()
            raw = await self._redis.hget(JOBS_KEY, job_id)
            if raw is None or await self._redis.exists(sent_key(job_id)):
                await self._forget(job_id)
                continue
            jobs.append(Job.from_json(raw))
        return jobs

    async def save(self, job: Job) -> None:
        await self._redis.hset(JOBS_KEY, job.id, job.to_json())

    async def mark_sent(self, job: Job) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(sent_key(job.id), "1", ex=SENT_TTL_SECONDS)
            pipe.zrem(PENDING_KEY, job.id)
            pipe.hdel(JOBS_KEY, job.id)
            await pipe.execute()

    async def drop(self, job: Job) -> None:
        """Nothing to deliver any more (e.g. the citizen blocked the bot)."""
        await self.mark_sent(job)

    async def retry_later(self, job: Job, delay: float | None = None) -> None:
        job.attempts += 1
        if job.attempts >= MAX_ATTEMPTS:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(DEAD_KEY, job.id, job.to_json())
                pipe.zrem(PENDING_KEY, job.id)
                pipe.hdel(JOBS_KEY, job.id)
                await pipe.execute()
            return
        due_at = time.time() + (delay if delay is not None else backoff_seconds(job.attempts))
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(JOBS_KEY, job.id, job.to_json())
            pipe.zadd(PENDING_KEY, {job.id: due_at})
            await pipe.execute()

    async def _forget(self, job_id: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrem(PENDING_KEY, job_id)
            pipe.hdel(JOBS_KEY, job_id)
            await pipe.execute()
