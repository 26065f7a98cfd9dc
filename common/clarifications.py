"""Agency questions (LAPOR clarification requests) waiting for the citizen's answer.

They stay open until answered or dropped, so several can wait and the citizen picks one. The
action server writes them when the notifier's clarification event reaches the dialogue.
Key: common/keys.py `open_clarifications`.
"""

from __future__ import annotations

import json

import redis.asyncio as aioredis

from common import keys


class OpenClarifications:
    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis

    async def add(self, sender: str, tracking_id: str, event_id: str, question: str) -> None:
        entry = {"tracking_id": tracking_id, "event_id": event_id, "question": question}
        await self._redis.hset(keys.open_clarifications(sender), event_id, json.dumps(entry))

    async def remove(self, sender: str, event_id: str) -> None:
        await self._redis.hdel(keys.open_clarifications(sender), event_id)

    async def list(self, sender: str) -> list[dict[str, str]]:
        """Oldest first (event ids grow)."""
        entries = [
            json.loads(v) for v in (await self._redis.hgetall(keys.open_clarifications(sender))).values()
        ]
        return sorted(entries, key=lambda e: int(e["event_id"]))
