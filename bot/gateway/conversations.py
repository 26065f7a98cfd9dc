"""The one path from any chat channel to Rasa and back.

Every channel (console, Telegram, WhatsApp) turns what the platform delivered into an `Incoming`,
hands it to `Conversations.handle`, and renders the bot messages in its own way. This module owns
what must be the same everywhere: dropping duplicate deliveries, keeping one user's messages in
order, refusing over-long text kindly, the gateway → Rasa contract (docs/contracts.md), and a friendly
answer when Rasa cannot be reached.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis

from bot.rasa_client import RasaClient, RasaUnavailable
from common import keys
from common.identity import Sender, pseudonym
from common.messages import BotMessage

log = logging.getLogger(__name__)

DEDUPE_TTL_SECONDS = 7 * 24 * 3600  # platforms redeliver for hours at most; a week is ample

TEXT_TOO_LONG = (
    "Maaf, pesan Anda terlalu panjang (maksimal {limit} karakter). "
    "Mohon dipersingkat atau kirim dalam beberapa pesan."
)
ASSISTANT_UNAVAILABLE = (
    "Maaf, asisten sedang mengalami gangguan. Pesan Anda belum terproses; "
    "mohon kirim ulang dalam beberapa menit."
)


@dataclass(frozen=True)
class Incoming:
    """A citizen's message as a channel received it, before it reaches Rasa."""

    channel: str
    user_id: str
    text: str
    # The platform's id of this delivery, used to drop duplicates; None where there is none.
    message_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        Sender(self.channel, self.user_id)  # validates both

    @property
    def sender(self) -> str:
        return str(Sender(self.channel, self.user_id))


class KeyedLock:
    """One asyncio lock per key (a user), created on demand and forgotten when idle.

    `hold` acquires before its first suspension point, so tasks that call it in arrival order
    get the lock in arrival order.
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                yield
        finally:
            if not lock.locked() and not lock._waiters:  # type: ignore[attr-defined]
                self._locks.pop(key, None)


def typed_text(text: str) -> str:
    """What a citizen typed, made safe to relay: a leading "/" would make Rasa read it as an
    intent payload (`/share_evidence{...}`), which only the gateway and buttons may send."""
    return text.lstrip().lstrip("/")


class Conversations:
    """Relays citizens' messages to Rasa's REST channel, once each and in order per user."""

    def __init__(self, rasa: RasaClient, redis: aioredis.Redis, *, max_text_chars: int = 4096) -> None:
        self._rasa = rasa
        self._redis = redis
        self._max_text_chars = max_text_chars
        # Rasa's lock store orders turns across processes; this keeps one process from racing itself
        # (and from sending a user's second message before the first one's answer).
        self._user_locks = KeyedLock()

    @staticmethod
    def _seen_key(incoming: Incoming) -> str:
        return keys.delivery_seen(incoming.channel, str(incoming.message_id))

    async def seen(self, incoming: Incoming) -> bool:
        """True when the delivery was claimed already; lets a channel skip a redelivery's side
        effects (downloads, read receipts) before `handle`, which claims it."""
        return incoming.message_id is not None and bool(await self._redis.exists(self._seen_key(incoming)))

    async def claim(self, incoming: Incoming) -> bool:
        """Claims the delivery; False when it was already claimed (a platform's redelivery)."""
        if incoming.message_id is None:
            return True
        return bool(await self._redis.set(self._seen_key(incoming), "1", nx=True, ex=DEDUPE_TTL_SECONDS))

    async def release(self, incoming: Incoming) -> None:
        """Forgets a claimed delivery that was not processed, so the platform's retry is taken."""
        if incoming.message_id is not None:
            await self._redis.delete(self._seen_key(incoming))

    async def handle(self, incoming: Incoming) -> list[BotMessage] | None:
        """Returns the bot's replies, or None for a duplicate delivery (nothing to send).

        Raises RasaUnavailable when Rasa cannot be reached; the delivery is released so that a
        platform retry is processed. Channels without retries answer `ASSISTANT_UNAVAILABLE`.
        """
        # The lock is taken before the first await, so a user's messages keep their arrival order.
        async with self._user_locks.hold(incoming.sender):
            if not await self.claim(incoming):
                log.info(
                    "duplicate delivery dropped channel=%s user=%s",
                    incoming.channel,
                    pseudonym(incoming.sender),
                )
                return None
            if len(incoming.text) > self._max_text_chars:
                limit = f"{self._max_text_chars:,}".replace(",", ".")
                return [BotMessage(text=TEXT_TOO_LONG.format(limit=limit))]
            try:
                return await self._post_to_rasa(incoming)
            except RasaUnavailable:
                await self.release(incoming)
                raise

    async def respond(self, incoming: Incoming, refusal: str | None = None) -> list[BotMessage] | None:
        """`handle` for channels that acknowledged the delivery already (no platform retry will
        come): Rasa being down is answered with `ASSISTANT_UNAVAILABLE`. A `refusal` (a refused
        file, an unsupported message) is the gateway's own answer, given once per delivery and
        never relayed to Rasa. None for a duplicate delivery."""
        if refusal is not None:
            return [BotMessage(text=refusal)] if await self.claim(incoming) else None
        try:
            return await self.handle(incoming)
        except RasaUnavailable:
            return [BotMessage(text=ASSISTANT_UNAVAILABLE)]

    async def _post_to_rasa(self, incoming: Incoming) -> list[BotMessage]:
        metadata = {**incoming.metadata, "channel": incoming.channel}
        replies = await self._rasa.send_message(incoming.sender, incoming.text, metadata)
        log.info(
            "turn done channel=%s user=%s replies=%d",
            incoming.channel,
            pseudonym(incoming.sender),
            len(replies),
        )
        return replies
