"""Telegram's outbound side: bot messages rendered as Telegram HTML with inline keyboards, sent with
Telegram's flood control honoured; used by the gateway (replies) and the notifier (news).

A reply marked `custom: {"request_location": true}` (the location question) brings a one-tap "send my
location" keyboard; any later message without buttons takes it away again, so it never lingers (Telegram
keeps a reply keyboard until told otherwise, and this needs no state)."""

from __future__ import annotations

import asyncio
import datetime as dtm
import hashlib
import html
import re
from collections.abc import Sequence
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.channels.base import DeliveryDeferred, UserUnreachable, asks_for_location, split_text
from common import keys
from common.identity import pseudonym
from common.messages import BotMessage, Button

SEND_ATTEMPTS = 3
PAYLOAD_TTL_SECONDS = 30 * 24 * 3600
CHOOSE = "Silakan pilih:"
SEND_LOCATION = "📍 Ketuk tombol di bawah untuk mengirim lokasi Anda saat ini, atau ketik alamatnya."
LOCATION_BUTTON = "📍 Kirim lokasi saya"
LOCATION_KEYBOARD = ReplyKeyboardMarkup(
    [[KeyboardButton(LOCATION_BUTTON, request_location=True)]],
    resize_keyboard=True,
    one_time_keyboard=True,
    input_field_placeholder="atau ketik alamatnya",
)
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")


def render_html(text: str) -> list[str]:
    """Reply text as Telegram HTML messages: split to Telegram's length limit, escaped, and with
    Rasa's WhatsApp-style *tebal* shown bold."""
    return [
        _BOLD.sub(r"<b>\1</b>", html.escape(chunk, quote=False))
        for chunk in split_text(text, MessageLimit.MAX_TEXT_LENGTH)
    ]


def _retry_seconds(exc: RetryAfter) -> float:
    delay = exc.retry_after
    return delay.total_seconds() if isinstance(delay, dtm.timedelta) else float(delay)


class TelegramOutbound:
    """Renders and sends replies to one Telegram chat; reusable outside the gateway (notifier).

    Honours Telegram's flood control (RetryAfter) and raises UserUnreachable when the user
    blocked the bot or the chat is gone.
    """

    def __init__(self, bot: Bot, redis: aioredis.Redis) -> None:
        self.bot = bot
        self._redis = redis

    async def notify(self, user_id: str, messages: Sequence[BotMessage], tracking_id: str) -> None:
        try:
            await self.send(user_id, messages)
        except RetryAfter as exc:
            raise DeliveryDeferred("Telegram flood control", _retry_seconds(exc)) from exc
        except (TelegramError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise DeliveryDeferred(type(exc).__name__) from exc

    async def send(self, chat_id: int | str, replies: Sequence[BotMessage]) -> None:
        for reply in replies:
            if reply.image:
                await self._call(self.bot.send_photo, chat_id=chat_id, photo=reply.image)
            for text, markup in await self._messages(reply):
                await self._call(
                    self.bot.send_message,
                    chat_id=chat_id,
                    text=text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )

    async def _messages(self, reply: BotMessage) -> list[tuple[str, Any]]:
        """The reply as Telegram messages with their keyboards: the inline keyboard on the last chunk, the
        location keyboard where asked for, and every other message removing a location keyboard."""
        chunks = render_html(reply.text) or ([CHOOSE] if reply.buttons else [])
        messages: list[tuple[str, Any]] = [(chunk, ReplyKeyboardRemove()) for chunk in chunks]
        keyboard = await self._keyboard(reply.buttons)
        if keyboard:
            messages[-1] = (messages[-1][0], keyboard)
        if asks_for_location(reply):
            if keyboard or not messages:  # one keyboard per message: the location one comes after
                messages.append((render_html(SEND_LOCATION)[0], LOCATION_KEYBOARD))
            else:
                messages[-1] = (messages[-1][0], LOCATION_KEYBOARD)
        return messages

    async def payload_of(self, callback_data: str) -> str | None:
        """The Rasa payload behind a pressed button; None when a stored one has expired. Callback data
        is whatever the client sends: `Conversations` relays it as a payload only if it was offered to
        that chat, and as typed text otherwise."""
        if not callback_data.startswith("#"):
            return callback_data
        stored = await self._redis.get(self._payload_key(callback_data[1:]))
        return stored.decode() if stored is not None else None

    async def _keyboard(self, buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
        if not buttons:
            return None
        rows = [
            [InlineKeyboardButton(b.title, callback_data=await self._callback_data(b.payload))]
            for b in buttons
        ]
        return InlineKeyboardMarkup(rows)

    async def _callback_data(self, payload: str) -> str:
        """The payload itself when it fits Telegram's 64 bytes, else a short key to it in Redis."""
        if (
            payload
            and len(payload.encode()) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
            and not payload.startswith("#")
        ):
            return payload
        key = hashlib.sha256(payload.encode()).hexdigest()[:32]
        await self._redis.set(self._payload_key(key), payload, ex=PAYLOAD_TTL_SECONDS)
        return "#" + key

    @staticmethod
    def _payload_key(key: str) -> str:
        return keys.telegram_payload(key)

    async def _call(self, method: Any, **kwargs: Any) -> Any:
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await method(**kwargs)
            except RetryAfter as exc:
                if attempt == SEND_ATTEMPTS:
                    raise
                await asyncio.sleep(_retry_seconds(exc))
            except Forbidden as exc:
                raise UserUnreachable(pseudonym(f"telegram:{kwargs['chat_id']}")) from exc
            except BadRequest as exc:
                if "chat not found" in exc.message.lower():
                    raise UserUnreachable(pseudonym(f"telegram:{kwargs['chat_id']}")) from exc
                raise
