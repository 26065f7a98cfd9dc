"""The notifier against a real LAPOR sandbox and a real Redis; Rasa's trigger_intent is a local
HTTP stand-in that records what it was asked and answers like Rasa's CollectingOutputChannel."""

from __future__ import annotations

import asyncio
import signal
import time

import aiohttp
import pytest

from bot.channels.base import DeliveryDeferred, UserUnreachable
from bot.channels.console.outbound import ConsoleOutbound
from bot.notifier.service import ChannelOutbound, DialogueTrigger, Notifier
from bot.rasa_client import RasaClient
from common import activity, keys
from common.identity import pseudonym as user_ref
from common.inbox import ConsoleInbox
from common.messages import THEN_NEW, THEN_OPEN, news_told
from common.messages import BotMessage as Reply
from common.offers import OfferedPayloads
from common.redis import async_client
from common.reports import ReportsStore
from tests.support.activity import facts
from tests.support.fake_rasa import fake_rasa as running_fake_rasa
from tests.support.notifier import (
    MEDIA,
    console_only,
    file_report,
    notifier_env,
    skip_existing_events,
    start_notifier,
)
from tests.support.redis_server import RestartableRedis


def told(messages: list[dict]) -> list[str]:
    """Each event's line (the fake's), out of the messages a burst joined them into."""
    return [line for m in messages for line in m["text"].split("\n\n")]


async def test_each_follower_hears_each_event_once_in_order(lapor, admin, redis_async, fake_rasa):
    rasa_url, asked = fake_rasa
    async with aiohttp.ClientSession() as http:
        notifier = Notifier(
            lapor, redis_async, DialogueTrigger(RasaClient(rasa_url, http)), console_only(redis_async), MEDIA
        )
        await skip_existing_events(lapor, notifier)
        asked.clear()
        tracking_id = await file_report(lapor)
        await ReportsStore(redis_async).add_filed("console:ani", tracking_id, "Jalan berlubang", "pengaduan")
        await ReportsStore(redis_async).follow("console:budi", tracking_id)
        await admin.transition(tracking_id, "verified")
        await admin.clarification(tracking_id, "Mohon kirim foto lokasi.")

        assert await notifier.follow_feed_once() >= 3
        assert await notifier.deliver_due_once() == 6  # created, verified, clarification × 2 followers
        # Everything seen again (a crash before the cursor was kept): nothing is said twice.
        await redis_async.delete(keys.NOTIFIER_CURSOR)
        await notifier.follow_feed_once()
        assert await notifier.deliver_due_once() == 0

    ani = await ConsoleInbox(redis_async).take("ani")
    assert len(ani) == 1  # one burst: the three events in one message
    assert [line.split()[0] for line in told(ani)] == [
        "EXTERNAL_status_changed",
        "EXTERNAL_status_changed",
        "EXTERNAL_clarification_requested",
    ]
    assert all(f"#{tracking_id}" in line for line in told(ani))
    assert len(told(await ConsoleInbox(redis_async).take("budi"))) == 3
    clarification = [body for who, body in asked if body["name"] == "EXTERNAL_clarification_requested"]
    assert clarification[0]["entities"]["lapor_message"] == "Mohon kirim foto lokasi."
    assert {who for who, _ in asked} == {"console:ani", "console:budi"}


async def test_unreachable_follower_is_unfollowed_and_others_still_hear(lapor, admin, redis_async, fake_rasa):
    rasa_url, asked = fake_rasa

    class BlockedBot:
        async def notify(self, user_id, messages, tracking_id):
            raise UserUnreachable("blocked")

    async with aiohttp.ClientSession() as http:
        notifier = Notifier(
            lapor,
            redis_async,
            DialogueTrigger(RasaClient(rasa_url, http)),
            ChannelOutbound(
                {"telegram": BlockedBot(), "console": ConsoleOutbound(redis_async)},
                OfferedPayloads(redis_async),
            ),
            MEDIA,
        )
        await skip_existing_events(lapor, notifier)
        tracking_id = await file_report(lapor)
        store = ReportsStore(redis_async)
        await store.add_filed("telegram:99", tracking_id, "Jalan berlubang", "pengaduan")
        await store.follow("console:cici", tracking_id)
        await notifier.follow_feed_once()
        await notifier.deliver_due_once()
        assert await store.followers(tracking_id) == {"console:cici"}
    assert len(await ConsoleInbox(redis_async).take("cici")) == 1


async def test_deliveries_are_recorded_for_the_dashboard(lapor, admin, redis_async, fake_rasa):
    rasa_url, _ = fake_rasa

    class BlockedBot:
        async def notify(self, user_id, messages, tracking_id):
            raise UserUnreachable("blocked")

    class BusyPlatform:
        async def notify(self, user_id, messages, tracking_id):
            raise DeliveryDeferred("rate limited by +62811", retry_after=600)

    async with aiohttp.ClientSession() as http:
        notifier = Notifier(
            lapor,
            redis_async,
            DialogueTrigger(RasaClient(rasa_url, http)),
            ChannelOutbound(
                {
                    "telegram": BlockedBot(),
                    "whatsapp": BusyPlatform(),
                    "console": ConsoleOutbound(redis_async),
                },
                OfferedPayloads(redis_async),
            ),
            MEDIA,
        )
        await skip_existing_events(lapor, notifier)
        await redis_async.delete(activity.STREAM)
        tracking_id = await file_report(lapor)
        store = ReportsStore(redis_async)
        await store.add_filed("console:ani", tracking_id, "Jalan berlubang", "pengaduan")
        await store.follow("telegram:99", tracking_id)
        await store.follow("whatsapp:62811", tracking_id)
        question = (await admin.clarification(tracking_id, "Mohon kirim foto lokasi."))["events"][-1]
        await notifier.follow_feed_once()
        await notifier.deliver_due_once()

    def of(sender: str, kind: str) -> list[dict[str, str]]:
        return [f for f in recorded if f["conversation"] == user_ref(sender) and f["kind"] == kind]

    recorded = await facts(redis_async)
    assert [f["event_type"] for f in of("console:ani", "notification_sent")][-1] == "clarification_requested"
    assert of("console:ani", "clarification_asked") == [
        {
            "kind": "clarification_asked",
            "tracking_id": tracking_id,
            "event_id": str(question["event_id"]),
            "conversation": user_ref("console:ani"),
            "channel": "console",
        }
    ]
    gone = of("telegram:99", "notification_failed")
    assert gone and all(
        (f["reason"], f["final"], f["channel"]) == ("recipient_gone", "1", "telegram") for f in gone
    )
    # The platform's words (here a phone number) never reach the dashboard: only a fixed reason.
    # The filing's news and the question were one burst, deferred together.
    assert [(f["reason"], f["final"]) for f in of("whatsapp:62811", "notification_failed")] == [
        ("deferred", "0")
    ] * 2
    assert not of("telegram:99", "notification_sent") and not of("whatsapp:62811", "notification_sent")


async def test_rasa_down_defers_and_a_later_round_delivers(lapor, redis_async, fake_rasa, unused_tcp_port):
    rasa_url, _ = fake_rasa
    async with aiohttp.ClientSession() as http:
        down = Notifier(
            lapor,
            redis_async,
            DialogueTrigger(RasaClient(f"http://127.0.0.1:{unused_tcp_port}", http)),
            console_only(redis_async),
            MEDIA,
        )
        await skip_existing_events(lapor, down)
        tracking_id = await file_report(lapor)
        await ReportsStore(redis_async).add_filed("console:dedi", tracking_id, "Jalan berlubang", "pengaduan")
        await down.follow_feed_once()
        assert await down.deliver_due_once() == 0
        await redis_async.zadd(
            keys.NOTIFIER_PENDING,
            {f"{m.decode()}": 0 for m in await redis_async.zrange(keys.NOTIFIER_PENDING, 0, -1)},
        )
        up = Notifier(
            lapor, redis_async, DialogueTrigger(RasaClient(rasa_url, http)), console_only(redis_async), MEDIA
        )
        assert await up.deliver_due_once() == 1
    assert len(await ConsoleInbox(redis_async).take("dedi")) == 1


async def test_a_channel_that_is_not_configured_defers_the_news(redis_async):
    with pytest.raises(DeliveryDeferred):
        await console_only(redis_async).send("whatsapp:62811", "1234567", [Reply("hai")])


async def burst(lapor, admin, redis_async, follower: str, reports: int = 10) -> int:
    """Files `reports` reports followed by `follower` and moves each twice; returns the event count."""
    agency = (await lapor.agencies())[0]
    for n in range(reports):
        tracking_id = await file_report(lapor, f"Laporan {n}")
        await ReportsStore(redis_async).add_filed(f"console:{follower}", tracking_id, "x", "pengaduan")
        await admin.transition(tracking_id, "verified")
        await admin.transition(tracking_id, "forwarded", agency_id=agency.id)
    return 3 * reports  # created, verified, forwarded


async def interrupted_run(
    lapor, redis_async, redis_url, rasa_url, sandbox, follower: str, expected: int, sig: signal.Signals
) -> list[str]:
    """Runs the notifier process, stops it with `sig` mid-burst, restarts it; returns what arrived."""
    inbox = ConsoleInbox(redis_async)
    env = notifier_env(redis_url, rasa_url, sandbox)
    received: list[dict] = []
    process = start_notifier(env)
    try:
        # Each phase may take long on a busy machine (the restarted notifier imports all it needs first).
        deadline = time.monotonic() + 90
        while len(told(received)) < expected // 3 and time.monotonic() < deadline:
            received += await inbox.take(follower)
            await asyncio.sleep(0.01)
        process.send_signal(sig)
        # Waited for in a thread: this loop serves the fake Rasa the notifier may be talking to.
        await asyncio.to_thread(process.wait, 20)
        process = start_notifier(env)
        deadline = time.monotonic() + 90
        while len(told(received)) < expected and time.monotonic() < deadline:
            received += await inbox.take(follower)
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # anything repeated would arrive now
        received += await inbox.take(follower)
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.to_thread(process.wait, 20)
    return [m["text"] for m in received]


def repeated_within_one_message(messages: list[str]) -> bool:
    """Whatever came twice was all in one message: the one burst in flight when the notifier died."""
    lines = [line for text in messages for line in text.split("\n\n")]
    repeated = {line for line in lines if lines.count(line) > 1}
    return not repeated or any(repeated <= set(text.split("\n\n")) for text in messages)


async def test_stopped_mid_burst_and_restarted_loses_none_and_repeats_none(
    lapor, admin, redis_async, redis_url, fake_rasa, sandbox, at_feed_end
):
    expected = await burst(lapor, admin, redis_async, "eka")
    messages = await interrupted_run(
        lapor, redis_async, redis_url, fake_rasa[0], sandbox, "eka", expected, signal.SIGTERM
    )
    texts = told([{"text": m} for m in messages])
    assert len(texts) == expected and len(set(texts)) == expected, texts


async def test_killed_mid_burst_loses_none_and_repeats_at_most_the_one_in_flight(
    lapor, admin, redis_async, redis_url, fake_rasa, sandbox, at_feed_end
):
    """SIGKILL can land after the platform took a message and before Redis recorded it: no chat
    API can be asked whether it did, so that one message may come twice, and nothing may be lost."""
    expected = await burst(lapor, admin, redis_async, "fajar")
    messages = await interrupted_run(
        lapor, redis_async, redis_url, fake_rasa[0], sandbox, "fajar", expected, signal.SIGKILL
    )
    texts = told([{"text": m} for m in messages])
    assert len(set(texts)) == expected, texts
    assert repeated_within_one_message(messages), messages


# --- several notifiers, and Redis restarted under them ---

FOLLOWERS = [f"warga{n}" for n in range(5)]


async def burst_of_100(lapor, admin, redis_async) -> dict[str, list[str]]:
    """25 reports, 4 events each (created, verified, forwarded, a follow-up), each followed by one of
    five citizens; returns the tracking ids each citizen follows."""
    agency = (await lapor.agencies())[0]
    following: dict[str, list[str]] = {f: [] for f in FOLLOWERS}
    for n in range(25):
        follower = FOLLOWERS[n % len(FOLLOWERS)]
        tracking_id = await file_report(lapor, f"Laporan {n}")
        await ReportsStore(redis_async).add_filed(f"console:{follower}", tracking_id, "x", "pengaduan")
        following[follower].append(tracking_id)
    for follower, tracking_ids in following.items():
        for tracking_id in tracking_ids:
            await admin.transition(tracking_id, "verified")
            await admin.transition(tracking_id, "forwarded", agency_id=agency.id)
            await admin.follow_up(tracking_id, "Sedang dikerjakan.")
    return following


async def collect(redis_async, expected: int, seconds: float = 90) -> dict[str, list[str]]:
    inbox = ConsoleInbox(redis_async)
    received: dict[str, list[str]] = {f: [] for f in FOLLOWERS}
    deadline = time.monotonic() + seconds
    while sum(map(len, received.values())) < expected and time.monotonic() < deadline:
        for follower in FOLLOWERS:
            received[follower] += told(await inbox.take(follower))
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.5)  # anything repeated would arrive now
    for follower in FOLLOWERS:
        received[follower] += told(await inbox.take(follower))
    return received


def in_feed_order(texts: list[str], tracking_id: str) -> bool:
    said = [t.split()[0] + " " + t.split()[2] for t in texts if f"#{tracking_id} " in t]
    return said == [
        "EXTERNAL_status_changed submitted",
        "EXTERNAL_status_changed verified",
        "EXTERNAL_status_changed forwarded",
        "EXTERNAL_follow_up followed_up",
    ]


async def test_two_notifiers_deliver_a_burst_of_100_once_each_in_order_even_when_one_is_killed(
    lapor, admin, redis_async, redis_url, fake_rasa, sandbox, at_feed_end
):
    following = await burst_of_100(lapor, admin, redis_async)
    env = notifier_env(redis_url, fake_rasa[0], sandbox)
    notifiers = [start_notifier(env), start_notifier(env)]
    try:
        while len([k async for k in redis_async.scan_iter(keys.notifier_sent("*"))]) < 20:
            await asyncio.sleep(0.05)
        notifiers[0].send_signal(signal.SIGKILL)  # mid-burst
        await asyncio.to_thread(notifiers[0].wait, 20)
        notifiers[0] = start_notifier(env)
        received = await collect(redis_async, 100)
    finally:
        for process in notifiers:
            process.send_signal(signal.SIGTERM)
            await asyncio.to_thread(process.wait, 20)
    everything = [t for texts in received.values() for t in texts]
    assert len(set(everything)) == 100, everything
    # At most the one burst in flight when it was killed (one take: 10 jobs at most).
    assert len(everything) - 100 <= 10, everything
    for follower, tracking_ids in following.items():
        deduplicated = list(dict.fromkeys(received[follower]))
        assert all(in_feed_order(deduplicated, t) for t in tracking_ids), [
            [x for x in deduplicated if f"#{t} " in x] for t in tracking_ids
        ]


async def test_a_notifier_goes_on_after_redis_restarts_under_it(lapor, admin, fake_rasa, sandbox, tmp_path):
    server = RestartableRedis(tmp_path)
    server.start()
    client = async_client(server.url)
    process = start_notifier(notifier_env(server.url, fake_rasa[0], sandbox))
    try:
        while await client.get(keys.NOTIFIER_CURSOR) is None:  # it read the feed to its end
            await asyncio.sleep(0.1)
        server.stop()
        await asyncio.sleep(3)  # longer than one command's retries: its loop must back off and go on
        server.start()
        tracking_id = await file_report(lapor)
        await ReportsStore(client).add_filed("console:gita", tracking_id, "x", "pengaduan")
        await admin.transition(tracking_id, "verified")  # after the follow: its news must arrive
        deadline = time.monotonic() + 60
        said: list[str] = []
        while f"#{tracking_id} verified" not in " ".join(said) and time.monotonic() < deadline:
            said += [m["text"] for m in await ConsoleInbox(client).take("gita")]
            await asyncio.sleep(0.1)
        assert process.poll() is None and f"#{tracking_id} verified" in " ".join(said)
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.to_thread(process.wait, 20)
        await client.close()
        server.stop()


# --- a burst for a citizen in the middle of something (issue 16) ---


class DialogueLike:
    """Says what the real dialogue says about each event to a citizen writing a report: the news, the
    NEWS_TOLD marker, then the open step asked again; a clarification starts the answer instead."""

    def __init__(self) -> None:
        self.answering: set[str] = set()

    def __call__(self, sender: str, body: dict) -> list[dict]:
        entities = body["entities"]
        tracking_id, status = entities["tracking_id"], entities["lapor_status"]
        answer = {"text": f"Tulis jawaban Anda untuk pertanyaan laporan #{tracking_id}."}
        if body["name"] == "EXTERNAL_clarification_requested":
            self.answering.add(sender)
            news = [{"text": f"❓ Klarifikasi #{tracking_id}"}, {"text": "Laporan Anda tetap tersimpan."}]
            return news + [{"custom": news_told(THEN_NEW)}, answer]
        news = [] if status == "submitted" else [{"text": f"Laporan #{tracking_id}: {status}"}]
        if sender in self.answering:
            return news + [{"custom": news_told(THEN_OPEN)}, answer]
        lead_in = "Kita lanjutkan laporan jalan berlubang tadi:"
        date = {"text": "Kapan kejadiannya?", "buttons": [{"title": "Hari ini", "payload": "hari ini"}]}
        return news + [{"custom": news_told(THEN_OPEN, lead_in)}, date]


@pytest.fixture
async def dialogue_like():
    async with running_fake_rasa(say=DialogueLike()) as fake:
        yield fake.url


async def events_of_one_poll(lapor, admin, redis_async, sender: str, clarification: bool) -> str:
    tracking_id = await file_report(lapor)
    await ReportsStore(redis_async).add_filed(sender, tracking_id, "Jalan berlubang", "pengaduan")
    await admin.transition(tracking_id, "verified")
    await admin.transition(tracking_id, "forwarded", agency_id=(await lapor.agencies())[0].id)
    if clarification:
        await admin.clarification(tracking_id, "Mohon kirim foto lokasi.")
        await admin.follow_up(tracking_id, "Sudah dijadwalkan.")
    return tracking_id


async def test_a_burst_during_a_draft_is_told_in_a_few_messages_and_the_draft_resumes_once(
    lapor, admin, redis_async, dialogue_like, at_feed_end
):
    async with aiohttp.ClientSession() as http:
        notifier = Notifier(
            lapor,
            redis_async,
            DialogueTrigger(RasaClient(dialogue_like, http)),
            console_only(redis_async),
            MEDIA,
        )
        tracking_id = await events_of_one_poll(lapor, admin, redis_async, "console:hana", clarification=False)
        await notifier.follow_feed_once()
        assert await notifier.deliver_due_once() == 3  # submitted, verified, forwarded
    sent = await ConsoleInbox(redis_async).take("hana")
    assert [m["text"] for m in sent] == [
        f"Laporan #{tracking_id}: verified\n\nLaporan #{tracking_id}: forwarded",
        "Kita lanjutkan laporan jalan berlubang tadi: kapan kejadiannya?",
    ]


async def test_a_question_in_a_burst_is_asked_once_and_the_burst_stays_within_three_messages(
    lapor, admin, redis_async, dialogue_like, at_feed_end
):
    async with aiohttp.ClientSession() as http:
        notifier = Notifier(
            lapor,
            redis_async,
            DialogueTrigger(RasaClient(dialogue_like, http)),
            console_only(redis_async),
            MEDIA,
        )
        tracking_id = await events_of_one_poll(lapor, admin, redis_async, "console:indra", clarification=True)
        await notifier.follow_feed_once()
        assert await notifier.deliver_due_once() == 5
    sent = [m["text"] for m in await ConsoleInbox(redis_async).take("indra")]
    assert len(sent) <= 3, sent
    assert sent[-1] == f"Tulis jawaban Anda untuk pertanyaan laporan #{tracking_id}."
    assert sum("Tulis jawaban" in text for text in sent) == 1 and not any("Kapan" in t for t in sent)
    assert all(f"#{tracking_id}: {s}" in "\n".join(sent) for s in ("verified", "forwarded", "followed_up"))


async def test_the_filing_s_own_event_sends_nothing_to_a_citizen_writing_the_next_report(
    lapor, admin, redis_async, dialogue_like, at_feed_end
):
    async with aiohttp.ClientSession() as http:
        notifier = Notifier(
            lapor,
            redis_async,
            DialogueTrigger(RasaClient(dialogue_like, http)),
            console_only(redis_async),
            MEDIA,
        )
        tracking_id = await file_report(lapor)
        await ReportsStore(redis_async).add_filed("console:joko", tracking_id, "Jalan berlubang", "pengaduan")
        await notifier.follow_feed_once()
        assert await notifier.deliver_due_once() == 1
    assert await ConsoleInbox(redis_async).take("joko") == []
