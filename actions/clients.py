"""Process-wide clients of the action server, created lazily on first use.

Nothing here is created at import: the Redis pool and the HTTP session bind to the event loop that
first uses them, which is the action server's (or a test session's) loop. They hold no
conversation state; every draft lives in the Rasa tracker and every report in Redis.
"""

from __future__ import annotations

import time
from typing import Awaitable, Callable, Optional, TypeVar

import redis.asyncio as aioredis

from actions.settings import ActionSettings
from common.media import MediaStore
from common.redis import async_client
from lapor_client import LaporClient
from lapor_client.models import Agency, Category

T = TypeVar("T")

_settings: Optional[ActionSettings] = None
_redis: Optional[aioredis.Redis] = None
_lapor: Optional[LaporClient] = None
# Reference data (categories, agencies) changes rarely: a short cache spares LAPOR a call per turn.
_REFERENCE_TTL = 600.0
_reference: dict[str, tuple[float, object]] = {}


def settings() -> ActionSettings:
    global _settings
    if _settings is None:
        _settings = ActionSettings.from_env()
    return _settings


def redis() -> aioredis.Redis:
    global _redis
    if _redis is None:
        _redis = async_client(settings().redis_url)
    return _redis


def media() -> MediaStore:
    """The gateway's media store, read to upload a report's evidence."""
    return MediaStore(settings().media_dir)


async def lapor() -> LaporClient:
    global _lapor
    if _lapor is None:
        client = LaporClient(settings().lapor)
        await client.start()
        _lapor = client
    return _lapor


async def reset() -> None:
    """Closes the clients, so that the next use reads the environment again (tests, shutdown)."""
    global _settings, _redis, _lapor
    if _lapor is not None:
        await _lapor.close()
    if _redis is not None:
        await _redis.close()
    _settings, _redis, _lapor = None, None, None
    _reference.clear()


async def _cached(key: str, load: Callable[[], Awaitable[T]]) -> T:
    hit = _reference.get(key)
    if hit and time.monotonic() - hit[0] < _REFERENCE_TTL:
        return hit[1]  # type: ignore[return-value]
    value = await load()
    _reference[key] = (time.monotonic(), value)
    return value


async def categories() -> list[Category]:
    client = await lapor()
    return await _cached("categories", client.categories)


async def agencies(region_code: Optional[str] = None) -> list[Agency]:
    client = await lapor()
    return await _cached(f"agencies:{region_code or ''}", lambda: client.agencies(region_code=region_code))
