"""The notifier process: LAPOR's events reach the citizens who follow a report.

    python -m bot.notifier

Two loops share one Redis:
- *follow the feed*: read LAPOR's events after the stored cursor, fan each event out to the report's
  followers as delivery jobs, and move the cursor in the same transaction (queue.py);
- *deliver*: let the dialogue say each due job (Rasa's trigger_intent with an EXTERNAL_ intent, so
  the assistant knows e.g. that the citizen's next message answers a clarification), then send what
  it said on the follower's channel; failures are retried with backoff, a blocked bot stops trying.

Run one notifier per deployment: the cursor and the jobs are shared, the loops are not.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from dataclasses import asdict

import aiohttp
import redis.asyncio as aioredis

from bot.channels.base import DeliveryDeferred, Outbound, UserUnreachable
from bot.channels.registry import outbounds
from bot.notifier.queue import DeliveryQueue, Job
from bot.notifier.settings import NotifierSettings
from bot.rasa_client import RasaClient, RasaUnavailable
from common import logs, outbox
from common.identity import Sender, pseudonym
from common.media import MediaStore
from common.messages import BotMessage
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
    # Not from LAPOR's feed: a confirmed report that waited in the outbox got its tracking number.
    "report_delivered": "EXTERNAL_report_delivered",
}


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
    ) -> None:
        self._lapor = lapor
        self._media = media
        self._redis = redis
        self._queue = DeliveryQueue(redis)
        self._reports = ReportsStore(redis)
        self._trigger = trigger
        self._outbound = outbound
        # Set by run(): a stop request ends a round between two deliveries, never inside one.
        self._stop = asyncio.Event()

    async def follow_feed_once(self, page_size: int = 100) -> int:
        """Turns every new event into delivery jobs; returns how many events were read."""
        read = 0
        while True:
            page = await self._lapor.events_page(after=await self._queue.cursor(), limit=page_size)
            jobs = [
                Job(event_payload(event), sender)
                for event in page.events
                for sender in sorted(await self._reports.followers(event.tracking_id))
            ]
            await self._queue.enqueue_page(jobs, page.next_cursor)
            read += len(page.events)
            if len(page.events) < page_size:
                return read

    async def retry_outbox_once(self) -> int:
        """Sends confirmed reports that LAPOR could not take yet; each citizen hears the number."""
        delivered = await outbox.retry_pending(self._lapor, self._redis, self._media)
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
            for d in delivered
        ]
        if jobs:
            await self._queue.enqueue_page(jobs, next_cursor=None)
        return len(jobs)

    async def deliver_due_once(self) -> int:
        """Delivers what is due; returns how many jobs were delivered."""
        delivered = 0
        for job in await self._queue.due():
            if self._stop.is_set():
                break
            try:
                await self._deliver(job)
            except UserUnreachable:
                log.info(
                    "recipient unreachable, unfollowing job=%s user=%s",
                    job.event["event_id"],
                    pseudonym(job.sender),
                )
                await self._reports.unfollow_all(job.sender)
                await self._queue.drop(job)
            except DeliveryDeferred as exc:
                log.warning(
                    "delivery deferred job=%s user=%s: %s", job.event["event_id"], pseudonym(job.sender), exc
                )
                await self._queue.retry_later(job, exc.retry_after)
            else:
                await self._queue.mark_sent(job)
                delivered += 1
        return delivered

    async def _deliver(self, job: Job) -> None:
        # The dialogue is asked once per job: its answer is kept with the job, so a retry after
        # a failed send repeats only the send, never the conversation's side of it.
        if job.rendered is None:
            job.rendered = [r.to_json() for r in await self._trigger.replies_for(job)]
            await self._queue.save(job)
        await self._outbound.send(
            job.sender, job.event["tracking_id"], [BotMessage.from_rasa(m) for m in job.rendered]
        )

    async def run(self, stop: asyncio.Event, poll_seconds: float) -> None:
        self._stop = stop
        while not stop.is_set():
            try:
                await self.retry_outbox_once()
                await self.follow_feed_once()
            except LaporError as exc:
                log.warning("LAPOR unavailable: %s", type(exc).__name__)
            await self.deliver_due_once()
            try:
                await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
            except asyncio.TimeoutError:
                pass


class ChannelOutbound:
    """Sends what the dialogue said to a follower on the follower's own channel."""

    def __init__(self, channels: dict[str, Outbound]) -> None:
        self._channels = channels

    async def send(self, sender: str, tracking_id: str, messages: Sequence[BotMessage]) -> None:
        """Raises UserUnreachable when the follower is gone, DeliveryDeferred to try later."""
        to = Sender.parse(sender)
        channel = self._channels.get(to.channel)
        if channel is None:
            raise DeliveryDeferred(f"channel {to.channel} is not configured")
        await channel.notify(to.user_id, messages, tracking_id)


async def serve(stop: asyncio.Event, settings: NotifierSettings) -> None:
    redis = aioredis.from_url(settings.redis_url)
    try:
        async with (
            LaporClient() as lapor,
            aiohttp.ClientSession() as http,
            outbounds(settings.channels, redis, http) as channels,
        ):
            trigger = DialogueTrigger(RasaClient(settings.rasa_url, http, token=settings.rasa_token))
            log.info("notifier started, polling every %.1f s", settings.poll_seconds)
            notifier = Notifier(
                lapor, redis, trigger, ChannelOutbound(channels), MediaStore(settings.media_dir)
            )
            await notifier.run(stop, settings.poll_seconds)
    finally:
        await redis.close()


def main() -> None:
    logs.configure()

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(stop, NotifierSettings.from_env())

    asyncio.run(run())
