"""The client's retries against the sandbox's fault switches: flaky, down, slow, ratelimit."""

from __future__ import annotations

import asyncio
import logging
import uuid

import pytest

from lapor_client.errors import LaporRateLimited, LaporUnavailable
from tests.support.lapor import feed_end, new_report, write_sample


def retries_logged(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "lapor_client.client" and "retry" in r.getMessage()
    ]


async def submitted_after(lapor, cursor: str) -> list[str]:
    return [
        e.tracking_id
        async for e, _ in lapor.iter_events(after=cursor)
        if e.type == "status_changed" and e.status == "submitted"
    ]


async def test_flaky_create_with_one_key_files_exactly_one_report(lapor, admin):
    cursor = await feed_end(lapor)
    await admin.set_fault("flaky")  # its first failure cuts the connection after the report was filed
    created = [await lapor.create_report(new_report(), idempotency_key=str(uuid.uuid4())) for _ in range(4)]
    await admin.set_fault("none")
    assert sorted(await submitted_after(lapor, cursor)) == sorted(c.tracking_id for c in created)


async def test_flaky_reads_and_replies_succeed_after_retries(lapor, admin, caplog):
    tracking_id = (await lapor.create_report(new_report(), idempotency_key=str(uuid.uuid4()))).tracking_id
    await admin.set_fault("flaky")
    for _ in range(3):
        assert (await lapor.get_report(tracking_id)).tracking_id == tracking_id
        await lapor.post_reply(tracking_id, "Ada kabar terbaru?", idempotency_key=str(uuid.uuid4()))
    assert len(await admin.replies(tracking_id)) == 3
    assert retries_logged(caplog)


async def test_flaky_upload_with_a_key_stores_one_attachment(lapor, admin, tmp_path):
    photo = write_sample(tmp_path, "foto.png", "image/png")
    upload_key = str(uuid.uuid4())
    await admin.set_fault("flaky")
    first = await lapor.upload_attachment(photo, idempotency_key=upload_key)
    second = await lapor.upload_attachment(photo, idempotency_key=upload_key)
    assert first == second


async def test_down_gives_unavailable_after_bounded_retries(lapor, admin, caplog):
    await admin.set_fault("down")
    with pytest.raises(LaporUnavailable) as caught:
        await lapor.categories()
    assert caught.value.status == 503
    assert len(retries_logged(caplog)) == lapor.settings.max_retries


async def test_down_write_without_key_is_not_retried(lapor, admin, caplog):
    await admin.set_fault("down")
    with pytest.raises(LaporUnavailable):
        await lapor.rate("1234567", 4)
    assert retries_logged(caplog) == []


async def test_recovers_when_the_outage_ends(lapor, admin):
    await admin.set_fault("down", times=2)
    assert await lapor.categories()


async def test_slow_answers_fire_the_timeout(make_client, admin):
    await admin.set_fault("slow", delay=1.0)
    async with make_client(timeout=0.2, max_retries=1) as lapor:
        with pytest.raises(LaporUnavailable) as caught:
            await lapor.categories()
    assert caught.value.status is None
    assert isinstance(caught.value.__cause__, asyncio.TimeoutError)


async def test_rate_limit_surfaces_retry_after(make_client, admin):
    await admin.set_fault("ratelimit", retry_after=7)
    async with make_client(max_retries=0) as lapor:
        with pytest.raises(LaporRateLimited) as caught:
            await lapor.categories()
    assert (caught.value.status, caught.value.retry_after) == (429, 7.0)


async def test_rate_limit_longer_than_the_cap_is_not_waited_out(make_client, admin, caplog):
    await admin.set_fault("ratelimit", retry_after=120)
    async with make_client(max_retries=3, max_retry_after=30) as lapor:
        with pytest.raises(LaporRateLimited):
            await lapor.categories()
    assert retries_logged(caplog) == []


async def test_rate_limit_is_waited_out_as_the_server_asks(lapor, admin, caplog):
    caplog.set_level(logging.WARNING)
    await admin.set_fault("ratelimit", retry_after=1, times=1)
    assert await lapor.categories()
    assert retries_logged(caplog) == ["GET /api/v1/categories failed (rate_limited), retry 1 of 3 in 1.00 s"]


async def test_admin_calls_are_never_faulted(lapor, admin):
    tracking_id = (await lapor.create_report(new_report(), idempotency_key=str(uuid.uuid4()))).tracking_id
    await admin.set_fault("down")
    assert (await admin.transition(tracking_id, "verified"))["status"] == "verified"
    assert await admin.replies(tracking_id) == []
