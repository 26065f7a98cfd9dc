"""Console replies are the HTTP answer itself; news waits in the user's inbox until the chat collects it
(`GET /console/inbox`): the console has no push channel."""

from __future__ import annotations

from collections.abc import Sequence

import redis.asyncio as aioredis

from common.inbox import ConsoleInbox
from common.messages import BotMessage


class ConsoleOutbound:
    def __init__(self, redis: aioredis.Redis) -> None:
        self._inbox = ConsoleInbox(redis)

    async def send(self, user_id: str, messages: Sequence[BotMessage]) -> None:
        await self._inbox.put(user_id, messages)

    async def notify(self, user_id: str, messages: Sequence[BotMessage], tracking_id: str) -> None:
        await self._inbox.put(user_id, messages)
