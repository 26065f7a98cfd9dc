"""The gateway process: one aiohttp server for every chat channel, relaying through `bot.core`.

Run with `python -m bot.gateway`. The console channel is always served at `POST /console/messages`
unless CONSOLE_CHANNEL=0; Telegram and WhatsApp are mounted when their settings are present
(docs/channels.md): Telegram by long polling, or at `POST /telegram/webhook` when
TELEGRAM_WEBHOOK_URL is set; WhatsApp at `GET|POST /whatsapp/webhook`.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web

from bot import telegram, whatsapp
from bot.config import GatewaySettings
from bot.console_inbox import ConsoleInbox
from bot.core import ASSISTANT_UNAVAILABLE, Conversations, Incoming, RasaUnavailable
from bot.media_store import MediaRefused, MediaStore
from bot.telegram import TelegramChannel
from bot.whatsapp import WhatsAppChannel

log = logging.getLogger(__name__)

CONVERSATIONS = web.AppKey("conversations", Conversations)
REDIS = web.AppKey("redis", aioredis.Redis)
HTTP = web.AppKey("http", aiohttp.ClientSession)
SETTINGS = web.AppKey("settings", GatewaySettings)
MEDIA = web.AppKey("media", MediaStore)
TELEGRAM = web.AppKey("telegram", TelegramChannel)
WHATSAPP = web.AppKey("whatsapp", WhatsAppChannel)
MEDIA_CLEANUP_EVERY_SECONDS = 3600


async def _shared_clients(app: web.Application):
    """One Redis pool and one HTTP session for the gateway's lifetime, shared by all channels."""
    settings = app[SETTINGS]
    app[REDIS] = aioredis.from_url(settings.redis_url)
    app[HTTP] = aiohttp.ClientSession()
    app[CONVERSATIONS] = Conversations(
        settings.rasa_url,
        app[REDIS],
        app[HTTP],
        max_text_chars=settings.max_text_chars,
        rasa_timeout=settings.rasa_timeout,
    )
    yield
    await app[HTTP].close()
    await app[REDIS].close()


async def _media_cleanup(app: web.Application):
    """Deletes, now and every hour, evidence files that never became part of a report."""
    store, max_age = app[MEDIA], app[SETTINGS].media_retention_hours * 3600

    async def every_hour() -> None:
        while True:
            try:
                removed = await asyncio.to_thread(store.cleanup, max_age)
                if removed:
                    log.info("media cleanup removed %d unused files", removed)
            except OSError as exc:
                log.warning("media cleanup failed: %s", exc)
            await asyncio.sleep(MEDIA_CLEANUP_EVERY_SECONDS)

    task = asyncio.create_task(every_hour())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _telegram(app: web.Application):
    channel = TelegramChannel(app[SETTINGS].telegram, app[CONVERSATIONS], app[MEDIA], app[REDIS])
    await channel.start()
    app[TELEGRAM] = channel
    yield
    await channel.stop()


async def _whatsapp(app: web.Application):
    app[WHATSAPP] = WhatsAppChannel(app[SETTINGS].whatsapp, app[CONVERSATIONS], app[MEDIA], app[REDIS], app[HTTP])
    yield
    await app[WHATSAPP].close()


async def telegram_webhook(request: web.Request) -> web.StreamResponse:
    return await request.app[TELEGRAM].webhook(request)


async def whatsapp_verify(request: web.Request) -> web.StreamResponse:
    return await request.app[WHATSAPP].verify(request)


async def whatsapp_webhook(request: web.Request) -> web.StreamResponse:
    return await request.app[WHATSAPP].receive(request)


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def console_message(request: web.Request) -> web.Response:
    """The console chat's channel: one JSON message in, the bot's replies out."""
    try:
        data = await request.json()
        incoming = Incoming(
            channel="console",
            user_id=str(data["user_id"]),
            text=str(data.get("text", "")),
            message_id=data.get("message_id"),
            metadata=dict(data.get("metadata") or {}),
        )
    except (ValueError, KeyError, TypeError):
        raise web.HTTPBadRequest(text='expected JSON {"user_id": "...", "text": "..."}')
    try:
        replies = await request.app[CONVERSATIONS].handle(incoming)
    except RasaUnavailable:
        return web.json_response({"messages": [{"text": ASSISTANT_UNAVAILABLE}]}, status=503)
    return web.json_response({"messages": [r.to_json() for r in replies or ()]})


async def console_media(request: web.Request) -> web.Response:
    """A file from the console (multipart `file`), kept like the chat channels' media; the console
    then sends `/share_evidence` with the returned attachment."""
    store = request.app[MEDIA]
    try:
        part = await (await request.multipart()).next()
        if part is None or part.name != "file":
            raise web.HTTPBadRequest(text="expected multipart field 'file'")
        data = bytearray()
        while chunk := await part.read_chunk():
            data += chunk
            store.check_size(len(data))  # stops reading an oversized upload early
        stored = await store.save(bytes(data), part.filename)
    except MediaRefused as refused:
        return web.json_response({"messages": [{"text": refused.reason}]}, status=422)
    return web.json_response({"attachment": stored.to_json()})


async def console_inbox(request: web.Request) -> web.Response:
    """What the notifier left for a console user since the last look."""
    user_id = request.query.get("user_id")
    if not user_id:
        raise web.HTTPBadRequest(text="expected ?user_id=")
    return web.json_response({"messages": await ConsoleInbox(request.app[REDIS]).take(user_id)})


def create_app(settings: GatewaySettings | None = None) -> web.Application:
    app = web.Application()
    settings = app[SETTINGS] = settings or GatewaySettings.from_env()
    app[MEDIA] = MediaStore(settings.media_dir, max_bytes=settings.media_max_bytes)
    app.cleanup_ctx.append(_shared_clients)
    app.cleanup_ctx.append(_media_cleanup)
    app.router.add_get("/health", health)
    if os.environ.get("CONSOLE_CHANNEL", "1") != "0":
        app.router.add_post("/console/messages", console_message)
        app.router.add_post("/console/media", console_media)
        app.router.add_get("/console/inbox", console_inbox)
    if settings.telegram:
        app.cleanup_ctx.append(_telegram)
        if settings.telegram.webhook_url:
            app.router.add_post(telegram.WEBHOOK_PATH, telegram_webhook)
    if settings.whatsapp:
        app.cleanup_ctx.append(_whatsapp)
        app.router.add_get(whatsapp.WEBHOOK_PATH, whatsapp_verify)
        app.router.add_post(whatsapp.WEBHOOK_PATH, whatsapp_webhook)
    return app


def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx (under python-telegram-bot) logs every request URL, and Telegram's contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = GatewaySettings.from_env()
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)


if __name__ == "__main__":
    main()
