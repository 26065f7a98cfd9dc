"""What every channel's outbound side is: the protocol the gateway and the notifier send through, and the
errors it raises in the same terms whatever the platform."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from common.messages import BotMessage


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


def asks_for_location(reply: BotMessage) -> bool:
    """An action's mark (`custom: {"request_location": true}`, docs/contracts.md) that its question asks for
    a place: the channels offer their one-tap "send my location" button with it."""
    return bool((reply.custom or {}).get("request_location"))


class UserUnreachable(Exception):
    """The platform refuses delivery to this user (blocked the bot, deleted the account...)."""


class DeliveryDeferred(Exception):
    """A notification to try again later; `retry_after` seconds when the platform said."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Outbound(Protocol):
    async def send(self, user_id: str, messages: Sequence[BotMessage]) -> None:
        """Answers a citizen who just wrote; raises UserUnreachable."""

    async def notify(self, user_id: str, messages: Sequence[BotMessage], tracking_id: str) -> None:
        """Tells a follower about their report, unprompted; raises UserUnreachable or DeliveryDeferred."""
