"""The gateway process: one aiohttp server for every chat channel, relaying through `Conversations`.

Run with `python -m bot.gateway`. Telegram and WhatsApp are mounted when their settings are present
(docs/channels.md): Telegram by long polling, or at `POST /telegram/webhook` when
TELEGRAM_WEBHOOK_URL is set; WhatsApp at `GET|POST /whatsapp/webhook`. The console channel
(`/console/*`) only when CONSOLE_CHANNEL=1, with CONSOLE_TOKEN (the local stack sets both).
The server is `listening`: aiohttp behind the limits of `bot.gateway.limits`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

import aiohttp
import redis.asyncio as aioredis
import uvloop
from aiohttp import web

from bot.channels.console.inbound import ConsoleChannel
from bot.channels.telegram import inbound as telegram
from bot.channels.telegram.inbound import TelegramChannel
from bot.channels.whatsapp import inbound as whatsapp
from bot.channels.whatsapp.inbound import WhatsAppChannel
from bot.gateway import health as gateway_health
from bot.gateway.conversations import Conversations
from bot.gateway.limits import ConnectionGuard, read_body_within
from bot.gateway.settings import GatewaySettings
from bot.rasa_client import RasaClient
from common import logs
from common.background import running
from common.media import MediaNotShared, MediaStore, require_shared_volume
from common.redis import async_client

log = logging.getLogger(__name__)

CONVERSATIONS = web.AppKey("conversations", Conversations)
REDIS = web.AppKey("redis", aioredis.Redis)
HTTP = web.AppKey("http", aiohttp.ClientSession)
SETTINGS = web.AppKey("settings", GatewaySettings)
MEDIA = web.AppKey("media", MediaStore)
TELEGRAM = web.AppKey("telegram", TelegramChannel)
WHATSAPP = web.AppKey("whatsapp", WhatsAppChannel)
CONSOLE = web.AppKey("console", ConsoleChannel)
MEDIA_CLEANUP_EVERY_SECONDS = 3600


async def _shared_clients(app: web.Application):
    """One Redis pool and one HTTP session for the gateway's lifetime, shared by all channels."""
    settings = app[SETTINGS]
    app[REDIS] = async_client(settings.redis_url)
    app[HTTP] = aiohttp.ClientSession()
    rasa = RasaClient(settings.rasa_url, app[HTTP], token=settings.rasa_token, timeout=settings.rasa_timeout)
    app[CONVERSATIONS] = Conversations(
        rasa,
        app[REDIS],
        max_text_chars=settings.max_text_chars,
        messages_per_minute=settings.messages_per_minute,
        turn_seconds=settings.rasa_timeout + 5,
    )
    if settings.console_enabled:
        app[CONSOLE] = ConsoleChannel(
            app[CONVERSATIONS],
            app[MEDIA],
            app[REDIS],
            token=settings.console_token,
            uploads_per_hour=settings.console_uploads_per_hour,
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

    async with running(every_hour()):
        yield


async def _telegram(app: web.Application):
    channel = TelegramChannel(app[SETTINGS].channels.telegram, app[CONVERSATIONS], app[MEDIA], app[REDIS])
    await channel.start()
    app[TELEGRAM] = channel
    yield
    await channel.stop()


async def _whatsapp(app: web.Application):
    app[WHATSAPP] = WhatsAppChannel(
        app[SETTINGS].channels.whatsapp, app[CONVERSATIONS], app[MEDIA], app[REDIS], app[HTTP]
    )
    yield
    await app[WHATSAPP].close()


def _to(channel: web.AppKey, method: str):
    """A route's handler: the channel made at start-up (cleanup contexts) answers with its `method`."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return await getattr(request.app[channel], method)(request)

    return handler


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app(settings: GatewaySettings | None = None) -> web.Application:
    settings = settings or GatewaySettings.from_env()
    if settings.console_enabled and not settings.console_token:
        raise ValueError("CONSOLE_CHANNEL=1 needs CONSOLE_TOKEN: the console acts as any console user")
    app = web.Application(
        client_max_size=settings.max_body_bytes, middlewares=[read_body_within(settings.read_timeout)]
    )
    app[SETTINGS] = settings
    app[MEDIA] = MediaStore(settings.media_dir, max_bytes=settings.media_max_bytes)
    app.cleanup_ctx.append(_shared_clients)
    app.cleanup_ctx.append(_media_cleanup)
    app.router.add_get("/health", health)
    gateway_health.install(app, REDIS, HTTP, SETTINGS)  # /ready, /metrics, turns by channel
    if settings.console_enabled:
        app.router.add_post("/console/messages", _to(CONSOLE, "message"))
        app.router.add_post("/console/media", _to(CONSOLE, "media"))
        app.router.add_get("/console/inbox", _to(CONSOLE, "inbox"))
    channels = settings.channels
    if channels.telegram:
        app.cleanup_ctx.append(_telegram)
        if channels.telegram.webhook_url:
            app.router.add_post(telegram.WEBHOOK_PATH, _to(TELEGRAM, "webhook"))
    if channels.whatsapp:
        app.cleanup_ctx.append(_whatsapp)
        app.router.add_get(whatsapp.WEBHOOK_PATH, _to(WHATSAPP, "verify"))
        app.router.add_post(whatsapp.WEBHOOK_PATH, _to(WHATSAPP, "receive"))
    return app


def main() -> None:
    logs.configure()
    settings = GatewaySettings.from_env()
    try:
        require_shared_volume(settings.redis_url, settings.media_dir)
    except MediaNotShared as exc:
        raise SystemExit(str(exc)) from None
    # libuv's event loop: a turn's many small awaits (Redis, Rasa, the platform) cost less CPU than on
    # asyncio's own loop.
    uvloop.run(_serve_until_signalled(settings))


@contextlib.asynccontextmanager
async def listening(settings: GatewaySettings) -> AsyncIterator[web.Application]:
    """The gateway app served on settings.host:port behind the connection guard, while the block runs."""
    app = create_app(settings)
    runner = web.AppRunner(app, keepalive_timeout=settings.keepalive_timeout, access_log=None)
    await runner.setup()
    guard = ConnectionGuard(runner.server, settings.max_connections, head_timeout=settings.read_timeout)
    server = await asyncio.get_running_loop().create_server(
        guard.protocol, settings.host, settings.port, backlog=settings.backlog
    )
    try:
        yield app
    finally:
        server.close()
        await runner.cleanup()


async def _serve_until_signalled(settings: GatewaySettings) -> None:
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    async with listening(settings):
        log.info("gateway listening on %s:%d", settings.host, settings.port)
        await stop.wait()


if __name__ == "__main__":
    main()
