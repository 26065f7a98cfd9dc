"""The one way every process connects to Redis: clients that survive a Redis restart.

A pooled connection to a Redis that restarted is dead, and redis-py only finds out when it uses it.
These clients ping a connection idle for HEALTH_CHECK_SECONDS before using it, and retry a command that
failed on a connection or timeout error on a fresh connection, backing off exponentially, so a restart of
a few seconds costs a retry instead of an error. A longer outage still raises `redis.RedisError` after
about RETRY_BUDGET_SECONDS: callers decide then what the citizen hears.

Retried writes must be idempotent (HSETNX, SET NX, ZADD NX, scripts that check first): a write whose
reply was lost may have been applied.
"""

from __future__ import annotations

import asyncio
from typing import Any, Optional

import redis
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from common.settings import redis_url

HEALTH_CHECK_SECONDS = 5
# 0.2 + 0.4 + 0.8 + 1.6 + 2 + 2 s of backoff: a restart of a few seconds is absorbed inside one call.
RETRIES = 6
RETRY_BUDGET_SECONDS = 7
RETRIED_ERRORS = [redis.ConnectionError, redis.TimeoutError]


def _backoff() -> ExponentialBackoff:
    return ExponentialBackoff(cap=2.0, base=0.1)


def _options(options: dict[str, Any]) -> dict[str, Any]:
    return {
        "health_check_interval": HEALTH_CHECK_SECONDS,
        "socket_keepalive": True,
        "socket_connect_timeout": 2,
        "retry_on_error": RETRIED_ERRORS,
        **options,
    }


class _Pipeline(aioredis.client.Pipeline):
    async def _disconnect_raise_reset(self, conn: aioredis.Connection, error: Exception) -> None:
        """redis-py 4.x retries a transaction only after a timeout; one lost with its connection (a
        restarted Redis) is sent again on a fresh connection too, except while WATCHing."""
        if self.watching or not isinstance(error, tuple(RETRIED_ERRORS)):
            await super()._disconnect_raise_reset(conn, error)
        else:
            await conn.disconnect()


class _Redis(aioredis.Redis):
    def pipeline(self, transaction: bool = True, shard_hint: Optional[str] = None) -> _Pipeline:
        return _Pipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)


def async_client(url: Optional[str] = None, **options: Any) -> aioredis.Redis:
    """An asyncio client for REDIS_URL (or `url`); bind it to the loop that first uses it."""
    return _Redis.from_url(url or redis_url(), retry=AsyncRetry(_backoff(), RETRIES), **_options(options))


def sync_client(url: Optional[str] = None, **options: Any) -> redis.Redis:
    """A blocking client for REDIS_URL (or `url`): Rasa's stores, scripts, tests."""
    return redis.Redis.from_url(url or redis_url(), retry=Retry(_backoff(), RETRIES), **_options(options))


async def answers(client: aioredis.Redis, within: float = 1.0) -> bool:
    """True when Redis answers a PING within `within` seconds (a readiness check)."""
    try:
        return bool(await asyncio.wait_for(client.ping(), within))
    except (redis.RedisError, asyncio.TimeoutError):
        return False
