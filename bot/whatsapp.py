"""The WhatsApp channel (Cloud API): the webhook in, and `WhatsAppSender` out.

Inbound: Meta verifies the webhook with a GET handshake, then POSTs deliveries signed with the app
secret. A delivery whose `X-Hub-Signature-256` does not match is rejected before anything is read
from it. Each message is answered 200 at once and processed in the background (Meta redelivers
slow webhooks), one user's messages in arrival order; duplicates are dropped by `bot.core`.
Media are fetched through the Graph API immediately, because their URLs expire.

Outbound: `WhatsAppSender` renders Rasa replies as WhatsApp messages (text, reply buttons, lists)
and sends them within the 24-hour customer-service window, which is tracked per user in Redis;
outside the window only an approved template may be sent (for the notifier).
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web

from bot.config import WhatsAppSettings
from bot.core import (
    Button,
    Conversations,
    Incoming,
    KeyedLock,
    Reply,
    UserUnreachable,
    split_text,
    typed_text,
    user_ref,
)
from bot.media_store import MediaRefused, MediaStore, StoredMedia
from bot.whatsapp_api import GraphClient, GraphError, signature_valid

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/whatsapp/webhook"
WINDOW_SECONDS = 24 * 3600
TEXT_LIMIT = 4096
BODY_LIMIT = 1024  # the text of an interactive message
REPLY_BUTTONS_MAX, REPLY_BUTTON_TITLE = 3, 20
LIST_ROWS_MAX, LIST_ROW_TITLE, LIST_ROW_DESCRIPTION = 10, 24, 72
# Graph error codes: outside the 24-hour window; recipient cannot receive messages.
WINDOW_CLOSED_CODES = frozenset({131047})
UNREACHABLE_CODES = frozenset({131026})

CHOOSE = "Silakan pilih:"
MORE_CHOICES = "Pilihan lainnya:"
LIST_BUTTON = "Lihat pilihan"
UNSUPPORTED = (
    "Maaf, jenis pesan ini belum bisa kami proses. Silakan kirim teks, lokasi, foto, "
    "dokumen PDF, atau video."
)
MEDIA_UNAVAILABLE = "Maaf, berkas Anda gagal kami unduh. Mohon kirim ulang."
_SILENT_TYPES = frozenset({"reaction", "system", "ephemeral"})
_MEDIA_TYPES = frozenset({"image", "document", "video"})


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

    @staticmethod
    def _key(wa_id: str) -> str:
        return f"gateway:whatsapp:window:{wa_id}"

    async def opened(self, wa_id: str, at: float) -> None:
        """The user wrote at `at` (Unix time): the window runs until 24 hours later."""
        current = await self._redis.get(self._key(wa_id))
        if at + WINDOW_SECONDS > time.time() and (current is None or float(current) < at):
            await self._redis.set(self._key(wa_id), str(at), exat=int(at + WINDOW_SECONDS))

    async def is_open(self, wa_id: str) -> bool:
        return bool(await self._redis.exists(self._key(wa_id)))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _interactive(body: str, buttons: Sequence[Button]) -> dict[str, Any]:
    """Reply buttons when they fit (≤ 3, short titles), else a list (≤ 10 rows)."""
    if len(buttons) <= REPLY_BUTTONS_MAX and all(len(b.title) <= REPLY_BUTTON_TITLE for b in buttons):
        action = {"buttons": [{"type": "reply", "reply": {"id": b.payload, "title": b.title}} for b in buttons]}
        return {"type": "interactive", "interactive": {"type": "button", "body": {"text": body}, "action": action}}
    rows = []
    for b in buttons:
        row = {"id": b.payload, "title": _clip(b.title, LIST_ROW_TITLE)}
        if len(b.title) > LIST_ROW_TITLE:
            row["description"] = _clip(b.title, LIST_ROW_DESCRIPTION)
        rows.append(row)
    action = {"button": LIST_BUTTON, "sections": [{"rows": rows}]}
    return {"type": "interactive", "interactive": {"type": "list", "body": {"text": body}, "action": action}}


def render(replies: Sequence[Reply]) -> list[dict[str, Any]]:
    """Rasa replies as WhatsApp message objects, within WhatsApp's limits.

    Text keeps Rasa's WhatsApp-style formatting (*tebal*); long text is split. Buttons become an
    interactive message whose body is the reply's text when it fits, else a short prompt.
    """
    messages: list[dict[str, Any]] = []
    for reply in replies:
        if reply.image:
            messages.append({"type": "image", "image": {"link": reply.image}})
        texts = split_text(reply.text, TEXT_LIMIT)
        body = CHOOSE
        if reply.buttons and texts and len(texts[-1]) <= BODY_LIMIT:
            body = texts.pop()
        messages += [{"type": "text", "text": {"body": t, "preview_url": False}} for t in texts]
        for start in range(0, len(reply.buttons), LIST_ROWS_MAX):
            messages.append(_interactive(body if start == 0 else MORE_CHOICES, reply.buttons[start : start + LIST_ROWS_MAX]))
    return messages


class WhatsAppSender:
    """Renders and sends replies to one WhatsApp user; reusable outside the webhook (notifier)."""

    def __init__(self, api: GraphClient, window: ServiceWindow) -> None:
        self.api = api
        self.window = window

    async def send(self, wa_id: str, replies: Sequence[Reply], *, template: Template | None = None) -> None:
        """Sends `replies` inside the user's window; outside it sends `template` instead.

        Raises WindowClosed when the window is closed and there is no template, UserUnreachable
        when WhatsApp cannot deliver to this user, GraphError for other failures.
        """
        if await self.window.is_open(wa_id):
            try:
                for message in render(replies):
                    await self._post(wa_id, message)
                return
            except WindowClosed:
                if template is None:
                    raise
        elif template is None:
            raise WindowClosed(user_ref(f"whatsapp:{wa_id}"))
        await self._post(wa_id, template.message())

    async def _post(self, wa_id: str, message: dict[str, Any]) -> None:
        try:
            await self.api.send_message(wa_id, message)
        except GraphError as exc:
            if exc.code in WINDOW_CLOSED_CODES:
                raise WindowClosed(user_ref(f"whatsapp:{wa_id}")) from exc
            if exc.code in UNREACHABLE_CODES:
                raise UserUnreachable(user_ref(f"whatsapp:{wa_id}")) from exc
            raise


class UnsupportedMessage(Exception):
    """A message type the assistant does not take (voice note, sticker, contact...)."""


class WhatsAppChannel:
    def __init__(
        self,
        settings: WhatsAppSettings,
        conversations: Conversations,
        store: MediaStore,
        redis: aioredis.Redis,
        http: aiohttp.ClientSession,
    ) -> None:
        self._settings = settings
        self._conversations = conversations
        self._store = store
        self.api = GraphClient(http, settings)
        self.window = ServiceWindow(redis)
        self.sender = WhatsAppSender(self.api, self.window)
        self._order = KeyedLock()
        self._tasks: set[asyncio.Task[None]] = set()

    async def verify(self, request: web.Request) -> web.Response:
        """Meta's subscription handshake: echo `hub.challenge` when the verify token matches."""
        query = request.query
        if query.get("hub.mode") == "subscribe" and query.get("hub.verify_token") == self._settings.verify_token:
            return web.Response(text=query.get("hub.challenge", ""))
        raise web.HTTPForbidden()

    async def receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not signature_valid(self._settings.app_secret, body, request.headers.get("X-Hub-Signature-256")):
            log.warning("WhatsApp delivery with a missing or wrong signature rejected")
            raise web.HTTPUnauthorized()
        try:
            delivery = json.loads(body)
        except ValueError:
            raise web.HTTPBadRequest()
        for message in self._messages(delivery):
            task = asyncio.create_task(self._process(message))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return web.Response(text="ok")

    async def close(self) -> None:
        """Lets messages in progress finish (their replies still go out)."""
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _messages(self, delivery: dict[str, Any]) -> list[dict[str, Any]]:
        """The citizens' messages of a delivery to our number; statuses are only logged."""
        messages = []
        for entry in delivery.get("entry") or ():
            for change in entry.get("changes") or ():
                value = change.get("value") or {}
                if change.get("field") != "messages":
                    continue
                if (value.get("metadata") or {}).get("phone_number_id") != self._settings.phone_number_id:
                    continue
                for message in value.get("messages") or ():
                    if message.get("type") in _SILENT_TYPES:
                        continue
                    if "from" in message and "id" in message:
                        messages.append(message)
                    else:  # e.g. a user known only by a business-scoped id; not supported yet
                        log.warning("WhatsApp message without a sender number skipped")
                for status in value.get("statuses") or ():
                    if status.get("status") == "failed":
                        codes = [e.get("code") for e in status.get("errors") or ()]
                        log.warning("WhatsApp message to %s failed: %s", user_ref(f"whatsapp:{status.get('recipient_id')}"), codes)
        return messages

    async def _process(self, message: dict[str, Any]) -> None:
        wa_id = str(message["from"])
        incoming = Incoming("whatsapp", wa_id, "", str(message["id"]))
        async with self._order.hold(wa_id):  # taken before any await: arrival order per user
            try:
                if await self._conversations.seen(incoming):
                    log.info("duplicate delivery dropped channel=whatsapp user=%s", user_ref(incoming.sender))
                    return
                await self.window.opened(wa_id, float(message.get("timestamp") or time.time()))
                await self._mark_read(incoming)
                replies = await self._turn(incoming, message)
                if replies:
                    await self.sender.send(wa_id, replies)
            except UserUnreachable:
                log.info("WhatsApp user %s cannot be reached; reply dropped", user_ref(incoming.sender))
            except Exception:
                log.exception("WhatsApp message from %s failed", user_ref(incoming.sender))

    async def _turn(self, incoming: Incoming, message: dict[str, Any]) -> list[Reply] | None:
        try:
            return await self._conversations.respond(await self._read(incoming, message))
        except MediaRefused as refused:
            return await self._conversations.respond(incoming, refused.reason)
        except UnsupportedMessage:
            return await self._conversations.respond(incoming, UNSUPPORTED)

    async def _read(self, incoming: Incoming, message: dict[str, Any]) -> Incoming:
        """What the citizen sent, as the gateway → Rasa contract wants it."""
        kind = message.get("type")
        if kind == "text":
            return replace(incoming, text=typed_text(message["text"]["body"]))
        if kind == "interactive":
            choice = message["interactive"].get("button_reply") or message["interactive"].get("list_reply") or {}
            return replace(incoming, text=str(choice.get("id", "")))
        if kind == "button":  # a template's quick-reply button
            return replace(incoming, text=str(message["button"].get("payload") or message["button"].get("text", "")))
        if kind == "location":
            where = message["location"]
            location = {"lat": float(where["latitude"]), "lon": float(where["longitude"])}
            return replace(incoming, text="/share_location", metadata={"location": location})
        if kind in _MEDIA_TYPES:
            stored = await self._fetch(message[kind])
            return replace(incoming, text="/share_evidence", metadata={"attachments": [stored.to_json()]})
        raise UnsupportedMessage(kind)

    async def _fetch(self, media: dict[str, Any]) -> StoredMedia:
        try:
            info = await self.api.media_info(str(media["id"]))
            self._store.check_size(info.file_size)
            data = await self.api.download(info.url, self._store.max_bytes)
        except (GraphError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.warning("WhatsApp media download failed: %s", type(exc).__name__)
            raise MediaRefused(MEDIA_UNAVAILABLE) from exc
        return await self._store.save(data, media.get("filename"))

    async def _mark_read(self, incoming: Incoming) -> None:
        try:
            await self.api.mark_read(str(incoming.message_id))
        except (GraphError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.info("WhatsApp mark-as-read failed for %s: %s", user_ref(incoming.sender), type(exc).__name__)
