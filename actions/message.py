"""The citizen's latest message as a step of a conversation reads it: yes, no, skip, or words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rasa_sdk import Tracker

_SKIP_WORDS = {
    "lewati",
    "lewat",
    "skip",
    "tidak ada",
    "tdk ada",
    "gak ada",
    "ga ada",
    "nggak ada",
    "ngga ada",
    "enggak ada",
    "gaada",
    "gada",
    "kosong",
    "tidak usah",
    "ga usah",
    "gak usah",
    "gausah",
    "-",
    "nanti saja",
    "lewati saja",
    "skip aja",
    "lewati aja",
    "tidak",
    "gak",
    "ga",
    "nggak",
    "tdk",
}


_YES_WORDS = frozenset(
    "ya iya iyah y ok oke okey okay benar betul setuju baik boleh siap nggih inggih muhun".split()
)
_NO_WORDS = frozenset("tidak tdk gak ga nggak ngga enggak bukan salah no jangan".split())
# Honorifics and thanks that soften a yes or a no without changing it.
_COURTESIES = frozenset(
    "pak bu bapak ibu kak kakak mas mbak bang min admin dik dek".split()
    + "terima kasih makasih trims tq thanks deh aja saja sih kok lah dong ya".split()
)
_LATER = re.compile(r"\b(nanti|nnti|ntar|entar|ntr|besok|lain kali|kapan2|kapan kapan)\b")
_GO_ON = re.compile(r"\b(lanjut\w*|dilanjut\w*|sambung\w*|disambung\w*|terusin|diterusin)\b")
_LEAVING_MOST_WORDS = 7


@dataclass(frozen=True)
class CitizenMessage:
    """The citizen's latest message as a form step reads it."""

    intent: str
    text: str  # empty for button payloads such as "/affirm"

    @classmethod
    def of(cls, tracker: Tracker) -> "CitizenMessage":
        message = tracker.latest_message or {}
        text = (message.get("text") or "").strip()
        return cls((message.get("intent") or {}).get("name") or "", "" if text.startswith("/") else text)

    @property
    def plain(self) -> str:
        return re.sub(r"\s+", " ", re.sub(r"[^\w\s-]", " ", self.text.lower())).strip()

    def yes(self) -> bool:
        return self.intent == "affirm" or self._only(_YES_WORDS)

    def no(self) -> bool:
        return self.intent == "deny" or self._only(_NO_WORDS)

    def _only(self, answers: frozenset[str]) -> bool:
        """The message is one of `answers`, maybe with courtesies around it: "tidak pak, terima kasih"
        (which the NLU may take for a thank-you)."""
        words = self.plain.split()
        softened = answers | _COURTESIES
        return bool(words) and words[0] in answers and all(w in softened for w in words)

    def skip(self) -> bool:
        return self.plain in _SKIP_WORDS or self.plain.startswith(("lewat", "skip")) or self.intent == "deny"

    def leaves_for_now(self) -> bool:
        """ "ok nanti sy lanjut ya", "besok sy sambung lagi": the citizen stops for now, meaning to come back.
        Read from the words, since a soft "ok ... ya" can make the NLU hear a yes."""
        words = self.plain.split()
        return (
            len(words) <= _LEAVING_MOST_WORDS
            and _LATER.search(self.plain) is not None
            and _GO_ON.search(self.plain) is not None
        )

    def has(self, *words: str) -> bool:
        return any(re.search(rf"\b{w}", self.plain) for w in words)


def from_notifier(tracker: Tracker) -> bool:
    """True when the latest message is an intent the notifier triggered through Rasa's API, which Rasa
    marks external; every chat message carries the gateway's `channel` instead. Only such a message may
    carry a LAPOR event (an EXTERNAL_ intent typed into a chat is never one)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return metadata.get("is_external") is True and "channel" not in metadata
