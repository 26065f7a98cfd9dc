"""WhatsApp's outbound side (Cloud API): bot messages rendered as WhatsApp messages (text, reply buttons,
lists, a one-tap location request) and sent within the 24-hour customer-service window, tracked per user
in Redis; outside it only an approved template may be sent (news from the notifier). A user known by a
BSUID is written to by it (`recipient`), or by their number where Meta refuses the BSUID (131062)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import redis.asyncio as aioredis

from bot.channels.base import DeliveryDeferred, UserUnreachable, asks_for_location, split_text
from bot.channels.whatsapp.graph import GraphClient, GraphError
from bot.channels.whatsapp.identity import WhatsAppIdentities
from common import keys
from common.identity import pseudonym
from common.messages import BotMessage, Button

WINDOW_SECONDS = 24 * 3600
TEXT_LIMIT = 4096
BODY_LIMIT = 1024  # the text of an interactive message
REPLY_BUTTONS_MAX, REPLY_BUTTON_TITLE = 3, 20
LIST_ROWS_MAX, LIST_ROW_TITLE, LIST_ROW_DESCRIPTION = 10, 24, 72
# Graph error codes: outside the 24-hour window; recipient cannot receive messages.
WINDOW_CLOSED_CODES = frozenset({131047})
UNREACHABLE_CODES = frozenset({131026})
BSUID_REFUSED_CODES = frozenset({131062})  # "Business-scoped User ID recipients are not supported"
# A notification sent inside the window is kept this long, to be sent again as the template when Meta
# reports later that it failed because the window had closed.
NOTICE_SECONDS = 3 * 24 * 3600
# No template configured: wait for the citizen to write again (it reopens the window).
WINDOW_CLOSED_RETRY_SECONDS = 3600
# Outside the window news goes as one template per report it names, at most a burst's messages
# (bot/notifier/burst.py MAX_MESSAGES); the last template names the reports beyond.
TEMPLATES_MAX = 3
HEADLINE_LIMIT = 200
REPORT_NUMBER = re.compile(r"#(\d{5,10})(?!\d)")  # a LAPOR tracking number (nlu_data/regex.yml)

CHOOSE = "Silakan pilih:"
MORE_CHOICES = "Pilihan lainnya:"
LIST_BUTTON = "Lihat pilihan"
SEND_LOCATION = "📍 Ketuk tombol di bawah untuk mengirim lokasi Anda saat ini."
MORE_REPORTS = "Ada kabar baru untuk {count} laporan Anda."


class WindowClosed(Exception):
    """More than 24 hours since the user's last message: only a template may be sent."""


@dataclass(frozen=True)
class Template:
    """An approved message template, the only thing WhatsApp delivers outside the window."""

    name: str
    language: str = "id"
    parameters: tuple[str, ...] = ()

    def message(self) -> dict[str, Any]:
        template: dict[str, Any] = {"name": self.name, "language": {"code": self.language}}
        if self.parameters:
            params = [{"type": "text", "text": p} for p in self.parameters]
            template["components"] = [{"type": "body", "parameters": params}]
        return {"type": "template", "template": template}


class ServiceWindow:
    """The 24-hour customer-service window of each user, kept in Redis (shared by all gateways)."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis

    @property
    def redis(self) -> aioredis.Redis:
        return self._redis

    @staticmethod
    def _key(wa_id: str) -> str:
        return keys.whatsapp_window(wa_id)

    async def opened(self, wa_id: str, at: float) -> None:
        """The user wrote at `at` (Unix time): the window runs until 24 hours later."""
        current = await self._redis.get(self._key(wa_id))
        if at + WINDOW_SECONDS > time.time() and (current is None or float(current) < at):
            await self._redis.set(self._key(wa_id), str(at), exat=int(at + WINDOW_SECONDS))

    @staticmethod
    def is_stale(at: float) -> bool:
        """A message written more than 24 hours ago (Meta redelivers for days after an outage)."""
        return at + WINDOW_SECONDS <= time.time()

    async def is_open(self, wa_id: str) -> bool:
        return bool(await self._redis.exists(self._key(wa_id)))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _interactive(body: str, buttons: Sequence[Button]) -> dict[str, Any]:
    """Reply buttons when they fit (≤ 3, short titles), else a list (≤ 10 rows)."""
    if len(buttons) <= REPLY_BUTTONS_MAX and all(len(b.title) <= REPLY_BUTTON_TITLE for b in buttons):
        action = {
            "buttons": [{"type": "reply", "reply": {"id": b.payload, "title": b.title}} for b in buttons]
        }
        return {
            "type": "interactive",
            "interactive": {"type": "button", "body": {"text": body}, "action": action},
        }
    rows = []
    for b in buttons:
        row = {"id": b.payload, "title": _clip(b.title, LIST_ROW_TITLE)}
        if len(b.title) > LIST_ROW_TITLE:
            row["description"] = _clip(b.title, LIST_ROW_DESCRIPTION)
        rows.append(row)
    action = {"button": LIST_BUTTON, "sections": [{"rows": rows}]}
    return {"type": "interactive", "interactive": {"type": "list", "body": {"text": body}, "action": action}}


def _location_request(body: str) -> dict[str, Any]:
    """WhatsApp's one-tap "Send location" button."""
    interactive = {
        "type": "location_request_message",
        "body": {"text": body},
        "action": {"name": "send_location"},
    }
    return {"type": "interactive", "interactive": interactive}


def headlines(tracking_id: str, messages: Sequence[BotMessage]) -> dict[str, str]:
    """Each report the news names ("Laporan #1916449 …"), in order, with the first line naming it;
    `tracking_id` (the burst's first report) comes first, with the news' first line if none names it."""
    lines = [line.strip() for m in messages for line in m.text.splitlines() if line.strip()]
    own = [line for line in lines if not line.startswith('"')]  # not an agency's words quoted
    named: dict[str, str] = {tracking_id: next((x for x in own if f"#{tracking_id}" in x), "")}
    for line in own:
        for number in REPORT_NUMBER.findall(line):
            named.setdefault(number, line)
    if not named[tracking_id]:
        named[tracking_id] = lines[0] if lines else ""
    return named


def render(replies: Sequence[BotMessage]) -> list[dict[str, Any]]:
    """Rasa replies as WhatsApp message objects, within WhatsApp's limits.

    Text keeps Rasa's WhatsApp-style formatting (*tebal*); long text is split. Buttons become an
    interactive message whose body is the reply's text when it fits, else a short prompt. A reply
    marked `request_location` becomes the one-tap location request, its text as the body.
    """
    messages: list[dict[str, Any]] = []
    for reply in replies:
        if asks_for_location(reply) and not reply.buttons and len(reply.text.strip()) <= BODY_LIMIT:
            messages.append(_location_request(reply.text.strip() or SEND_LOCATION))
            continue
        if reply.image:
            messages.append({"type": "image", "image": {"link": reply.image}})
        texts = split_text(reply.text, TEXT_LIMIT)
        body = CHOOSE
        if reply.buttons and texts and len(texts[-1]) <= BODY_LIMIT:
            body = texts.pop()
        messages += [{"type": "text", "text": {"body": t, "preview_url": False}} for t in texts]
        for start in range(0, len(reply.buttons), LIST_ROWS_MAX):
            messages.append(
                _interactive(
                    body if start == 0 else MORE_CHOICES, reply.buttons[start : start + LIST_ROWS_MAX]
                )
            )
        if asks_for_location(reply):
            messages.append(_location_request(SEND_LOCATION))
    return messages


class WhatsAppOutbound:
    """Renders and sends replies to WhatsApp users; news outside the window goes as `template_name`."""

    def __init__(self, api: GraphClient, window: ServiceWindow, template_name: str = "") -> None:
        self.api = api
        self.window = window
        self.identities = WhatsAppIdentities(window.redis)
        self._template_name = template_name

    async def notify(self, user_id: str, messages: Sequence[BotMessage], tracking_id: str) -> None:
        templates = self._templates(tracking_id, messages)
        try:
            wamid = await self.send(user_id, messages, templates=templates)
        except WindowClosed as exc:
            raise DeliveryDeferred("WhatsApp window closed", WINDOW_CLOSED_RETRY_SECONDS) from exc
        except (GraphError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise DeliveryDeferred(type(exc).__name__) from exc
        if wamid and templates:
            notice = json.dumps({"user_id": user_id, "templates": [t.message() for t in templates]})
            await self.window.redis.set(keys.whatsapp_notice(wamid), notice, ex=NOTICE_SECONDS)

    async def resend_as_template(self, wamid: str) -> bool:
        """Sends a notification that Meta reports undelivered (window closed) again as its template;
        False when `wamid` was no such notification (or it was sent again already)."""
        notice = await self.window.redis.getdel(keys.whatsapp_notice(wamid))
        if notice is None:
            return False
        kept = json.loads(notice)
        # A notice stored before one template per report (kept NOTICE_SECONDS) holds a single "template".
        for template in kept.get("templates") or [kept["template"]]:
            await self._post(kept["user_id"], template)
        return True

    def _templates(self, tracking_id: str, messages: Sequence[BotMessage]) -> list[Template]:
        """The news as approved templates, one per report it names (its number and first line), so a
        citizen outside the window hears of every report in a burst; beyond TEMPLATES_MAX, the last
        names all the remaining reports at once."""
        if not self._template_name:
            return []
        named = list(headlines(tracking_id, messages).items())
        if len(named) > TEMPLATES_MAX:
            rest = named[TEMPLATES_MAX - 1 :]
            rest_line = MORE_REPORTS.format(count=len(rest))
            named = named[: TEMPLATES_MAX - 1] + [(", ".join(number for number, _ in rest), rest_line)]
        return [
            Template(self._template_name, parameters=(number, line[:HEADLINE_LIMIT] or "-"))
            for number, line in named
        ]

    async def send(
        self, wa_id: str, replies: Sequence[BotMessage], *, templates: Sequence[Template] = ()
    ) -> str | None:
        """Sends `replies` inside the user's window and returns the first one's wamid; outside it sends
        `templates` instead (and returns None).

        Raises WindowClosed when the window is closed and there is no template, UserUnreachable
        when WhatsApp cannot deliver to this user, GraphError for other failures.
        """
        if await self.window.is_open(wa_id):
            try:
                wamids = [await self._post(wa_id, message) for message in render(replies)]
                return wamids[0] if wamids else None
            except WindowClosed:
                if not templates:
                    raise
        elif not templates:
            raise WindowClosed(pseudonym(f"whatsapp:{wa_id}"))
        for template in templates:
            await self._post(wa_id, template.message())
        return None

    async def _post(self, wa_id: str, message: dict[str, Any]) -> str:
        try:
            try:
                return await self.api.send_message(wa_id, message)
            except GraphError as exc:
                phone = await self.identities.phone_of(wa_id) if exc.code in BSUID_REFUSED_CODES else None
                if not phone:
                    raise
                return await self.api.send_message(phone, message)
        except GraphError as exc:
            if exc.code in WINDOW_CLOSED_CODES:
                raise WindowClosed(pseudonym(f"whatsapp:{wa_id}")) from exc
            if exc.code in UNREACHABLE_CODES:
                raise UserUnreachable(pseudonym(f"whatsapp:{wa_id}")) from exc
            raise
