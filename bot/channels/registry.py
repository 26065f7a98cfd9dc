"""Every channel's outbound side by name, for whoever sends unprompted (the notifier): a table, not an
if/elif. The gateway answers through the channel a message came in on."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import aiohttp
import redis.asyncio as aioredis
from telegram.ext import AIORateLimiter, ExtBot

from bot.channels.base import Outbound
from bot.channels.console.outbound import ConsoleOutbound
from bot.channels.settings import ChannelSettings
from bot.channels.telegram.outbound import TelegramOutbound
from bot.channels.whatsapp.graph import GraphClient
from bot.channels.whatsapp.outbound import ServiceWindow, WhatsAppOutbound


@contextlib.asynccontextmanager
async def outbounds(
    settings: ChannelSettings, redis: aioredis.Redis, http: aiohttp.ClientSession
) -> AsyncIterator[dict[str, Outbound]]:
    """The configured channels' outbound sides, open for the block; Telegram's bot honours the API's
    rate limits."""
    table: dict[str, Outbound] = {"console": ConsoleOutbound(redis)}
    async with contextlib.AsyncExitStack() as stack:
        if settings.telegram:
            bot = ExtBot(
                settings.telegram.token,
                base_url=settings.telegram.bot_api_url,
                base_file_url=settings.telegram.file_api_url,
                rate_limiter=AIORateLimiter(),
            )
            await bot.initialize()
            stack.push_async_callback(bot.shutdown)
            table["telegram"] = TelegramOutbound(bot, redis)
        if settings.whatsapp:
            api = GraphClient(http, settings.whatsapp)
            table["whatsapp"] = WhatsAppOutbound(api, ServiceWindow(redis), settings.whatsapp_template)
        yield table
