"""Reading what the processes recorded for the dashboard (common/activity.py)."""

from __future__ import annotations

from typing import Optional

import redis.asyncio as aioredis

from common import activity


async def facts(redis: aioredis.Redis, kind: Optional[str] = None) -> list[dict[str, str]]:
    """The activity stream's entries, oldest first, decoded; only those of `kind` when given."""
    entries = [
        {name.decode(): value.decode() for name, value in fields.items()}
        for _, fields in await redis.xrange(activity.STREAM)
    ]
    return [entry for entry in entries if kind is None or entry["kind"] == kind]
