"""Who a conversation is with: a channel and that channel's user id, written `"<channel>:<user id>"`.

That string is Rasa's sender id and the key of everything kept per citizen, so it is built and
parsed only here. Logs never show it: `pseudonym` gives a short stable stand-in (a WhatsApp user id
is a phone number).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

CHANNELS = ("telegram", "whatsapp", "console")


@dataclass(frozen=True)
class Sender:
    channel: str
    user_id: str

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}")
        if not self.user_id:
            raise ValueError("empty user id")

    @classmethod
    def parse(cls, sender_id: str) -> "Sender":
        channel, _, user_id = sender_id.partition(":")
        return cls(channel, user_id)

    def __str__(self) -> str:
        return f"{self.channel}:{self.user_id}"

    @property
    def pseudonym(self) -> str:
        return pseudonym(str(self))


def pseudonym(sender_id: str) -> str:
    """A short, stable stand-in for logs: never log a phone number or chat id itself."""
    return "u_" + hashlib.sha256(sender_id.encode()).hexdigest()[:10]
