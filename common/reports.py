"""Which reports each citizen filed through the assistant, and who follows which report.

Keys: common/keys.py. The action server writes them; the notifier reads the followers. Each key lives
`RETENTION_DAYS` (default 365) after it was last written (docs/operations.md "Retention"), and `forget`
erases a citizen's part at their request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis.asyncio as aioredis

from common import keys
from common.settings import env_int

DEFAULT_RETENTION_DAYS = 365


def retention_seconds() -> int:
    """How long a per-citizen index outlives its last write (UU PDP 27/2022: no longer than needed)."""
    return env_int("RETENTION_DAYS", DEFAULT_RETENTION_DAYS) * 24 * 3600


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
        self._ttl = retention_seconds()

    async def add_filed(self, sender: str, tracking_id: str, title: str, classification: str) -> None:
        """Registers a report as filed by `sender`, who from then on follows it."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(keys.reports_filed(sender), {tracking_id: time.time()}, nx=True)
            pipe.hset(
                keys.report_meta(tracking_id),
                mapping={"title": title, "classification": classification, "sender": sender},
            )
            pipe.sadd(keys.report_followers(tracking_id), sender)
            pipe.sadd(keys.reports_following(sender), tracking_id)
            self._refresh(pipe, sender, tracking_id)
            await pipe.execute()

    def _refresh(self, pipe, sender: str, tracking_id: str) -> None:
        """Each write restarts the retention period of the keys it touched, and of the citizen's others."""
        for key in (
            keys.reports_filed(sender),
            keys.report_meta(tracking_id),
            keys.report_followers(tracking_id),
            keys.reports_following(sender),
        ):
            pipe.expire(key, self._ttl)

    async def list_for(self, sender: str, limit: int = 20) -> list[FiledReport]:
        """The sender's reports, newest first."""
        entries = await self._redis.zrevrange(keys.reports_filed(sender), 0, limit - 1, withscores=True)
        reports = []
        for member, score in entries:
            tracking_id = _text(member)
            meta = await self._redis.hgetall(keys.report_meta(tracking_id))
            reports.append(
                FiledReport(tracking_id, _text(meta.get(b"title")), _text(meta.get(b"classification")), score)
            )
        return reports

    async def count_filed_since(self, sender: str, since: float) -> int:
        """How many reports `sender` filed from `since` (epoch seconds) on."""
        return await self._redis.zcount(keys.reports_filed(sender), since, "+inf")

    async def is_filed_by(self, sender: str, tracking_id: str) -> bool:
        return await self._redis.zscore(keys.reports_filed(sender), tracking_id) is not None

    async def reporter(self, tracking_id: str) -> str | None:
        """Who filed the report through the assistant (None: filed elsewhere, or they were forgotten)."""
        sender = await self._redis.hget(keys.report_meta(tracking_id), "sender")
        return _text(sender) or None

    async def follow(self, sender: str, tracking_id: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.sadd(keys.report_followers(tracking_id), sender)
            pipe.sadd(keys.reports_following(sender), tracking_id)
            self._refresh(pipe, sender, tracking_id)
            await pipe.execute()

    async def is_following(self, sender: str, tracking_id: str) -> bool:
        return bool(await self._redis.sismember(keys.reports_following(sender), tracking_id))

    async def following(self, sender: str) -> set[str]:
        return {_text(m) for m in await self._redis.smembers(keys.reports_following(sender))}

    async def followers(self, tracking_id: str) -> set[str]:
        return {_text(m) for m in await self._redis.smembers(keys.report_followers(tracking_id))}

    async def unfollow_all(self, sender: str) -> None:
        """Stops every notification to `sender` (e.g. they blocked the bot); their filings stay."""
        following = await self._redis.smembers(keys.reports_following(sender))
        async with self._redis.pipeline(transaction=True) as pipe:
            for member in following:
                pipe.srem(keys.report_followers(_text(member)), sender)
            pipe.delete(keys.reports_following(sender))
            await pipe.execute()

    async def forget(self, sender: str) -> None:
        """Erases the citizen from every index (their request, UU PDP): their filings, what they follow,
        and their name as reporter. The reports' titles stay for the other followers; LAPOR keeps the
        reports themselves."""
        await self.unfollow_all(sender)
        filed = await self._redis.zrange(keys.reports_filed(sender), 0, -1)
        async with self._redis.pipeline(transaction=True) as pipe:
            for member in filed:
                pipe.hdel(keys.report_meta(_text(member)), "sender")
            pipe.delete(keys.reports_filed(sender))
            await pipe.execute()
