"""Messages waiting for a console user: the console has no push channel, so the notifier leaves
them in Redis and the console chat collects them through the gateway (`GET /console/inbox`)."""

from __future__ import annotations

import json
from typing import Sequence

import redis.asyncio as aioredis

from common import keys
from common.messages import BotMessage

INBOX_TTL_SECONDS = 7 * 24 * 3600


class ConsoleInbox:
    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis

    async def put(self, user_id: str, replies: Sequence[BotMessage]) -> None:
        if not replies:
            return
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(
                keys.console_inbox(user_id), *(json.dumps(r.to_json(), ensure_ascii=False) for r in replies)
            )
            pipe.expire(keys.console_inbox(user_id), INBOX_TTL_SECONDS)
            await pipe.execute()

    async def take(self, user_id: str) -> list[dict]:
        """Everything waiting, oldest first, removed as it is taken."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lrange(keys.console_inbox(user_id), 0, -1)
            pipe.delete(keys.console_inbox(user_id))
            waiting, _ = await pipe.execute()
        return [json.loads(raw) for raw in waiting]
