"""Which reports each citizen filed through the assistant, and who follows which report.

Keys (Redis):
- `lapor:reports:filed:<sender>`   sorted set of tracking ids, scored by filing time
- `lapor:reports:meta:<tracking>`  hash: title, classification, sender
- `lapor:reports:followers:<tracking>` set of senders told about the report's changes
- `lapor:reports:following:<sender>`   set of tracking ids the sender follows (for unfollow_all)
The notifier process imports this module too.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import redis.asyncio as aioredis

_PREFIX = "lapor:reports"


def _text(value: bytes | str | None) -> str:
    return value.decode() if isinstance(value, bytes) else (value or "")


@dataclass(frozen=True)
class FiledReport:
    tracking_id: str
    title: str
    classification: str
    filed_at: float


class ReportsStore:
    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis

    async def add_filed(self, sender: str, tracking_id: str, title: str, classification: str) -> None:
        """Registers a report as filed by `sender`, who from then on follows it."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(f"{_PREFIX}:filed:{sender}", {tracking_id: time.time()}, nx=True)
            pipe.hset(f"{_PREFIX}:meta:{tracking_id}",
                      mapping={"title": title, "classification": classification, "sender": sender})
            pipe.sadd(f"{_PREFIX}:followers:{tracking_id}", sender)
            pipe.sadd(f"{_PREFIX}:following:{sender}", tracking_id)
            await pipe.execute()

    async def list_for(self, sender: str, limit: int = 20) -> list[FiledReport]:
        """The sender's reports, newest first."""
        entries = await self._redis.zrevrange(f"{_PREFIX}:filed:{sender}", 0, limit - 1, withscores=True)
        reports = []
        for member, score in entries:
            tracking_id = _text(member)
            meta = await self._redis.hgetall(f"{_PREFIX}:meta:{tracking_id}")
            reports.append(FiledReport(tracking_id, _text(meta.get(b"title")),
                                       _text(meta.get(b"classification")), score))
        return reports

    async def is_filed_by(self, sender: str, tracking_id: str) -> bool:
        return await self._redis.zscore(f"{_PREFIX}:filed:{sender}", tracking_id) is not None

    async def follow(self, sender: str, tracking_id: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.sadd(f"{_PREFIX}:followers:{tracking_id}", sender)
            pipe.sadd(f"{_PREFIX}:following:{sender}", tracking_id)
            await pipe.execute()

    async def is_following(self, sender: str, tracking_id: str) -> bool:
        return bool(await self._redis.sismember(f"{_PREFIX}:following:{sender}", tracking_id))

    async def followers(self, tracking_id: str) -> set[str]:
        return {_text(m) for m in await self._redis.smembers(f"{_PREFIX}:followers:{tracking_id}")}

    async def unfollow_all(self, sender: str) -> None:
        """Stops every notification to `sender` (e.g. they blocked the bot); their filings stay."""
        following = await self._redis.smembers(f"{_PREFIX}:following:{sender}")
        async with self._redis.pipeline(transaction=True) as pipe:
            for member in following:
                pipe.srem(f"{_PREFIX}:followers:{_text(member)}", sender)
            pipe.delete(f"{_PREFIX}:following:{sender}")
            await pipe.execute()
