"""The resilient Redis clients against a real redis-server that is restarted under them."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
import redis

from common import outbox
from common.outbox import PendingReport
from common.redis import answers, async_client, sync_client
from tests.support import redis_server

restartable = redis_server.restartable


def kept_report() -> PendingReport:
    return PendingReport(uuid.uuid4().hex, "console:warga-1", {"title": "Jalan rusak"})


async def test_after_a_restart_the_pooled_async_client_works_on_its_next_command(restartable):
    client = async_client(restartable.url)
    await client.set("before", "1")
    restartable.stop()
    restartable.start()
    # The finding: the first command after a restart failed on a stale pooled connection.
    report = kept_report()
    assert await outbox.enqueue(client, report) is None
    assert await client.hexists(outbox.PENDING, report.idempotency_key)
    assert await client.get("before") == b"1"  # AOF kept it
    await client.close()


def test_after_a_restart_the_sync_client_works_on_its_next_command(restartable):
    client = sync_client(restartable.url)
    client.set("a", "1")
    restartable.stop()
    restartable.start()
    assert client.get("a") == b"1"
    client.close()


async def test_a_command_during_a_short_outage_waits_for_redis_to_return(restartable):
    client = async_client(restartable.url)
    await client.ping()
    restartable.stop()
    restart = asyncio.get_running_loop().run_in_executor(None, lambda: (time.sleep(1.0), restartable.start()))
    assert await client.set("during", "1")  # retried with backoff until Redis answered
    await restart
    assert await answers(client)
    await client.close()


async def test_a_long_outage_raises_and_readiness_says_no(restartable):
    client = async_client(restartable.url)
    await client.ping()
    restartable.stop()
    assert not await answers(client)
    with pytest.raises(redis.ConnectionError):
        await client.get("x")
    restartable.start()
    assert await client.get("x") is None  # and it works again without a new client
    await client.close()


async def test_a_transaction_after_a_restart_is_sent_again_on_a_fresh_connection(restartable):
    client = async_client(restartable.url)
    await client.ping()
    restartable.stop()
    restartable.start()
    async with client.pipeline(transaction=True) as pipe:
        pipe.set("a", "1")
        pipe.incr("n")
        assert await pipe.execute() == [True, 1]
    await client.close()
