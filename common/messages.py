"""A bot message as Rasa's REST channel returns it: what the gateway renders on a channel and what the
notifier delivers or leaves in a console inbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    text: str = ""
    buttons: tuple[Button, ...] = ()
    image: str | None = None
    custom: dict[str, Any] | None = None

    @classmethod
    def from_rasa(cls, message: dict[str, Any]) -> "BotMessage":
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


# Where a news action's own words end in the dialogue's answer to the notifier (actions/after_filing/news.py):
# a custom message {NEWS_TOLD: {"then": ..., "resume": ...}}. What follows it is a question: a new one
# (THEN_NEW: the form the news started) or the step that was open already, asked again (THEN_OPEN).
# "resume" is the lead-in that names the report being written, when that step is the draft's.
# The notifier keeps the marker out of what it sends (bot/notifier/burst.py).
NEWS_TOLD = "news_told"
THEN_NEW, THEN_OPEN = "new", "open"


def news_told(then: str, resume: str = "") -> dict[str, Any]:
    return {NEWS_TOLD: {"then": then, "resume": resume}}
