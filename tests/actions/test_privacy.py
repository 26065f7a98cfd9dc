"""Erasing a citizen's data at their request (UU PDP), against the real Redis and LAPOR sandbox."""

from __future__ import annotations

from actions.privacy import DeleteMyData
from actions.report.submission import SubmitReport
from bot.notifier.queue import MAX_ATTEMPTS, DeliveryQueue, Job
from common import keys, outbox
from common.clarifications import OpenClarifications
from common.inbox import ConsoleInbox
from common.media import MediaStore
from common.messages import BotMessage
from common.reports import ReportsStore, retention_seconds
from common.settings import media_dir
from tests.support.actions import JPEG, confirmed_pengaduan, file_report, make_tracker, run, texts

CITIZEN = "console:warga-1"
NEIGHBOUR = "console:warga-2"


async def test_erasure_removes_every_index_and_says_what_stays_in_lapor(env):
    mine = await file_report(CITIZEN)
    theirs = await file_report(NEIGHBOUR)
    reports = ReportsStore(env)
    await reports.follow(CITIZEN, theirs)
    await OpenClarifications(env).add(CITIZEN, mine, "7", "Mohon kirim foto")
    await ConsoleInbox(env).put("warga-1", [BotMessage(text="Kabar laporan")])
    await env.zadd(keys.offered_payloads(CITIZEN), {"/affirm": 1})
    await env.zadd(keys.rate_limit("messages", CITIZEN), {"1": 1})
    unfiled = await MediaStore(media_dir()).save(JPEG, "ktp.jpg")
    await env.hset(keys.console_uploads("warga-1"), unfiled.ref, "{}")

    events, messages = await run(DeleteMyData(), make_tracker({"isi": "rahasia"}, sender=CITIZEN))

    assert {"event": "reset_slots", "timestamp": None} in events
    said = texts(messages)
    assert "sudah dihapus" in said and "lapor.go.id" in said and "1708" in said
    assert await reports.list_for(CITIZEN) == []
    assert not await reports.is_following(CITIZEN, theirs)
    assert CITIZEN not in await reports.followers(theirs) | await reports.followers(mine)
    assert await env.hget(keys.report_meta(mine), "sender") is None
    assert await env.hget(keys.report_meta(mine), "title")  # other followers still see the title
    for key in (
        keys.open_clarifications(CITIZEN),
        keys.console_inbox("warga-1"),
        keys.offered_payloads(CITIZEN),
        keys.rate_limit("messages", CITIZEN),
        keys.console_uploads("warga-1"),
    ):
        assert not await env.exists(key), key
    assert not MediaStore(media_dir()).path_for(unfiled.ref).exists()
    # The neighbour's data is untouched.
    assert [r.tracking_id for r in await reports.list_for(NEIGHBOUR)] == [theirs]
    assert NEIGHBOUR in await reports.followers(theirs)


async def test_erasure_cancels_an_unsent_report_and_deletes_its_file(env, admin):
    stored = await MediaStore(media_dir()).save(JPEG, "lubang.jpg")
    slots = confirmed_pengaduan(lampiran=[stored.to_json()])
    await admin.set_fault("down")
    await run(SubmitReport(), make_tracker(slots, sender=CITIZEN))
    assert await outbox.is_pending(env, slots["idempotency_key"])

    _, messages = await run(DeleteMyData(), make_tracker(sender=CITIZEN))

    assert "1 laporan yang belum terkirim" in texts(messages)
    assert not await outbox.is_pending(env, slots["idempotency_key"])
    assert not MediaStore(media_dir()).path_for(stored.ref).exists()
    assert not await env.exists(keys.outbox_last(CITIZEN))


async def test_erasure_drops_the_news_not_yet_delivered_to_the_citizen(env):
    queue = DeliveryQueue(env)
    news = [
        Job({"event_id": str(n), "tracking_id": "1234567"}, sender)
        for n in (1, 2)
        for sender in (CITIZEN, NEIGHBOUR)
    ]
    await queue.enqueue(news)
    given_up = Job({"event_id": "0", "tracking_id": "1234567"}, CITIZEN, attempts=MAX_ATTEMPTS - 1)
    await queue.retry_later(given_up)  # the last attempt: a dead letter
    assert await env.hexists(keys.NOTIFIER_DEAD, given_up.id)

    await run(DeleteMyData(), make_tracker(sender=CITIZEN))

    assert not await env.hexists(keys.NOTIFIER_DEAD, given_up.id)
    assert not await env.exists(keys.notifier_order(CITIZEN))
    taken = await queue.take(count=10)
    assert [(job.sender, job.event["event_id"]) for job in taken] == [(NEIGHBOUR, "1"), (NEIGHBOUR, "2")]
    assert await queue.backlog() == 2


async def test_erasure_removes_the_whatsapp_aliases(env):
    sender, phone = "whatsapp:ID.1234567890", "6281234567890"
    await env.set(keys.whatsapp_phone("ID.1234567890"), phone)
    await env.set(keys.whatsapp_user_of_phone(phone), "ID.1234567890")
    await env.set(keys.whatsapp_window("ID.1234567890"), "1")
    await run(DeleteMyData(), make_tracker(sender=sender))
    for key in (
        keys.whatsapp_phone("ID.1234567890"),
        keys.whatsapp_user_of_phone(phone),
        keys.whatsapp_window("ID.1234567890"),
    ):
        assert not await env.exists(key), key


async def test_per_citizen_indexes_expire_after_the_retention_period(env, monkeypatch):
    monkeypatch.setenv("RETENTION_DAYS", "30")
    tracking_id = await file_report(CITIZEN)
    await ReportsStore(env).follow(NEIGHBOUR, tracking_id)
    assert retention_seconds() == 30 * 24 * 3600
    for key in (
        keys.reports_filed(CITIZEN),
        keys.report_meta(tracking_id),
        keys.report_followers(tracking_id),
        keys.reports_following(NEIGHBOUR),
    ):
        assert 29 * 24 * 3600 < await env.ttl(key) <= 30 * 24 * 3600, key
