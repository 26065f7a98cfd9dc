"""The notifier process: LAPOR's events reach the citizens who follow a report.

    python -m bot.notifier

Two loops share one Redis:
- *follow the feed*: read LAPOR's events after the stored cursor, fan each event out to the report's
  followers as delivery jobs, and move the cursor in the same transaction (bot.notifier_queue);
- *deliver*: let the dialogue say each due job (Rasa's trigger_intent with an EXTERNAL_ intent, so
  the assistant knows e.g. that the citizen's next message answers a clarification), then send what
  it said on the follower's channel; failures are retried with backoff, a blocked bot stops trying.

Run one notifier per deployment: the cursor and the jobs are shared, the loops are not.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from dataclasses import asdict
from typing import Sequence

import aiohttp
import redis.asyncio as aioredis
from telegram.error import RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, ExtBot

from actions import outbox
from actions.reports_store import ReportsStore
from bot.config import GatewaySettings
from bot.console_inbox import ConsoleInbox
from bot.core import Reply, UserUnreachable, user_ref
from bot.notifier_queue import DeliveryQueue, Job
from bot.telegram import TelegramSender
from bot.whatsapp import ServiceWindow, Template, WhatsAppSender, WindowClosed
from bot.whatsapp_api import GraphClient, GraphError
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
# Outside WhatsApp's 24-hour window only an approved template is delivered; its two parameters are
# the tracking number and the first line of what the dialogue said.
WINDOW_CLOSED_RETRY_SECONDS = 3600


class RecipientGone(Exception):
    """The citizen can no longer be reached on the channel (blocked the bot, deleted the chat)."""


class DeliveryDeferred(Exception):
    """Try this delivery again later; `retry_after` seconds when the platform said."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def event_payload(event: Event) -> dict:
    payload = asdict(event)
    payload["at"] = event.at.isoformat()
    return payload


class DialogueTrigger:
    """Asks Rasa what to say about an event, through its HTTP API's trigger_intent."""

    def __init__(self, rasa_url: str, http: aiohttp.ClientSession, token: str | None = None) -> None:
        self._rasa_url = rasa_url.rstrip("/")
        self._http = http
        self._params = {"token": token} if token else {}

    async def replies_for(self, job: Job) -> list[Reply]:
        event = job.event
        body = {
            "name": EXTERNAL_INTENTS[event["type"]],
            "entities": {
                "tracking_id": event["tracking_id"],
                "lapor_event_id": str(event["event_id"]),
                "lapor_event_type": event["type"],
                "lapor_status": event.get("status"),
                "lapor_message": event.get("message") or "",
            },
        }
        url = f"{self._rasa_url}/conversations/{job.sender}/trigger_intent"
        try:
            async with self._http.post(url, json=body, params=self._params,
                                       timeout=aiohttp.ClientTimeout(total=30)) as resp:
                if resp.status != 200:
                    raise DeliveryDeferred(f"Rasa answered HTTP {resp.status}")
                data = await resp.json()
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise DeliveryDeferred(f"Rasa unreachable: {type(exc).__name__}") from exc
        return [Reply.from_rasa(m) for m in data.get("messages", [])]


class Notifier:
    def __init__(self, lapor: LaporClient, redis: aioredis.Redis, trigger: DialogueTrigger,
                 outbound: "ChannelOutbound") -> None:
        self._lapor = lapor
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
        delivered = await outbox.retry_pending(self._lapor, self._redis)
        jobs = [
            Job({"event_id": f"delivered-{d.tracking_id}", "tracking_id": d.tracking_id,
                 "type": "report_delivered", "status": "submitted", "message": d.title}, d.sender)
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
            except RecipientGone:
                log.info("recipient unreachable, unfollowing job=%s user=%s", job.event["event_id"], user_ref(job.sender))
                await self._reports.unfollow_all(job.sender)
                await self._queue.drop(job)
            except DeliveryDeferred as exc:
                log.warning("delivery deferred job=%s user=%s: %s", job.event["event_id"], user_ref(job.sender), exc)
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
        await self._outbound.send(job.sender, job.event["tracking_id"], [Reply.from_rasa(m) for m in job.rendered])

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
    """Sends what the dialogue said to a follower on the follower's own channel, mapping each
    platform's failures to "try later" or "gone"."""

    def __init__(self, redis: aioredis.Redis, telegram: TelegramSender | None = None,
                 whatsapp: WhatsAppSender | None = None, whatsapp_template: str | None = None) -> None:
        self._console = ConsoleInbox(redis)
        self._telegram = telegram
        self._whatsapp = whatsapp
        self._whatsapp_template = whatsapp_template

    async def send(self, sender: str, tracking_id: str, replies: Sequence[Reply]) -> None:
        channel, user_id = sender.split(":", 1)
        try:
            if channel == "console":
                await self._console.put(user_id, replies)
            elif channel == "telegram" and self._telegram:
                await self._telegram.send(user_id, replies)
            elif channel == "whatsapp" and self._whatsapp:
                await self._whatsapp.send(user_id, replies, template=self._template(tracking_id, replies))
            else:
                raise DeliveryDeferred(f"channel {channel} is not configured")
        except UserUnreachable as exc:
            raise RecipientGone(str(exc)) from exc
        except WindowClosed as exc:
            # No template configured: wait for the citizen to write again (it reopens the window).
            raise DeliveryDeferred("WhatsApp window closed", WINDOW_CLOSED_RETRY_SECONDS) from exc
        except RetryAfter as exc:
            raise DeliveryDeferred("Telegram flood control", _seconds(exc.retry_after)) from exc
        except (TelegramError, GraphError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise DeliveryDeferred(type(exc).__name__) from exc

    def _template(self, tracking_id: str, replies: Sequence[Reply]) -> Template | None:
        if not self._whatsapp_template:
            return None
        first_line = next((r.text.strip().splitlines()[0] for r in replies if r.text.strip()), "")
        return Template(self._whatsapp_template, parameters=(tracking_id, first_line[:200] or "-"))


def _seconds(value) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


@contextlib.asynccontextmanager
async def _channel_senders(settings: GatewaySettings, redis: aioredis.Redis, http: aiohttp.ClientSession):
    """The configured channels' senders; Telegram's bot honours the API's rate limits."""
    telegram = whatsapp = None
    bot = None
    if settings.telegram:
        bot = ExtBot(settings.telegram.token, base_url=settings.telegram.bot_api_url,
                     base_file_url=settings.telegram.file_api_url, rate_limiter=AIORateLimiter())
        await bot.initialize()
        telegram = TelegramSender(bot, redis)
    if settings.whatsapp:
        whatsapp = WhatsAppSender(GraphClient(http, settings.whatsapp), ServiceWindow(redis))
    try:
        yield telegram, whatsapp
    finally:
        if bot is not None:
            await bot.shutdown()


async def serve(stop: asyncio.Event) -> None:
    settings = GatewaySettings.from_env()
    poll_seconds = float(os.environ.get("NOTIFIER_POLL_SECONDS", "5"))
    redis = aioredis.from_url(settings.redis_url)
    try:
        async with LaporClient() as lapor, aiohttp.ClientSession() as http, \
                _channel_senders(settings, redis, http) as (telegram, whatsapp):
            outbound = ChannelOutbound(redis, telegram, whatsapp, os.environ.get("WHATSAPP_NOTIFY_TEMPLATE"))
            trigger = DialogueTrigger(settings.rasa_url, http, os.environ.get("RASA_TOKEN"))
            log.info("notifier started, polling every %.1f s", poll_seconds)
            await Notifier(lapor, redis, trigger, outbound).run(stop, poll_seconds)
    finally:
        await redis.close()


def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines carry the bot token

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(stop)

    asyncio.run(run())


if __name__ == "__main__":
    main()
