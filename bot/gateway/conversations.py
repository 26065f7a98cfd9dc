"""The one path from any chat channel to Rasa and back.

Every channel (console, Telegram, WhatsApp) turns what the platform delivered into an `Incoming`,
hands it to `Conversations.handle`, and renders the bot messages in its own way. This module owns
what must be the same everywhere: dropping duplicate deliveries, keeping one user's messages in
order, a per-citizen rate limit, refusing over-long text kindly, the gateway → Rasa contract
(docs/contracts.md), and a friendly answer when Rasa cannot be reached.

It is also the one trust boundary in front of Rasa, which reads any message starting with "/" as an
intent with entities (`/EXTERNAL_status_changed{...}`). Only these reach Rasa as such a payload: the
gateway's own (`/share_location`, `/share_evidence` with the metadata a channel built, and the chat
commands), and a button payload offered to that very citizen recently (`common.offers`). Everything
else is typed text: its leading slashes, and whatever whitespace, invisible or look-alike character
hides them, are stripped (`typed_text`). Metadata reaches Rasa only as this module rebuilds it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis

from bot.gateway.limits import WINDOW_LUA, RateLimit
from bot.rasa_client import RasaClient, RasaUnavailable
from common import activity, keys
from common.identity import Sender, pseudonym
from common.messages import BotMessage
from common.offers import REMEMBER_LUA, OfferedPayloads

log = logging.getLogger(__name__)

DEDUPE_TTL_SECONDS = 7 * 24 * 3600  # platforms redeliver for hours at most; a week is ample
# A delivery being answered is marked so, for this long at most: a gateway that crashed mid-turn
# leaves the mark behind, and the platform's redelivery is answered once it expires.
IN_PROGRESS = "in-progress"
DONE = "1"

TEXT_TOO_LONG = (
    "Maaf, pesan Anda terlalu panjang (maksimal {limit} karakter). "
    "Mohon dipersingkat atau kirim dalam beberapa pesan."
)
ASSISTANT_UNAVAILABLE = (
    "Maaf, asisten sedang mengalami gangguan. Pesan Anda belum terproses; "
    "mohon kirim ulang dalam beberapa menit."
)
SLOW_DOWN = (
    "Maaf, pesan Anda terlalu banyak dalam waktu singkat. Mohon tunggu sebentar (sekitar 1 menit), "
    "lalu kirim ulang pesan yang belum kami jawab."
)

# A turn's bookkeeping as one command before it and one after, since each round trip to Redis costs the
# gateway more CPU than the work in it. The rate window and the offers are their owners' Lua functions.
# KEYS: the delivery's mark, the conversation's silence (common.activity), the citizen's rate window and
# offers. ARGV: 1 whether there is a mark (a delivery id), 2-3 the mark and its lifetime (ms), 4 the silence
# (s), 5-8 `count_in_window`'s arguments, 9 the payload to look up ("" for typed text). Answers: claimed
# (0 when answered or being answered already), the silence's mark before (nil: a new conversation),
# allowed (1/0), when the payload was offered (nil: never).
_START_TURN = (
    WINDOW_LUA
    + """
local claimed = 1
if ARGV[1] == '1' and not redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[3]) then
    claimed = 0
end
local before = redis.call('SET', KEYS[2], '1', 'EX', ARGV[4], 'GET')
local allowed = count_in_window(KEYS[3], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8])
local offered_at = false
if ARGV[9] ~= '' then
    offered_at = redis.call('ZSCORE', KEYS[4], ARGV[9])
end
return {claimed, before, allowed, offered_at}
"""
)
# KEYS: the delivery's mark, the citizen's offers. ARGV: 1 whether there is a mark, 2-3 the mark and its
# lifetime (s), 4-6 `remember_offers`' arguments, then the replies' payloads after their scores.
_FINISH_TURN = (
    REMEMBER_LUA
    + """
if ARGV[1] == '1' then
    redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
end
remember_offers(KEYS[2], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), 7)
"""
)

SHARE_LOCATION = "/share_location"
SHARE_EVIDENCE = "/share_evidence"
# What the chat commands send (Telegram's /start, /help, /batal); harmless to accept from anyone.
COMMAND_PAYLOADS = frozenset({"/greet", "/help", "/cancel"})
# Characters drawn like a slash that NFKC leaves alone (Unicode's confusables for "/").
_SLASH_LOOKALIKES = frozenset(
    "\u1735\u2041\u2044\u2215\u2571\u27cb\u29f8\u2cc6\u2f03\u3033\u30ce\u31d3\u4e3f\u2afb\u2afd"
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


@dataclass(frozen=True)
class _TurnStart:
    """What the round trip before a turn found: whether the citizen is within the rate limit, and
    whether the message is a button payload offered to them."""

    allowed: bool
    offered: bool


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


# Bidirectional embeddings, overrides and isolates: "\u202eharap perbaiki jalan" shows reversed wherever
# the report is read (LAPOR's admins, the dashboard). Indonesian, and Arabic too, never need them.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def typed_text(text: str) -> str:
    """What a citizen typed, made safe to relay as text: without the leading run of slashes and of
    everything that could hide one (whitespace, invisible characters, stray combining marks,
    look-alikes such as "／" or "∕"), so that no reading of it starts with "/", and without the
    bidirectional controls that would show it in another order than it was written."""
    start = 0
    while start < len(text) and _hides_a_payload(text[start]):
        start += 1
    return text[start:].translate(BIDI_CONTROLS)


@functools.lru_cache(maxsize=4096)
def _hides_a_payload(char: str) -> bool:
    # Categories C (control, format such as zero-width, unassigned), Z (separators such as NBSP) and M
    # (combining marks, with nothing before them to combine with).
    return (
        char.isspace()
        or unicodedata.category(char)[0] in "CZM"
        or char in _SLASH_LOOKALIKES
        or unicodedata.normalize("NFKC", char).lstrip().startswith("/")
    )


def valid_location(location: Any) -> dict[str, float] | None:
    """`{"lat", "lon"}` as finite numbers in range, as floats; None for anything else."""
    if not isinstance(location, dict):
        return None
    lat, lon = location.get("lat"), location.get("lon")
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (lat, lon)):
        return None
    if math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180:
        return {"lat": float(lat), "lon": float(lon)}
    return None


class Conversations:
    """Relays citizens' messages to Rasa's REST channel, once each and in order per user."""

    def __init__(
        self,
        rasa: RasaClient,
        redis: aioredis.Redis,
        *,
        max_text_chars: int = 4096,
        messages_per_minute: int = 20,
        turn_seconds: float = 35.0,
    ) -> None:
        self._rasa = rasa
        self._turn_seconds = turn_seconds  # the longest a turn can take: Rasa's timeout and a margin
        self._in_progress_ms = int(turn_seconds * 1000)
        self._redis = redis
        self._max_text_chars = max_text_chars
        self._offers = OfferedPayloads(redis)
        self._rate = RateLimit(redis, "messages", messages_per_minute, 60)
        # Rasa's lock store orders turns across processes; this keeps one process from racing itself
        # (and from sending a user's second message before the first one's answer).
        self._user_locks = KeyedLock()

    @staticmethod
    def _seen_key(incoming: Incoming) -> str:
        return keys.delivery_seen(incoming.channel, str(incoming.message_id))

    async def seen(self, incoming: Incoming) -> bool:
        """True when the delivery was answered already; lets a channel skip a redelivery's side
        effects (downloads, read receipts) before `handle`, which claims it."""
        if incoming.message_id is None:
            return False
        return await self._redis.get(self._seen_key(incoming)) == DONE.encode()

    async def claim(self, incoming: Incoming) -> bool:
        """Takes the delivery as answered; False when it was already (a platform's redelivery)."""
        if incoming.message_id is None:
            return True
        return bool(await self._redis.set(self._seen_key(incoming), DONE, nx=True, ex=DEDUPE_TTL_SECONDS))

    async def _start_turn(self, incoming: Incoming) -> _TurnStart | None:
        """One command before the turn: marks the delivery as being answered, restarts the conversation's
        silence, counts the message against the citizen's rate and, for a payload, looks it up among those
        offered. None when the delivery was answered already."""
        conversation = pseudonym(incoming.sender)
        counted = self._rate.event(incoming.sender)
        claimed, silence_ended, allowed, offered_at = await self._redis.eval(
            _START_TURN,
            4,
            self._seen_key(incoming),
            keys.activity_active(conversation),
            counted.key,
            keys.offered_payloads(incoming.sender),
            int(incoming.message_id is not None),
            IN_PROGRESS,
            self._in_progress_ms,
            activity.CONVERSATION_IDLE_SECONDS,
            *counted.args,
            incoming.text if incoming.text.startswith("/") else "",
        )
        if not claimed and not await self._await_other_attempt(incoming):
            if allowed:
                await self._rate.refund(counted)  # a redelivery is no new message of the citizen's
            return None
        await activity.conversation_seen(self._redis, silence_ended, conversation, incoming.channel)
        return _TurnStart(allowed=bool(allowed), offered=self._offers.offered(offered_at))

    async def _await_other_attempt(self, incoming: Incoming) -> bool:
        """Waits while the delivery is being answered elsewhere (a retry racing the first attempt, or a
        crashed gateway's mark); True when it is this attempt's to answer after all."""
        key = self._seen_key(incoming)
        deadline = asyncio.get_running_loop().time() + self._turn_seconds
        while True:
            if await self._redis.get(key) == DONE.encode() or asyncio.get_running_loop().time() > deadline:
                return False
            await asyncio.sleep(0.25)
            if await self._redis.set(key, IN_PROGRESS, nx=True, px=self._in_progress_ms):
                return True

    async def _finish_turn(self, incoming: Incoming, replies: list[BotMessage]) -> None:
        """One command after the turn: the delivery is answered, and the replies' buttons offered."""
        await self._redis.eval(
            _FINISH_TURN,
            2,
            self._seen_key(incoming),
            keys.offered_payloads(incoming.sender),
            int(incoming.message_id is not None),
            DONE,
            DEDUPE_TTL_SECONDS,
            *self._offers.args(),
            *self._offers.scored(replies),
        )

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
            turn = await self._start_turn(incoming)
            if turn is None:
                log.info(
                    "duplicate delivery dropped channel=%s user=%s",
                    incoming.channel,
                    pseudonym(incoming.sender),
                )
                return None
            try:
                replies = await self._answer(incoming, turn)
            except RasaUnavailable:
                await self.release(incoming)
                raise
            await self._finish_turn(incoming, replies)
            return replies

    async def _answer(self, incoming: Incoming, turn: _TurnStart) -> list[BotMessage]:
        if not turn.allowed:
            log.info("rate limit hit channel=%s user=%s", incoming.channel, pseudonym(incoming.sender))
            # A flood gets one answer a minute, not one per message.
            return [BotMessage(text=SLOW_DOWN)] if await self._rate.first_refusal(incoming.sender) else []
        if len(incoming.text) > self._max_text_chars:
            limit = f"{self._max_text_chars:,}".replace(",", ".")
            return [BotMessage(text=TEXT_TOO_LONG.format(limit=limit))]
        return await self._post_to_rasa(incoming, turn)

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

    async def _post_to_rasa(self, incoming: Incoming, turn: _TurnStart) -> list[BotMessage]:
        text, metadata = self._as_rasa_reads_it(incoming, turn)
        replies = await self._rasa.send_message(
            incoming.sender, text, {**metadata, "channel": incoming.channel}
        )
        log.info(
            "turn done channel=%s user=%s replies=%d",
            incoming.channel,
            pseudonym(incoming.sender),
            len(replies),
        )
        return replies

    def _as_rasa_reads_it(self, incoming: Incoming, turn: _TurnStart) -> tuple[str, dict[str, Any]]:
        """The text and metadata to relay: a payload only where this gateway vouches for it."""
        text, metadata = incoming.text, incoming.metadata
        if text == SHARE_LOCATION and (location := valid_location(metadata.get("location"))):
            return text, {"location": location}
        if text == SHARE_EVIDENCE and metadata.get("attachments"):
            caption = metadata.get("caption")
            evidence = {"attachments": list(metadata["attachments"])}
            if isinstance(caption, str) and caption.strip():  # the words sent with the file
                evidence["caption"] = caption.strip()[: self._max_text_chars]
            return text, evidence
        if text in COMMAND_PAYLOADS or turn.offered:
            return text, {}
        return typed_text(text), {}
