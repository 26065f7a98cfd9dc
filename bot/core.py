"""The one path from any chat channel to Rasa and back.

Every channel (console, Telegram, WhatsApp) turns what the platform delivered into an `Incoming`,
hands it to `Conversations.handle`, and renders the `Reply` list in its own way. This module owns
what must be the same everywhere: dropping duplicate deliveries, keeping one user's messages in
order, refusing over-long text kindly, the gateway → Rasa contract of DESIGN.md, and a friendly
answer when Rasa cannot be reached.
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import redis.asyncio as aioredis

log = logging.getLogger(__name__)

CHANNELS = ("telegram", "whatsapp", "console")
DEDUPE_TTL_SECONDS = 7 * 24 * 3600  # platforms redeliver for hours at most; a week is ample

TEXT_TOO_LONG = (
    "Maaf, pesan Anda terlalu panjang (maksimal {limit} karakter). "
    "Mohon dipersingkat atau kirim dalam beberapa pesan."
)
ASSISTANT_UNAVAILABLE = (
    "Maaf, asisten sedang mengalami gangguan. Pesan Anda belum terproses; "
    "mohon kirim ulang dalam beberapa menit."
)


def user_ref(sender: str) -> str:
    """A short, stable pseudonym for logs: never log a phone number or chat id itself."""
    return "u_" + hashlib.sha256(sender.encode()).hexdigest()[:10]


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    """One bot message as Rasa's REST channel returns it."""

    text: str = ""
    buttons: tuple[Button, ...] = ()
    image: str | None = None
    custom: dict[str, Any] | None = None

    @classmethod
    def from_rasa(cls, message: dict[str, Any]) -> "Reply":
        return cls(
            text=message.get("text") or "",
            buttons=tuple(
                Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
                for b in message.get("buttons") or ()
            ),
            image=message.get("image"),
            custom=message.get("custom"),
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text}
        if self.buttons:
            out["buttons"] = [{"title": b.title, "payload": b.payload} for b in self.buttons]
        if self.image:
            out["image"] = self.image
        if self.custom:
            out["custom"] = self.custom
        return out


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
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}")

    @property
    def sender(self) -> str:
        return f"{self.channel}:{self.user_id}"


class RasaUnavailable(Exception):
    """Rasa did not answer; the message was not processed."""


class UserUnreachable(Exception):
    """The platform refuses delivery to this user (blocked the bot, deleted the account...)."""


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


def _utf16_fit(text: str, limit: int) -> int:
    """How many leading characters of `text` fit in `limit` UTF-16 code units."""
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return i
    return len(text)


def split_text(text: str, limit: int) -> list[str]:
    """Splits a long reply into messages of at most `limit` UTF-16 code units (how Telegram and
    WhatsApp count), preferring paragraph, line and word boundaries."""
    chunks = []
    rest = text.strip()
    while _utf16_fit(rest, limit) < len(rest):
        cut = _utf16_fit(rest, limit)
        for sep in ("\n\n", "\n", " "):
            at = rest.rfind(sep, 0, cut + 1)
            if at > cut // 2:
                cut = at
                break
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


class Conversations:
    """Relays citizens' messages to Rasa's REST channel, once each and in order per user."""

    def __init__(
        self,
        rasa_url: str,
        redis: aioredis.Redis,
        http: aiohttp.ClientSession,
        *,
        max_text_chars: int = 4000,
        rasa_timeout: float = 30.0,
    ) -> None:
        self._webhook = rasa_url.rstrip("/") + "/webhooks/rest/webhook"
        self._redis = redis
        self._http = http
        self._max_text_chars = max_text_chars
        self._timeout = aiohttp.ClientTimeout(total=rasa_timeout)
        # Rasa's lock store orders turns across processes; this keeps one process from racing itself
        # (and from sending a user's second message before the first one's answer).
        self._user_locks = KeyedLock()

    @staticmethod
    def _seen_key(incoming: Incoming) -> str:
        return f"gateway:seen:{incoming.channel}:{incoming.message_id}"

    async def seen(self, incoming: Incoming) -> bool:
        """True when the delivery was claimed already; lets a channel skip a redelivery's side
        effects (downloads, read receipts) before `handle`, which claims it."""
        return incoming.message_id is not None and bool(await self._redis.exists(self._seen_key(incoming)))

    async def is_duplicate(self, incoming: Incoming) -> bool:
        """Claims the delivery; True when it was already claimed (a platform's redelivery)."""
        if incoming.message_id is None:
            return False
        claimed = await self._redis.set(self._seen_key(incoming), "1", nx=True, ex=DEDUPE_TTL_SECONDS)
        return not claimed

    async def release(self, incoming: Incoming) -> None:
        """Forgets a claimed delivery that was not processed, so the platform's retry is taken."""
        if incoming.message_id is not None:
            await self._redis.delete(self._seen_key(incoming))

    async def handle(self, incoming: Incoming) -> list[Reply] | None:
        """Returns the bot's replies, or None for a duplicate delivery (nothing to send).

        Raises RasaUnavailable when Rasa cannot be reached; the delivery is released so that a
        platform retry is processed. Channels without retries answer `ASSISTANT_UNAVAILABLE`.
        """
        # The lock is taken before the first await, so a user's messages keep their arrival order.
        async with self._user_locks.hold(incoming.sender):
            if await self.is_duplicate(incoming):
                log.info("duplicate delivery dropped channel=%s user=%s", incoming.channel, user_ref(incoming.sender))
                return None
            if len(incoming.text) > self._max_text_chars:
                limit = f"{self._max_text_chars:,}".replace(",", ".")
                return [Reply(text=TEXT_TOO_LONG.format(limit=limit))]
            try:
                return await self._post_to_rasa(incoming)
            except RasaUnavailable:
                await self.release(incoming)
                raise

    async def respond(self, incoming: Incoming, refusal: str | None = None) -> list[Reply] | None:
        """`handle` for channels that acknowledged the delivery already (no platform retry will
        come): Rasa being down is answered with `ASSISTANT_UNAVAILABLE`. A `refusal` (a refused
        file, an unsupported message) is the gateway's own answer, given once per delivery and
        never relayed to Rasa. None for a duplicate delivery."""
        if refusal is not None:
            return None if await self.is_duplicate(incoming) else [Reply(text=refusal)]
        try:
            return await self.handle(incoming)
        except RasaUnavailable:
            return [Reply(text=ASSISTANT_UNAVAILABLE)]

    async def _post_to_rasa(self, incoming: Incoming) -> list[Reply]:
        body = {
            "sender": incoming.sender,
            "message": incoming.text,
            "metadata": {**incoming.metadata, "channel": incoming.channel},
        }
        try:
            async with self._http.post(self._webhook, json=body, timeout=self._timeout) as resp:
                if resp.status != 200:
                    raise RasaUnavailable(f"Rasa answered HTTP {resp.status}")
                messages = await resp.json()
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        log.info("turn done channel=%s user=%s replies=%d", incoming.channel, user_ref(incoming.sender), len(messages))
        return [Reply.from_rasa(m) for m in messages]
