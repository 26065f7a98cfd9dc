"""Durable, deduplicated delivery jobs shared by any number of notifiers, kept in Redis.

Jobs travel through a Redis stream read by the consumer group `notifiers`: each entry goes to one
notifier, which acknowledges it once the job is sent, retried later or given up. An entry a notifier
took and never acknowledged (it died) is claimed by another after CLAIM_IDLE_MS (XAUTOCLAIM), so a
killed notifier costs at most the one burst it was sending when it died (service.py).

In, at least once: LAPOR's events feed is read after the stored cursor, and a page's jobs and the new
cursor are written by one script that first checks the cursor is still the one the page was read
after, so two notifiers reading the same page store it once. A job's id is `<event_id>:<sender>`
(common/keys.py, `notifier_job_id`); a job is added only if it is not queued already and has no `sent`
marker, so an event seen again after a crash is not sent twice.

Order: entries are read in stream order, which is the feed's order. Across notifiers, each citizen's
jobs also wait in a list per citizen: a job is sent only when it is the first of its citizen's list,
otherwise it is put back until the one before it is done.

Keys: common/keys.py (`NOTIFIER_*`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Optional

import redis
import redis.asyncio as aioredis

from common import keys

CURSOR_KEY = keys.NOTIFIER_CURSOR
STREAM_KEY = keys.NOTIFIER_STREAM
PENDING_KEY = keys.NOTIFIER_PENDING  # zset: job id -> when it is due again (epoch seconds)
JOBS_KEY = keys.NOTIFIER_JOBS  # hash: job id -> job JSON
DEAD_KEY = keys.NOTIFIER_DEAD  # hash: job id -> job JSON, given up after MAX_ATTEMPTS
GROUP = "notifiers"
sent_key = keys.notifier_sent
order_key = keys.notifier_order
SENT_TTL_SECONDS = 90 * 24 * 3600  # longer than any report's life in the feed
MAX_ATTEMPTS = 8
# Longer than one delivery takes (Rasa's answer and the channel's own retries).
CLAIM_IDLE_MS = 60_000
NOT_YET_SECONDS = 0.5  # a job whose citizen has an earlier one in flight looks again after this

# KEYS: cursor, jobs, stream, source. ARGV: expected cursor, new cursor, sent prefix, order prefix, n,
# then n members of the sorted set `source` the jobs were made from (removed with them), then (job id,
# sender, job JSON) triples. "-" as the expected cursor: no check, no move (not from the feed).
_ENQUEUE = """
if ARGV[1] ~= '-' and (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return -1 end
local taken = tonumber(ARGV[5])
for i = 6, 5 + taken do redis.call('ZREM', KEYS[4], ARGV[i]) end
local added = 0
for i = 6 + taken, #ARGV, 3 do
  local id = ARGV[i]
  if redis.call('EXISTS', ARGV[3] .. id) == 0 and redis.call('HSETNX', KEYS[2], id, ARGV[i + 2]) == 1 then
    redis.call('RPUSH', ARGV[4] .. ARGV[i + 1], id)
    redis.call('XADD', KEYS[3], '*', 'job', id)
    added = added + 1
  end
end
if ARGV[1] ~= '-' then redis.call('SET', KEYS[1], ARGV[2]) end
return added
"""
# KEYS: pending, stream. ARGV: now. Moves due retries back into the stream, each exactly once.
_PROMOTE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100)
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('XADD', KEYS[2], '*', 'job', id)
end
return #due
"""


@dataclass
class Job:
    event: dict[str, Any]
    sender: str
    attempts: int = 0
    # What the dialogue said about the event, once asked (Rasa replies as JSON).
    rendered: list[dict[str, Any]] | None = None
    # The stream entry this job was read from (not stored).
    entry: str = ""

    @property
    def id(self) -> str:
        return keys.notifier_job_id(self.event["event_id"], self.sender)

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("entry")
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: bytes | str, entry: str = "") -> "Job":
        return cls(**json.loads(raw), entry=entry)


def backoff_seconds(attempts: int) -> float:
    """1 s, 2 s, 4 s ... capped at 10 minutes."""
    return min(600.0, 2.0 ** max(0, attempts - 1))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def ensure_group(redis_client: aioredis.Redis, stream: str) -> None:
    """Creates the notifiers' consumer group on `stream` (and the stream) unless it exists."""
    try:
        await redis_client.xgroup_create(stream, GROUP, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


class DeliveryQueue:
    def __init__(self, redis_client: aioredis.Redis, consumer: str = "notifier") -> None:
        self._redis = redis_client
        self._consumer = consumer
        self._enqueue = redis_client.register_script(_ENQUEUE)
        self._promote = redis_client.register_script(_PROMOTE)

    async def cursor(self) -> str | None:
        raw = await self._redis.get(CURSOR_KEY)
        return raw.decode() if raw else None

    async def enqueue_page(self, jobs: list[Job], after: Optional[str], next_cursor: str) -> bool:
        """Stores a page read after cursor `after` and moves the cursor past it, all or nothing.
        False when another notifier moved the cursor first (it stored this page)."""
        return await self._store(jobs, after or "", next_cursor) >= 0

    async def enqueue(self, jobs: list[Job]) -> int:
        """Stores jobs that do not come from the feed (announcements); returns how many were new."""
        return await self._store(jobs, "-", "")

    async def enqueue_taken(self, jobs: list[Job], source: str, members: Sequence[bytes | str]) -> int:
        """Stores jobs made from `members` of the sorted set `source` and removes those members, all or
        nothing: a notifier that dies before this loses none, and one that read the same members too
        adds nothing (the jobs' ids are fixed). Returns how many jobs were new."""
        return await self._store(jobs, "-", "", source, members)

    async def _store(
        self,
        jobs: list[Job],
        expected: str,
        next_cursor: str,
        source: str = PENDING_KEY,  # a sorted set; not written when nothing is taken from it
        taken: Sequence[bytes | str] = (),
    ) -> int:
        triples = [value for job in jobs for value in (job.id, job.sender, job.to_json())]
        if not triples and not taken and expected == "-":
            return 0
        args = [expected, next_cursor, sent_key(""), order_key(""), len(taken), *taken, *triples]
        return await self._enqueue(keys=[CURSOR_KEY, JOBS_KEY, STREAM_KEY, source], args=args)

    async def take(self, count: int = 10, block_ms: int = 0) -> list[Job]:
        """This notifier's next jobs in order: first any a dead notifier left unacknowledged, then new
        ones. Jobs already delivered are acknowledged away; a job whose citizen has an earlier one not
        yet done is put back until that one is."""
        await ensure_group(self._redis, STREAM_KEY)  # each time: a Redis that lost its data lost it too
        await self._promote(keys=[PENDING_KEY, STREAM_KEY], args=[time.time()])
        _, claimed, *_ = await self._redis.xautoclaim(
            STREAM_KEY, GROUP, self._consumer, CLAIM_IDLE_MS, "0-0", count=count
        )
        entries = list(claimed)
        if len(entries) < count:
            read = await self._redis.xreadgroup(
                GROUP, self._consumer, {STREAM_KEY: ">"}, count=count - len(entries), block=block_ms or None
            )
            entries += [entry for _, stream_entries in read for entry in stream_entries]
        jobs: list[Job] = []
        for entry_id, fields in sorted(entries, key=lambda e: tuple(map(int, _text(e[0]).split("-")))):
            job = await self._ready_job(_text(entry_id), _text(fields[b"job"]))
            if job is None:
                continue
            ahead = sum(1 for taken in jobs if taken.sender == job.sender)
            if await self._place(job) == ahead:
                jobs.append(job)
            else:
                await self.put_back(job)
        return jobs

    async def _ready_job(self, entry: str, job_id: str) -> Optional[Job]:
        raw = await self._redis.hget(JOBS_KEY, job_id)
        if raw is None or await self._redis.exists(sent_key(job_id)):
            await self._ack(entry)
            return None
        return Job.from_json(raw, entry)

    async def _place(self, job: Job) -> int:
        """How many of the citizen's jobs come before this one (earlier ones that vanished are skipped)."""
        order = order_key(job.sender)
        while (first := await self._redis.lindex(order, 0)) is not None and _text(first) != job.id:
            if await self._redis.hexists(JOBS_KEY, _text(first)):
                break
            await self._redis.lrem(order, 1, first)  # left behind by an operator's clean-up
        place = await self._redis.lpos(order, job.id)
        return 0 if place is None else place

    async def put_back(self, job: Job) -> None:
        """Not this job's turn: it is due again when the citizen's first job is (or shortly)."""
        first = await self._redis.lindex(order_key(job.sender), 0)
        earlier_due = await self._redis.zscore(PENDING_KEY, _text(first)) if first else None
        due = max(earlier_due or 0.0, time.time()) + NOT_YET_SECONDS
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(PENDING_KEY, {job.id: due})
            pipe.xack(STREAM_KEY, GROUP, job.entry)
            pipe.xdel(STREAM_KEY, job.entry)
            await pipe.execute()

    async def _ack(self, entry: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xack(STREAM_KEY, GROUP, entry)
            pipe.xdel(STREAM_KEY, entry)
            await pipe.execute()

    async def save(self, job: Job) -> None:
        await self._redis.hset(JOBS_KEY, job.id, job.to_json())

    async def mark_sent(self, job: Job) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(sent_key(job.id), "1", ex=SENT_TTL_SECONDS)
            self._finish(pipe, job)
            await pipe.execute()

    async def drop(self, job: Job) -> None:
        """Nothing to deliver any more (e.g. the citizen blocked the bot)."""
        await self.mark_sent(job)

    async def retry_later(self, job: Job, delay: float | None = None) -> None:
        job.attempts += 1
        async with self._redis.pipeline(transaction=True) as pipe:
            if job.attempts >= MAX_ATTEMPTS:
                pipe.hset(DEAD_KEY, job.id, job.to_json())
                self._finish(pipe, job)
            else:
                due_at = time.time() + (delay if delay is not None else backoff_seconds(job.attempts))
                pipe.hset(JOBS_KEY, job.id, job.to_json())
                pipe.zadd(PENDING_KEY, {job.id: due_at})
                pipe.xack(STREAM_KEY, GROUP, job.entry)
                pipe.xdel(STREAM_KEY, job.entry)
            await pipe.execute()

    def _finish(self, pipe: aioredis.client.Pipeline, job: Job) -> None:
        pipe.hdel(JOBS_KEY, job.id)
        pipe.zrem(PENDING_KEY, job.id)
        pipe.lrem(order_key(job.sender), 1, job.id)
        if job.entry:
            pipe.xack(STREAM_KEY, GROUP, job.entry)
            pipe.xdel(STREAM_KEY, job.entry)

    async def backlog(self) -> int:
        """Jobs not yet delivered (queued, in flight or waiting for a retry)."""
        return await self._redis.hlen(JOBS_KEY)
