"""The projection against a real Redis and the real sandbox: feed events seen twice, restarts, the backfill,
and the activity stream counted exactly once."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest

from bot.dashboard import conversations, keys
from bot.dashboard.accounts import Accounts
from bot.dashboard.projection import Projection
from common import activity
from common.workdays import WIB
from lapor_client import LaporClient, LaporSettings
from lapor_client.errors import LaporValidationError
from tests.support.dashboard import dashboard_cli
from tests.support.lapor import new_report


@pytest.fixture
async def lapor(sandbox):
    async with LaporClient(LaporSettings(base_url=sandbox.url, token=sandbox.token)) as client:
        yield client


async def filed_and_answered(lapor, admin) -> str:
    """A report filed a week ago and moved along with explicit times (the sandbox's `at`)."""
    tracking_id = (await lapor.create_report(new_report(), idempotency_key=str(uuid.uuid4()))).tracking_id
    start = datetime.now(WIB).replace(microsecond=0) - timedelta(days=7)
    await admin.backdate(tracking_id, start)
    await admin.transition(tracking_id, "verified", at=start + timedelta(hours=2))
    await admin.transition(
        tracking_id, "forwarded", agency_id="dinsos-kota-bandung", at=start + timedelta(hours=3)
    )
    await admin.clarification(tracking_id, "Mohon foto", at=start + timedelta(days=1))
    await admin.follow_up(tracking_id, "Sudah ditangani", at=start + timedelta(days=2))
    return tracking_id


async def test_sandbox_replays_a_past_lifecycle_only_forward_in_time(lapor, admin):
    tracking_id = await filed_and_answered(lapor, admin)
    view = await lapor.get_report(tracking_id)
    assert [e.status for e in view.events] == [
        "submitted",
        "verified",
        "forwarded",
        "forwarded",
        "followed_up",
    ]
    assert view.events[0].at == view.created_at and (view.events[-1].at - view.created_at) == timedelta(
        days=2
    )
    with pytest.raises(LaporValidationError):  # before the report's last change
        await admin.transition(tracking_id, "completed", at=view.created_at)
    with pytest.raises(LaporValidationError):  # in the future
        await admin.transition(tracking_id, "completed", at=datetime.now(WIB) + timedelta(hours=1))
    await admin.transition(tracking_id, "completed")  # without `at`: now, as before


async def test_feed_events_seen_twice_and_a_restart_change_nothing(lapor, admin, redis_async):
    tracking_id = await filed_and_answered(lapor, admin)
    projection = Projection(redis_async, lapor)
    await projection.sync_once()
    first = next(r for r in (await projection.snapshot()).reports if r.tracking_id == tracking_id)
    assert (first.status, first.agency_id, first.clarifications) == ("followed_up", "dinsos-kota-bandung", 1)
    assert first.followed_up_at - first.forwarded_at == timedelta(days=2) - timedelta(hours=3)
    await redis_async.delete(
        keys.CURSOR
    )  # the whole feed once more, as after a crash before the cursor moved
    restarted = Projection(redis_async, lapor)
    await restarted.sync_once()
    snapshot = await restarted.snapshot()
    assert [r for r in snapshot.reports if r.tracking_id == tracking_id] == [first]
    assert len({r.tracking_id for r in snapshot.reports}) == len(snapshot.reports)
    assert snapshot.agency_name("dinsos-kota-bandung") == "Dinas Sosial Kota Bandung"


async def test_backfill_rebuilds_the_projection_and_keeps_accounts(lapor, admin, redis_async):
    tracking_id = await filed_and_answered(lapor, admin)
    await activity.record(
        redis_async,
        "report_filed",
        tracking_id=tracking_id,
        channel="whatsapp",
        region_code="32.73.02",
        confidential=True,
        classification="pengaduan",
    )
    await activity.record(redis_async, "report_rated", tracking_id=tracking_id, score=4, comment="Baik")
    await Accounts(redis_async).add("kominfo", "kata-sandi-panjang", "koordinator")
    projection = Projection(redis_async, lapor)
    await projection.sync_once()
    before = (await projection.snapshot()).reports
    await projection.reset()
    assert (await projection.snapshot()).reports == []
    await projection.sync_once()
    after = (await projection.snapshot()).reports
    assert sorted(after, key=lambda r: r.tracking_id) == sorted(before, key=lambda r: r.tracking_id)
    mine = next(r for r in after if r.tracking_id == tracking_id)
    assert (mine.channel, mine.region_code, mine.confidential, mine.rating_score) == (
        "whatsapp",
        "32.73.02",
        True,
        4,
    )
    assert await Accounts(redis_async).get("kominfo") is not None


async def test_backfill_command(lapor, admin, sandbox, redis_async, redis_url):
    tracking_id = await filed_and_answered(lapor, admin)
    await redis_async.set(keys.report("gone"), "stale")
    done = dashboard_cli(
        redis_url, "backfill", env={"LAPOR_BASE_URL": sandbox.url, "LAPOR_TOKEN": sandbox.token}
    )
    assert done.returncode == 0, done.stderr
    assert "proyeksi dibangun ulang" in done.stdout
    assert not await redis_async.exists(keys.report("gone"))
    assert await redis_async.zscore(keys.REPORTS, tracking_id) is not None


async def test_activity_is_counted_exactly_once(lapor, redis_async):
    asked = datetime.now(WIB) - timedelta(hours=3)
    await activity.record(
        redis_async, "clarification_asked", tracking_id="1", event_id="9", channel="telegram", at=asked
    )
    for _ in range(3):
        await activity.record(redis_async, "notification_sent", tracking_id="1", channel="telegram")
    await activity.record(
        redis_async, "notification_failed", tracking_id="1", channel="whatsapp", reason="WindowClosed"
    )
    projection = Projection(redis_async, lapor)
    await projection.sync_once()
    await activity.record(
        redis_async,
        "clarification_answered",
        tracking_id="1",
        event_id="9",
        channel="telegram",
        at=asked + timedelta(hours=2),
    )
    await redis_async.hset(conversations.OUTBOX_PENDING, "key-1", "{}")
    await activity.record(
        redis_async,
        "report_queued",
        outbox_key="key-1",
        channel="telegram",
        at=datetime.now(WIB) - timedelta(minutes=30),
    )
    await projection.sync_once()
    await projection.sync_once()
    today = date.today()
    period = (today - timedelta(days=1), today + timedelta(days=1))
    health = await conversations.delivery(redis_async, *period, None)
    assert (health.sent, health.failed, health.outbox_depth) == (3, [("WindowClosed", 1)], 1)
    assert 29 <= health.outbox_oldest_minutes <= 31
    assert (await conversations.delivery(redis_async, *period, "telegram")).failed == []
    clarified = await conversations.clarifications(redis_async, *period, None)
    assert (clarified.asked, clarified.answered, clarified.median_answer_hours) == (1, 1, 2.0)
