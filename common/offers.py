"""The button payloads the assistant offered each citizen: a message starting with "/" is read by Rasa
as an intent with entities, so the gateway accepts one from a citizen only if it was offered to that
citizen recently. Whoever sends buttons remembers them here: the gateway for its replies, the notifier
for its news."""

from __future__ import annotations

import time
from collections.abc import Sequence

import redis.asyncio as aioredis

from common import keys
from common.messages import BotMessage

OFFER_TTL_SECONDS = 24 * 3600
MAX_OFFERS_KEPT = 200  # per citizen: more than any conversation shows in a day
# Adding offers and trimming the old ones, as a Lua function for any script that remembers offers among its
# work (the gateway's end of a turn), so that it takes no round trip of its own. ARGV[first], ARGV[first+1],
# ...: score, payload, score, payload (none: nothing to remember).
REMEMBER_LUA = """
local function remember_offers(key, now, ttl, kept, first)
    if #ARGV < first then
        return
    end
    redis.call('ZADD', key, unpack(ARGV, first))
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - ttl)
    redis.call('ZREMRANGEBYRANK', key, 0, -kept - 1)
    redis.call('EXPIRE', key, math.ceil(ttl))
end
"""
_REMEMBER = (
    REMEMBER_LUA
    + """
remember_offers(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), 4)
"""
)


class OfferedPayloads:
    def __init__(self, redis: aioredis.Redis, ttl_seconds: float = OFFER_TTL_SECONDS) -> None:
        self._redis = redis
        self._ttl = ttl_seconds

    async def remember(self, sender: str, messages: Sequence[BotMessage]) -> None:
        if offers := self.scored(messages):
            await self._redis.eval(_REMEMBER, 1, keys.offered_payloads(sender), *self.args(), *offers)

    def args(self) -> tuple[float, float, int]:
        """`remember_offers`'s arguments after the key: now, the lifetime and how many are kept."""
        return time.time(), self._ttl, MAX_OFFERS_KEPT

    @staticmethod
    def scored(messages: Sequence[BotMessage]) -> list[float | str]:
        """The payloads of the messages' buttons, each after the time it was offered: `remember_offers`'s
        last arguments."""
        now = time.time()
        payloads = {b.payload for m in messages for b in m.buttons if b.payload.startswith("/")}
        return [arg for payload in payloads for arg in (now, payload)]

    def offered(self, offered_at: bytes | float | None) -> bool:
        """Whether a payload's score in the citizen's offers (when it was last offered; None: never, a
        script's answer: bytes) is recent enough."""
        return offered_at is not None and float(offered_at) >= time.time() - self._ttl
