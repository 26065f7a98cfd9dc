"""Shared fixtures: a real redis-server and a real LAPOR sandbox per test session, the fake Telegram Bot API
and
WhatsApp Graph API servers, and the whole local stack."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis
import redis.asyncio as aioredis
from pytest_redis import factories

from lapor_client import SandboxAdmin
from tests.support import free_port, start_sandbox
from tests.support.fake_graph import FakeGraph
from tests.support.fake_telegram import FakeTelegram
from tests.support.gateway import TELEGRAM_TOKEN, WA_PHONE_NUMBER_ID, WA_TOKEN

pytest_plugins = ["tests.support.gateway"]  # the gateway fixtures of the channel and replay tests

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
def sandbox(tmp_path_factory):
    """A real LAPOR sandbox process for the whole session, shared by every test package."""
    running = start_sandbox(tmp_path_factory.mktemp("sandbox"))
    yield running
    running.stop()


@pytest.fixture
async def admin(sandbox):
    """The session sandbox's admin; every fault is switched off again after the test."""
    async with SandboxAdmin(sandbox.url) as sandbox_admin:
        yield sandbox_admin
        await sandbox_admin.set_fault("none")


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The whole local stack (Redis, sandbox, action server, Rasa, gateway), as `make run` starts it,
    on free ports, once per test session. Rasa's model load dominates: about 20 seconds."""
    from bot.local.stack import Ports, Stack

    running = Stack(Ports.free(), tmp_path_factory.mktemp("stack"), start_notifier=False)
    running.start(say=lambda line: None)
    yield running
    running.stop()


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram(TELEGRAM_TOKEN)
    await fake.start(free_port())
    yield fake
    await fake.stop()


@pytest.fixture
async def fake_graph() -> AsyncIterator[FakeGraph]:
    fake = FakeGraph(WA_TOKEN, WA_PHONE_NUMBER_ID)
    await fake.start(free_port())
    yield fake
    await fake.stop()
