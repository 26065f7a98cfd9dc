"""WhatsApp's inbound side (Cloud API): the webhook, relayed to the gateway's conversations.

Meta verifies the webhook with a GET handshake, then POSTs deliveries signed with the app
secret. A delivery whose `X-Hub-Signature-256` does not match is rejected before anything is read
from it. Each message is answered 200 at once and processed in the background (Meta redelivers
slow webhooks), one user's messages in arrival order; duplicates are dropped by `bot.gateway.conversations`.
Media are fetched through the Graph API immediately, because their URLs expire. Replies go out
through `WhatsAppOutbound` (outbound.py).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from dataclasses import replace
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web

from bot.channels.base import UserUnreachable
from bot.channels.settings import WhatsAppSettings
from bot.channels.whatsapp.graph import GraphClient, GraphError, signature_valid
from bot.channels.whatsapp.outbound import ServiceWindow, WhatsAppOutbound
from bot.gateway.conversations import Conversations, Incoming, KeyedLock, typed_text
from bot.gateway.limits import load_json
from common.identity import pseudonym
from common.media import MediaRefused, MediaStore, StoredMedia
from common.messages import BotMessage

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/whatsapp/webhook"
UNSUPPORTED = (
    "Maaf, jenis pesan ini belum bisa kami proses. Silakan kirim teks, lokasi, foto, dokumen PDF, atau video."
)
MEDIA_UNAVAILABLE = "Maaf, berkas Anda gagal kami unduh. Mohon kirim ulang."
_SILENT_TYPES = frozenset({"reaction", "system", "ephemeral"})
_MEDIA_TYPES = frozenset({"image", "document", "video"})


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
        self.sender = WhatsAppOutbound(self.api, self.window)
        self._order = KeyedLock()
        self._tasks: set[asyncio.Task[None]] = set()

    async def verify(self, request: web.Request) -> web.Response:
        """Meta's subscription handshake: echo `hub.challenge` when the verify token matches."""
        query = request.query
        token = query.get("hub.verify_token", "").encode()
        if query.get("hub.mode") == "subscribe" and hmac.compare_digest(
            token, self._settings.verify_token.encode()
        ):
            return web.Response(text=query.get("hub.challenge", ""))
        raise web.HTTPForbidden()

    async def receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not signature_valid(self._settings.app_secret, body, request.headers.get("X-Hub-Signature-256")):
            log.warning("WhatsApp delivery with a missing or wrong signature rejected")
            raise web.HTTPUnauthorized()
        # Signed by Meta but unreadable: answered 200 all the same, since Meta retries anything else.
        try:
            messages = self._messages(load_json(body))
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            log.warning("WhatsApp delivery signed but malformed, dropped: %s", type(exc).__name__)
            return web.Response(text="ok")
        for message in messages:
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
                        log.warning(
                            "WhatsApp message to %s failed: %s",
                            pseudonym(f"whatsapp:{status.get('recipient_id')}"),
                            codes,
                        )
        return messages

    async def _process(self, message: dict[str, Any]) -> None:
        wa_id = str(message["from"])
        incoming = Incoming("whatsapp", wa_id, "", str(message["id"]))
        async with self._order.hold(wa_id):  # taken before any await: arrival order per user
            try:
                if await self._conversations.seen(incoming):
                    log.info(
                        "duplicate delivery dropped channel=whatsapp user=%s", pseudonym(incoming.sender)
                    )
                    return
                await self.window.opened(wa_id, float(message.get("timestamp") or time.time()))
                await self._mark_read(incoming)
                replies = await self._turn(incoming, message)
                if replies:
                    await self.sender.send(wa_id, replies)
            except UserUnreachable:
                log.info("WhatsApp user %s cannot be reached; reply dropped", pseudonym(incoming.sender))
            except Exception:
                log.exception("WhatsApp message from %s failed", pseudonym(incoming.sender))

    async def _turn(self, incoming: Incoming, message: dict[str, Any]) -> list[BotMessage] | None:
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
            choice = (
                message["interactive"].get("button_reply") or message["interactive"].get("list_reply") or {}
            )
            return replace(incoming, text=str(choice.get("id", "")))
        if kind == "button":  # a template's quick-reply button
            return replace(
                incoming, text=str(message["button"].get("payload") or message["button"].get("text", ""))
            )
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
            log.info(
                "WhatsApp mark-as-read failed for %s: %s", pseudonym(incoming.sender), type(exc).__name__
            )
