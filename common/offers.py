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
# Adding the offers and trimming the old ones, as one command of a turn's bookkeeping instead of four.
# KEYS[1]: the citizen's offers; ARGV: now, the lifetime, how many are kept, then score/payload pairs.
_REMEMBER = """
local now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], unpack(ARGV, 4))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -tonumber(ARGV[3]) - 1)
redis.call('EXPIRE', KEYS[1], math.ceil(ttl))
"""


class OfferedPayloads:
    def __init__(self, redis: aioredis.Redis, ttl_seconds: float = OFFER_TTL_SECONDS) -> None:
        self._redis = redis
        self._ttl = ttl_seconds

    async def remember(self, sender: str, messages: Sequence[BotMessage]) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            self.remember_in(pipe, sender, messages)
            await pipe.execute()  # nothing queued (no buttons): [] without a round trip

    def remember_in(self, pipe: Pipeline, sender: str, messages: Sequence[BotMessage]) -> None:
        """Queues `remember` on a pipeline that does more (the gateway's end of a turn)."""
        now = time.time()
        payloads = {b.payload for m in messages for b in m.buttons if b.payload.startswith("/")}
        if payloads:
            scored = [arg for payload in payloads for arg in (now, payload)]
            pipe.eval(_REMEMBER, 1, keys.offered_payloads(sender), now, self._ttl, MAX_OFFERS_KEPT, *scored)

    def look_up(self, pipe: Pipeline, sender: str, payload: str) -> int:
        """Queues the look-up of a payload on a pipeline that does more (the gateway's start of a turn);
        returns where its result will stand, for `offered`."""
        pipe.zscore(keys.offered_payloads(sender), payload)
        return len(pipe) - 1

    def offered(self, offered_at: float | None) -> bool:
        """Whether `look_up`'s result says the payload was offered recently."""
        return offered_at is not None and offered_at >= time.time() - self._ttl
