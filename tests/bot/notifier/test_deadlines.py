"""Deadlines that mean something (issue 16): a report past its deadline without the step gets its reporter
one notice, with what they can do, in the daytime; against a real LAPOR sandbox and a real Redis."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import aiohttp
import pytest

from bot.notifier.service import DialogueTrigger, Notifier
from bot.rasa_client import RasaClient
from common import keys
from common.inbox import ConsoleInbox
from common.reports import ReportsStore
from common.workdays import WIB, due_day, format_date
from tests.support.notifier import MEDIA, console_only, file_report

MORNING = datetime.combine(datetime.now(WIB).date(), time(9), WIB)
NIGHT = datetime.combine(datetime.now(WIB).date(), time(22), WIB)
LONG_AGO = datetime.now(WIB) - timedelta(days=20)


@pytest.fixture
async def notifier(lapor, redis_async, fake_rasa, at_feed_end):
    async with aiohttp.ClientSession() as http:
        yield Notifier(
            lapor,
            redis_async,
            DialogueTrigger(RasaClient(fake_rasa[0], http)),
            console_only(redis_async),
            MEDIA,
        )


async def filed_long_ago(lapor, admin, redis_async, reporter: str) -> str:
    tracking_id = await file_report(lapor)
    await admin.backdate(tracking_id, LONG_AGO)
    await ReportsStore(redis_async).add_filed(
        f"console:{reporter}", tracking_id, "Jalan berlubang", "pengaduan"
    )
    return tracking_id


async def told(notifier: Notifier, redis_async, reporter: str, now: datetime) -> list[str]:
    await notifier.follow_feed_once()
    await notifier.warn_overdue_once(now)
    await notifier.deliver_due_once()
    return [m["text"] for m in await ConsoleInbox(redis_async).take(reporter)]


async def test_a_report_never_verified_gets_its_reporter_one_notice_with_what_to_do(
    notifier, lapor, admin, redis_async
):
    tracking_id = await filed_long_ago(lapor, admin, redis_async, "kiki")
    await ReportsStore(redis_async).follow("console:tetangga", tracking_id)
    said = await told(notifier, redis_async, "kiki", MORNING)
    overdue = [t for t in said if "⏰" in t]
    assert len(overdue) == 1, said
    assert f"Laporan #{tracking_id} belum diverifikasi" in overdue[0]
    assert format_date(due_day("submitted", LONG_AGO)) in overdue[0]
    assert all(part in overdue[0] for part in ("lapor.go.id", "ombudsman.go.id", "0821-3737-3737", "137"))
    assert not any("⏰" in m["text"] for m in await ConsoleInbox(redis_async).take("tetangga"))

    # Looked at again, and the feed read again from the start: never told twice.
    await redis_async.delete(keys.NOTIFIER_CURSOR)
    assert not any("⏰" in t for t in await told(notifier, redis_async, "kiki", MORNING))


async def test_a_notice_due_at_night_waits_for_the_morning(notifier, lapor, admin, redis_async):
    await filed_long_ago(lapor, admin, redis_async, "lala")
    assert not any("⏰" in t for t in await told(notifier, redis_async, "lala", NIGHT))
    assert any("⏰" in t for t in await told(notifier, redis_async, "lala", MORNING))


async def test_a_report_forwarded_in_time_then_not_followed_up_is_the_agency_s_overdue_step(
    notifier, lapor, admin, redis_async
):
    tracking_id = await filed_long_ago(lapor, admin, redis_async, "mira")
    forwarded_at = LONG_AGO + timedelta(days=1)
    await admin.transition(tracking_id, "verified", at=forwarded_at)
    await admin.transition(tracking_id, "forwarded", agency_id="dpupr-kota-bandung", at=forwarded_at)
    overdue = [t for t in await told(notifier, redis_async, "mira", MORNING) if "⏰" in t]
    assert len(overdue) == 1 and "belum menindaklanjuti laporan" in overdue[0], overdue
    assert format_date(due_day("forwarded", forwarded_at)) in overdue[0]


async def test_a_report_followed_up_or_an_unfollowing_reporter_gets_no_notice(
    notifier, lapor, admin, redis_async
):
    answered = await filed_long_ago(lapor, admin, redis_async, "nina")
    moved = LONG_AGO + timedelta(days=1)
    await admin.transition(answered, "verified", at=moved)
    await admin.transition(answered, "forwarded", agency_id="dpupr-kota-bandung", at=moved)
    await admin.follow_up(answered, "Sudah ditambal.", at=moved + timedelta(days=1))
    await filed_long_ago(lapor, admin, redis_async, "oki")
    await ReportsStore(redis_async).unfollow_all("console:oki")
    assert not any("⏰" in t for t in await told(notifier, redis_async, "nina", MORNING))
    assert not await ConsoleInbox(redis_async).take("oki")
