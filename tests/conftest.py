"""Shared fixtures: a real redis-server per test session, and helpers for free loopback ports."""
from __future__ import annotations

import pytest
import redis
import redis.asyncio as aioredis
from pytest_redis import factories

# A real redis-server on a free port, started once per test session (pytest-redis).
redis_proc = factories.redis_proc(port=None)


@pytest.fixture(scope="session")
def redis_url(redis_proc) -> str:
    return f"redis://{redis_proc.host}:{redis_proc.port}/0"


@pytest.fixture
def redis_sync(redis_proc, redis_url):
    """A clean database for one test."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture
async def redis_async(redis_sync, redis_url):
    client = aioredis.from_url(redis_url)
    yield client
    await client.close()


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The whole local stack (Redis, sandbox, action server, Rasa, gateway), as `make run` starts it,
    on free ports, once per test session. Rasa's model load dominates: about a minute."""
    from bot.stack import Ports, Stack
    from tests.support import free_port

    ports = Ports(redis=free_port(), sandbox=free_port(), actions=free_port(), rasa=free_port(), gateway=free_port())
    running = Stack(ports, tmp_path_factory.mktemp("stack"), start_notifier=False)
    running.start(say=lambda line: None)
    yield running
    running.stop()
