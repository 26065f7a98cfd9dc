"""The notifier process: LAPOR's events reach the citizens who follow a report.

    python -m bot.notifier

Its loops share one Redis:
- *follow the feed*: read LAPOR's events after the stored cursor, fan each event out to the report's
  followers as delivery jobs, and move the cursor in the same transaction (queue.py);
- *warn*: a followed report that passed a deadline without its step gets its reporter one notice, in
  the daytime (deadlines.py);
- *deliver*: let the dialogue say each due job (Rasa's trigger_intent with an EXTERNAL_ intent, so
  the assistant knows e.g. that the citizen's next message answers a clarification), then send what
  it said on the follower's channel; a citizen's jobs due together are one burst of at most three
  messages that asks its question once (burst.py); failures are retried with backoff, a blocked bot
  stops trying.

Run as many notifiers as you like: each event is stored once (the cursor is moved by compare-and-set),
each job is sent by one of them (a Redis stream's consumer group), a dead one's jobs are claimed by
another, and every loop survives Redis and LAPOR outages (it backs off and goes on).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web
from redis import RedisError

from bot.channels.base import DeliveryDeferred, Outbound, UserUnreachable
from bot.channels.registry import outbounds
from bot.notifier import metrics
from bot.notifier.burst import compose
from bot.notifier.deadlines import Deadlines
from bot.notifier.queue import CLAIM_IDLE_MS, GROUP, MAX_ATTEMPTS, DeliveryQueue, Job, ensure_group
from bot.notifier.settings import NotifierSettings
from bot.rasa_client import RasaClient, RasaUnavailable
from common import activity, keys, logs, outbox
from common.identity import Sender, pseudonym
from common.media import MediaNotShared, MediaStore, require_shared_volume
from common.messages import BotMessage
from common.offers import OfferedPayloads
from common.outbox import DeliveredReport
from common.redis import async_client
from common.reports import ReportsStore
from lapor_client import LaporClient
from lapor_client.errors import LaporError
from lapor_client.models import Event

log = logging.getLogger(__name__)

# The dialogue's external intent for each type of LAPOR event (dialogue/domain.yml).
EXTERNAL_INTENTS = {
    "status_changed": "EXTERNAL_status_changed",
    "follow_up": "EXTERNAL_follow_up",
    "clarification_requested": "EXTERNAL_clarification_requested",
    "closed": "EXTERNAL_status_changed",
    # Not from LAPOR's feed: a confirmed report that waited in the outbox got its tracking number;
    # an agency's question the citizen put off is reminded (actions/after_filing/reminders.py).
    "report_delivered": "EXTERNAL_report_delivered",
    "answer_reminder": "EXTERNAL_answer_reminder",
}


def bursts(jobs: list[Job]) -> list[tuple[str, list[Job]]]:
    """The jobs taken together, by citizen: each citizen's in feed order (the queue's order)."""
    by_sender: dict[str, list[Job]] = {}
    for job in jobs:
        by_sender.setdefault(job.sender, []).append(job)
    return list(by_sender.items())


def event_payload(event: Event) -> dict:
    payload = asdict(event)
    payload["at"] = event.at.isoformat()
    return payload


class DialogueTrigger:
    """Asks the dialogue what to say about an event: its EXTERNAL_ intent with the event as entities."""

    def __init__(self, rasa: RasaClient) -> None:
        self._rasa = rasa

    async def replies_for(self, job: Job) -> list[BotMessage]:
        event = job.event
        entities = {
            "tracking_id": event["tracking_id"],
            "lapor_event_id": str(event["event_id"]),
            "lapor_event_type": event["type"],
            "lapor_status": event.get("status"),
            "lapor_message": event.get("message") or "",
        }
        try:
            return await self._rasa.trigger_intent(job.sender, EXTERNAL_INTENTS[event["type"]], entities)
        except RasaUnavailable as exc:
            raise DeliveryDeferred(str(exc)) from exc


class Notifier:
    def __init__(
        self,
        lapor: LaporClient,
        redis: aioredis.Redis,
        trigger: DialogueTrigger,
        outbound: "ChannelOutbound",
        media: MediaStore,
        consumer: str = "notifier",
    ) -> None:
        self._lapor = lapor
        self._media = media
        self._redis = redis
        self._consumer = consumer
        self._queue = DeliveryQueue(redis, consumer)
        self._reports = ReportsStore(redis)
        self._deadlines = Deadlines(redis, lapor, self._queue)
        self._trigger = trigger
        self._outbound = outbound
        # Set by run(): a stop request ends a round between two deliveries, never inside one.
        self._stop = asyncio.Event()

    async def follow_feed_once(self, page_size: int = 100) -> int:
        """Turns every new event into delivery jobs; returns how many events were read."""
        read = 0
        while True:
            after = await self._queue.cursor()
            page = await self._lapor.events_page(after=after, limit=page_size)
            followed = [
                (event, sorted(await self._reports.followers(event.tracking_id))) for event in page.events
            ]
            jobs = [Job(event_payload(event), sender) for event, senders in followed for sender in senders]
            # Kept before the cursor moves: a page read again keeps the same stages again.
            await self._deadlines.watch(event for event, senders in followed if senders)
            # False: another notifier stored this page first; the loop goes on from its cursor.
            if await self._queue.enqueue_page(jobs, after, page.next_cursor):
                read += len(page.events)
            if len(page.events) < page_size:
                return read

    async def retry_outbox_once(self) -> int:
        """Sends confirmed reports that LAPOR could not take yet (each is announced by
        `announce_delivered_once`); returns how many reached LAPOR."""
        return await outbox.retry_pending(self._lapor, self._redis, self._media)

    async def announce_delivered_once(self) -> int:
        """Turns each report that left the outbox after its citizen's turn into a "terkirim" job. The
        outbox wrote it to its stream in the transaction that removed the report, so no crash in
        between loses the message; a job id per report keeps a re-read entry from saying it twice."""
        await ensure_group(self._redis, keys.OUTBOX_DELIVERED)
        _, claimed, *_ = await self._redis.xautoclaim(
            keys.OUTBOX_DELIVERED, GROUP, self._consumer, CLAIM_IDLE_MS, "0-0", count=100
        )
        fresh = await self._redis.xreadgroup(GROUP, self._consumer, {keys.OUTBOX_DELIVERED: ">"}, count=100)
        entries = list(claimed) + [entry for _, stream_entries in fresh for entry in stream_entries]
        if not entries:
            return 0
        reports = [DeliveredReport.from_json(fields[b"report"]) for _, fields in entries]
        jobs = [
            Job(
                {
                    "event_id": f"delivered-{d.tracking_id}",
                    "tracking_id": d.tracking_id,
                    "type": "report_delivered",
                    "status": "submitted",
                    "message": d.title,
                },
                d.sender,
            )
            for d in reports
        ]
        await self._queue.enqueue(jobs)
        await self._redis.xack(keys.OUTBOX_DELIVERED, GROUP, *[entry_id for entry_id, _ in entries])
        return len(jobs)

    async def remind_due_once(self, now: float | None = None) -> int:
        """Turns each due reminder of a question the citizen put off into a job; the dialogue says it
        (or nothing, when the question was answered meanwhile). The reminders leave their set in the
        script that queues their jobs, so a notifier dying in between loses none; the job id is fixed,
        so two notifiers taking the same reminder queue it once."""
        due = await self._redis.zrangebyscore(keys.ANSWER_REMINDERS, "-inf", now or time.time(), 0, 100)
        jobs = []
        for member in due:
            reminder = json.loads(member)
            event = {
                "event_id": f"reminder-{reminder['event_id']}",
                "tracking_id": reminder["tracking_id"],
                "type": "answer_reminder",
                "status": None,
                "message": "",
            }
            jobs.append(Job(event, reminder["sender"]))
        return await self._queue.enqueue_taken(jobs, keys.ANSWER_REMINDERS, due)

    async def warn_overdue_once(self, now: datetime | None = None) -> int:
        """Queues a notice for each reporter whose report passed a deadline without its step (once per
        stage, in the daytime: deadlines.py); returns how many were queued."""
        return await self._deadlines.warn_once(now)

    async def deliver_due_once(self, block_ms: int = 0) -> int:
        """Delivers this notifier's share of what is due; returns how many jobs were delivered. A
        citizen's jobs taken together are one burst: told in a few messages, sent or retried together."""
        delivered = 0
        for sender, burst in bursts(await self._queue.take(block_ms=block_ms)):
            if self._stop.is_set():
                for job in burst:
                    await self._queue.put_back(job)
                continue
            try:
                await self._deliver(sender, burst)
            except UserUnreachable:
                log.info("recipient unreachable, unfollowing jobs=%d user=%s", len(burst), pseudonym(sender))
                await self._reports.unfollow_all(sender)
                for job in burst:
                    await self._queue.drop(job)
                    metrics.DELIVERIES.labels(outcome="unreachable").inc()
                    await self._record_failed(job, "recipient_gone", final=True)
            except DeliveryDeferred as exc:
                log.warning("delivery deferred jobs=%d user=%s: %s", len(burst), pseudonym(sender), exc)
                for job in burst:
                    await self._queue.retry_later(job, exc.retry_after)
                    metrics.DELIVERIES.labels(outcome="deferred").inc()
                    dead = job.attempts >= MAX_ATTEMPTS
                    if dead:
                        metrics.DEAD_LETTERS.inc()
                    # A fixed reason: the exception's text may come from the platform.
                    await self._record_failed(job, "deferred", final=dead)
            else:
                for job in burst:
                    await self._queue.mark_sent(job)
                    metrics.DELIVERIES.labels(outcome="sent").inc()
                    await self._record_sent(job)
                delivered += len(burst)
        return delivered

    async def _record_sent(self, job: Job) -> None:
        event, citizen = job.event, activity.of(job.sender)
        await activity.record(
            self._redis,
            "notification_sent",
            tracking_id=event["tracking_id"],
            event_type=event["type"],
            **citizen,
        )
        if event["type"] == "clarification_requested":  # the question has reached the citizen now
            await activity.record(
                self._redis,
                "clarification_asked",
                tracking_id=event["tracking_id"],
                event_id=event["event_id"],
                **citizen,
            )

    async def _record_failed(self, job: Job, reason: str, final: bool) -> None:
        await activity.record(
            self._redis,
            "notification_failed",
            tracking_id=job.event["tracking_id"],
            event_type=job.event["type"],
            reason=reason,
            final=final,
            **activity.of(job.sender),
        )

    async def _deliver(self, sender: str, burst: list[Job]) -> None:
        # The dialogue is asked once per job: its answer is kept with the job, so a retry after
        # a failed send repeats only the send, never the conversation's side of it.
        for job in burst:
            if job.rendered is None:
                job.rendered = [r.to_json() for r in await self._trigger.replies_for(job)]
                await self._queue.save(job)
        messages = compose([[BotMessage.from_rasa(m) for m in job.rendered or ()] for job in burst])
        if messages:
            await self._outbound.send(sender, burst[0].event["tracking_id"], messages)

    async def round(self) -> None:
        """One pass of every loop. Redis or LAPOR being down ends the pass early; `run` goes on."""
        try:
            await self.retry_outbox_once()
            await self.follow_feed_once()
            await self.warn_overdue_once()
        except LaporError as exc:
            metrics.LAPOR_ERRORS.labels(kind=type(exc).__name__).inc()
            log.warning("LAPOR unavailable: %s", type(exc).__name__)
        await self.announce_delivered_once()
        await self.remind_due_once()
        await self.deliver_due_once()
        await metrics.observe(self._redis)

    async def run(self, stop: asyncio.Event, poll_seconds: float) -> None:
        self._stop = stop
        failures = 0
        while not stop.is_set():
            try:
                await self.round()
                failures = 0
                wait = poll_seconds
            except (RedisError, OSError, asyncio.TimeoutError) as exc:
                # Redis (or the network) is down: back off and try again; nothing is lost meanwhile.
                failures += 1
                wait = min(30.0, poll_seconds * 2**failures)
                metrics.LOOP_FAILURES.labels(kind=type(exc).__name__).inc()
                log.warning("notifier round failed (%s); again in %.1f s", type(exc).__name__, wait)
            try:
                await asyncio.wait_for(stop.wait(), timeout=wait)
            except asyncio.TimeoutError:
                pass


class ChannelOutbound:
    """Sends what the dialogue said to a follower on the follower's own channel, remembering its buttons
    as offered (the gateway accepts a payload back only if it was offered: common/offers.py)."""

    def __init__(self, channels: dict[str, Outbound], offers: OfferedPayloads) -> None:
        self._channels = channels
        self._offers = offers

    async def send(self, sender: str, tracking_id: str, messages: Sequence[BotMessage]) -> None:
        """Raises UserUnreachable when the follower is gone, DeliveryDeferred to try later."""
        to = Sender.parse(sender)
        channel = self._channels.get(to.channel)
        if channel is None:
            raise DeliveryDeferred(f"channel {to.channel} is not configured")
        await self._offers.remember(sender, messages)
        await channel.notify(to.user_id, messages, tracking_id)


async def serve(stop: asyncio.Event, settings: NotifierSettings) -> None:
    redis = async_client(settings.redis_url)
    health = web.AppRunner(metrics.health_app(redis, settings.poll_seconds))
    await health.setup()
    if settings.port:
        await web.TCPSite(health, settings.host, settings.port).start()
    try:
        async with (
            LaporClient() as lapor,
            aiohttp.ClientSession() as http,
            outbounds(settings.channels, redis, http) as channels,
        ):
            trigger = DialogueTrigger(RasaClient(settings.rasa_url, http, token=settings.rasa_token))
            log.info("notifier started, polling every %.1f s", settings.poll_seconds)
            notifier = Notifier(
                lapor,
                redis,
                trigger,
                ChannelOutbound(channels, OfferedPayloads(redis)),
                MediaStore(settings.media_dir),
                consumer=f"{socket.gethostname()}-{os.getpid()}",
            )
            await notifier.run(stop, settings.poll_seconds)
    finally:
        await health.cleanup()
        await redis.close()


def main() -> None:
    logs.configure()

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(stop, settings)

    settings = NotifierSettings.from_env()
    try:
        require_shared_volume(settings.redis_url, settings.media_dir)
    except MediaNotShared as exc:
        raise SystemExit(str(exc)) from None
    asyncio.run(run())
