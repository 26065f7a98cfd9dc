"""What a citizen is sent when several pieces of news reach them together: a few messages, one question.

Each job's rendering (what the dialogue said about its event) is the news, the NEWS_TOLD marker, then
the question that followed it (common/messages.py). A burst is sent as
1. the news of every job in feed order, its plain texts joined into one message (news with buttons or
   an image stays a message of its own, as long as the burst stays within MAX_MESSAGES);
2. then the question once: the last new one a piece of news started (answering an agency, a rating),
   or, when the citizen is still writing a report, the draft's open step with the lead-in that names
   the draft ("Kita lanjutkan laporan jalan berlubang tadi: kapan kejadiannya?").
The open step asked again after each piece of news is left out, and a burst whose news says nothing
(the filing's own "submitted", or news that is not for this follower) sends nothing at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from common.messages import NEWS_TOLD, THEN_NEW, THEN_OPEN, BotMessage

MAX_MESSAGES = 3  # in one burst, whatever the number of events


@dataclass(frozen=True)
class Rendering:
    """One job's rendering, split at the marker."""

    news: list[BotMessage]
    then: str  # THEN_NEW, THEN_OPEN, or "" when unmarked (all of it is news)
    resume: str
    question: list[BotMessage]

    @classmethod
    def of(cls, messages: Sequence[BotMessage]) -> "Rendering":
        for at, message in enumerate(messages):
            marker = (message.custom or {}).get(NEWS_TOLD)
            if marker is not None:
                question = list(messages[at + 1 :])
                return cls(list(messages[:at]), marker.get("then", ""), marker.get("resume", ""), question)
        return cls(list(messages), "", "", [])


def _visible(message: BotMessage) -> bool:
    return bool(message.text or message.image)


def _plain(message: BotMessage) -> bool:
    return bool(message.text) and not (message.buttons or message.image or message.custom)


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text[:2].istitle() else text


def _resumed(lead_in: str, question: list[BotMessage]) -> list[BotMessage]:
    """The draft's question, named: the lead-in joins its first text."""
    first = next((i for i, m in enumerate(question) if m.text), None)
    if first is None:
        return question
    asked = question[first].text
    if lead_in.endswith(":") and ":" in asked.split("\n")[0]:
        # "… tadi: ceritakan apa yang terjadi: masalahnya …" reads badly: the lead-in is its own sentence.
        named = replace(question[first], text=f"{lead_in[:-1]}. {asked}")
    else:
        named = replace(question[first], text=f"{lead_in} {_lower_first(asked)}")
    return question[:first] + [named] + question[first + 1 :]


def _joined(messages: Iterable[BotMessage]) -> BotMessage:
    messages = list(messages)
    return BotMessage(
        text="\n\n".join(m.text for m in messages if m.text),
        buttons=tuple(b for m in messages for b in m.buttons),
    )


def _news(messages: list[BotMessage], room: int) -> list[BotMessage]:
    """Plain texts in a row become one message; all of it becomes one when that is still too many."""
    merged: list[BotMessage] = []
    for message in messages:
        if merged and _plain(message) and _plain(merged[-1]):
            merged[-1] = _joined([merged[-1], message])
        else:
            merged.append(message)
    if sum(map(_visible, merged)) > room:
        images = [m for m in merged if m.image]  # a picture cannot be folded into a text
        merged = [_joined(m for m in merged if not m.image)] + images[: max(0, room - 1)]
    return merged


def _question(renderings: list[Rendering]) -> list[BotMessage]:
    last = renderings[-1]
    if last.then == THEN_OPEN and last.resume:  # the burst leaves the citizen in their draft
        return _resumed(last.resume, last.question)
    started = [r.question for r in renderings if r.then == THEN_NEW and r.question]
    return started[-1] if started else []


def compose(renderings: Sequence[Sequence[BotMessage]]) -> list[BotMessage]:
    """What one citizen is sent for a burst of jobs, each rendered by the dialogue, in feed order."""
    split = [Rendering.of(r) for r in renderings]
    news = [m for r in split for m in r.news if _visible(m) or m.custom]
    if not any(map(_visible, news)):
        return []
    question = _question(split)
    return _news(news, room=max(1, MAX_MESSAGES - sum(map(_visible, question)))) + question
