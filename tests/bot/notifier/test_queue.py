"""The notifier's delivery jobs against a real Redis: at least once in, exactly once out."""

from __future__ import annotations

from bot.notifier.queue import (
    DEAD_KEY,
    MAX_ATTEMPTS,
    DeliveryQueue,
    Job,
    backoff_seconds,
)


def event(n: int, tracking_id: str = "1234567") -> dict:
    return {"event_id": str(n), "tracking_id": tracking_id, "type": "status_changed", "status": "verified"}


async def test_cursor_moves_with_the_page(redis_async):
    queue = DeliveryQueue(redis_async)
    assert await queue.cursor() is None
    await queue.enqueue_page([Job(event(1), "telegram:1")], "c1")
    assert await queue.cursor() == "c1"
    assert [j.id for j in await queue.due()] == ["1:telegram:1"]


async def test_a_page_seen_again_after_delivery_sends_nothing_twice(redis_async):
    queue = DeliveryQueue(redis_async)
    jobs = [Job(event(1), "telegram:1"), Job(event(1), "whatsapp:62")]
    await queue.enqueue_page(jobs, "c1")
    for job in await queue.due():
        await queue.mark_sent(job)
    # A crash before the cursor was saved elsewhere: the same events come again.
    await queue.enqueue_page(jobs, "c1")
    assert await queue.due() == []


async def test_a_page_seen_twice_before_delivery_yields_one_job_each(redis_async):
    queue = DeliveryQueue(redis_async)
    await queue.enqueue_page([Job(event(1), "telegram:1")], "c1")
    await queue.enqueue_page([Job(event(1), "telegram:1")], "c1")
    assert len(await queue.due()) == 1


async def test_retry_later_postpones_then_gives_up(redis_async):
    queue = DeliveryQueue(redis_async)
    await queue.enqueue_page([Job(event(2), "telegram:1")], None)
    [job] = await queue.due()
    await queue.retry_later(job)
    assert await queue.due() == []  # not due for a while
    await queue.retry_later(job, delay=0)
    [again] = await queue.due()
    assert again.attempts == 2
    for _ in range(MAX_ATTEMPTS):
        await queue.retry_later(again, delay=0)
    assert await queue.due() == []
    assert await redis_async.hexists(DEAD_KEY, job.id)


def test_backoff_grows_and_is_capped():
    assert backoff_seconds(1) < backoff_seconds(3) <= backoff_seconds(30) == 600
