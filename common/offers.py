"""The button payloads the assistant offered each citizen: a message starting with "/" is read by Rasa
as an intent with entities, so the gateway accepts one from a citizen only if it was offered to that
citizen recently. Whoever sends buttons remembers them here: the gateway for its replies, the notifier
for its news."""

from __future__ import annotations

import time
from collections.abc import Sequence

import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline

from common import keys
from common.messages import BotMessage

OFFER_TTL_SECONDS = 24 * 3600
MAX_OFFERS_KEPT = 200  # per citizen: more than any conversation shows in a day


class OfferedPayloads:
    def __init__(self, redis: aioredis.Redis, ttl_seconds: float = OFFER_TTL_SECONDS) -> None:
        self._redis = redis
        self._ttl = ttl_seconds

    async def remember(self, sender: str, messages: Sequence[BotMessage]) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            self.remember_in(pipe, sender, messages)
            await pipe.execute()  # nothing queued (no buttons): [] without a round trip

    def remember_in(self, pipe: Pipeline, sender: str, messages: Sequence[BotMessage]) -> None:
        """Queues `remember` on a pipeline that does more (the gateway's end of a turn)."""
        payloads = {b.payload: time.time() for m in messages for b in m.buttons if b.payload.startswith("/")}
        if not payloads:
            return
        key = keys.offered_payloads(sender)
        pipe.zadd(key, payloads)
        pipe.zremrangebyscore(key, "-inf", time.time() - self._ttl)
        pipe.zremrangebyrank(key, 0, -MAX_OFFERS_KEPT - 1)
        pipe.expire(key, int(self._ttl))

    def look_up(self, pipe: Pipeline, sender: str, payload: str) -> int:
        """Queues the look-up of a payload on a pipeline that does more (the gateway's start of a turn);
        returns where its result will stand, for `offered`."""
        pipe.zscore(keys.offered_payloads(sender), payload)
        return len(pipe) - 1

    def offered(self, offered_at: float | None) -> bool:
        """Whether `look_up`'s result says the payload was offered recently."""
        return offered_at is not None and offered_at >= time.time() - self._ttl
