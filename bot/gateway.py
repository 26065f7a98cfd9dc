"""The gateway process: one aiohttp server for every chat channel, relaying through `bot.core`.

Run with `python -m bot.gateway`. The console channel is always served at `POST /console/messages`
unless CONSOLE_CHANNEL=0; Telegram and WhatsApp are mounted when their settings are present.
"""
from __future__ import annotations

import logging
import os

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web

from bot.config import GatewaySettings
from bot.core import ASSISTANT_UNAVAILABLE, Conversations, Incoming, RasaUnavailable

log = logging.getLogger(__name__)

CONVERSATIONS = web.AppKey("conversations", Conversations)
REDIS = web.AppKey("redis", aioredis.Redis)
HTTP = web.AppKey("http", aiohttp.ClientSession)
SETTINGS = web.AppKey("settings", GatewaySettings)


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


def create_app(settings: GatewaySettings | None = None) -> web.Application:
    app = web.Application()
    app[SETTINGS] = settings or GatewaySettings.from_env()
    app.cleanup_ctx.append(_shared_clients)
    app.router.add_get("/health", health)
    if os.environ.get("CONSOLE_CHANNEL", "1") != "0":
        app.router.add_post("/console/messages", console_message)
    return app


def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = GatewaySettings.from_env()
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)


if __name__ == "__main__":
    main()
