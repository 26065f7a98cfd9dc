"""The notifier's delivery jobs against a real Redis: at least once in, exactly once out, in order,
shared by several notifiers."""

from __future__ import annotations

from bot.notifier.queue import (
    DEAD_KEY,
    MAX_ATTEMPTS,
    STREAM_KEY,
    DeliveryQueue,
    Job,
    backoff_seconds,
    ensure_group,
)


def event(n: int, tracking_id: str = "1234567") -> dict:
    return {"event_id": n, "tracking_id": tracking_id, "type": "status_changed", "status": "verified"}


async def queue_for(redis, consumer: str = "a") -> DeliveryQueue:
    await ensure_group(redis, STREAM_KEY)
    return DeliveryQueue(redis, consumer)


async def test_cursor_moves_with_the_page(redis_async):
    queue = await queue_for(redis_async)
    assert await queue.cursor() is None
    assert await queue.enqueue_page([Job(event(1), "telegram:1")], None, "c1")
    assert await queue.cursor() == "c1"
    assert [j.id for j in await queue.take()] == ["1:telegram:1"]


async def test_a_page_read_after_a_cursor_another_notifier_moved_is_not_stored(redis_async):
    queue = await queue_for(redis_async)
    assert await queue.enqueue_page([Job(event(1), "telegram:1")], None, "c1")
    assert not await queue.enqueue_page([Job(event(1), "telegram:2")], None, "c1")
    assert [j.sender for j in await queue.take()] == ["telegram:1"]


async def test_a_page_seen_again_after_delivery_sends_nothing_twice(redis_async):
    queue = await queue_for(redis_async)
    jobs = [Job(event(1), "telegram:1"), Job(event(1), "whatsapp:62")]
    await queue.enqueue_page(jobs, None, "c1")
    for job in await queue.take():
        await queue.mark_sent(job)
    # A crash before the cursor was saved: the same events come again.
    await queue.enqueue_page(jobs, "c1", "c2")
    assert await queue.take() == []


async def test_a_page_seen_twice_before_delivery_yields_one_job_each(redis_async):
    queue = await queue_for(redis_async)
    await queue.enqueue_page([Job(event(1), "telegram:1")], None, "c1")
    await queue.enqueue_page([Job(event(1), "telegram:1")], "c1", "c1")
    assert len(await queue.take()) == 1


async def test_events_come_in_feed_order_not_text_order(redis_async):
    queue = await queue_for(redis_async)
    await queue.enqueue_page([Job(event(n), "telegram:1") for n in range(1, 13)], None, "c1")
    assert [j.event["event_id"] for j in await queue.take(count=20)] == list(range(1, 13))


async def test_two_notifiers_share_the_jobs_without_overlap(redis_async):
    first, second = await queue_for(redis_async, "a"), await queue_for(redis_async, "b")
    await queue_for(redis_async)
    await first.enqueue_page([Job(event(n), f"telegram:{n}") for n in range(10)], None, "c1")
    taken_a, taken_b = await first.take(count=5), await second.take(count=5)
    assert {j.id for j in taken_a}.isdisjoint({j.id for j in taken_b})
    assert len(taken_a) + len(taken_b) == 10


async def test_a_citizens_later_news_waits_for_the_earlier_one_held_by_another_notifier(redis_async):
    first, second = await queue_for(redis_async, "a"), await queue_for(redis_async, "b")
    await first.enqueue_page([Job(event(1), "telegram:1"), Job(event(2), "telegram:1")], None, "c1")
    [earlier] = await first.take(count=1)
    assert await second.take() == []  # event 2 is put back: event 1 is not delivered yet
    await first.mark_sent(earlier)
    await redis_async.zadd("app:notifier:pending", {"2:telegram:1": 0}, xx=True)
    assert [j.event["event_id"] for j in await second.take()] == [2]


async def test_a_dead_notifiers_job_is_claimed_by_another(redis_async, monkeypatch):
    monkeypatch.setattr("bot.notifier.queue.CLAIM_IDLE_MS", 0)
    dead, alive = await queue_for(redis_async, "dead"), await queue_for(redis_async, "alive")
    await dead.enqueue_page([Job(event(1), "telegram:1")], None, "c1")
    assert len(await dead.take()) == 1  # taken, never acknowledged: the notifier died
    [claimed] = await alive.take()
    assert claimed.id == "1:telegram:1"
    await alive.mark_sent(claimed)
    assert await dead.take() == [] and await alive.take() == []


async def test_retry_later_postpones_then_gives_up(redis_async):
    queue = await queue_for(redis_async)
    await queue.enqueue([Job(event(2), "telegram:1")])
    [job] = await queue.take()
    await queue.retry_later(job)
    assert await queue.take() == []  # not due for a while
    await redis_async.zadd("app:notifier:pending", {job.id: 0})
    [again] = await queue.take()
    assert again.attempts == 1
    for _ in range(MAX_ATTEMPTS):
        await queue.retry_later(again, delay=0)
        [again] = await queue.take() or [again]
    assert await queue.take() == []
    assert await redis_async.hexists(DEAD_KEY, job.id)
    assert await queue.backlog() == 0


def test_backoff_grows_and_is_capped():
    assert backoff_seconds(1) < backoff_seconds(3) <= backoff_seconds(30) == 600
