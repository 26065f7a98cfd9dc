"""WhatsApp's inbound side (Cloud API): the webhook, relayed to the gateway's conversations.

Meta verifies the webhook with a GET handshake, then POSTs deliveries signed with the app
secret. A delivery whose `X-Hub-Signature-256` does not match is rejected before anything is read
from it. Each message is answered 200 at once and processed in the background (Meta redelivers
slow webhooks), one user's messages in arrival order; duplicates are dropped by `bot.gateway.conversations`.
Media are fetched through the Graph API immediately, because their URLs expire. Replies go out
through `WhatsAppOutbound` (outbound.py).

The sender is the business-scoped user id when Meta gives one, the phone number only as its alias
(identity.py). Every message kind is handled on purpose (docs/channels.md):
- relayed: text, reply buttons and list rows, template buttons, locations, photos, videos, documents,
  voice notes and audio (with their caption as `metadata.caption`); an *edited* message is relayed as the
  citizen's new message (its corrected text is what they mean now); a first "request_welcome" greets;
- answered kindly, never relayed: a *deleted* message (it was taken already: how to change or cancel it),
  Flow replies and call permission replies (the assistant sends neither), an interactive reply that
  arrived without its content (Meta's error 131000), stickers, contacts, orders and unknown kinds;
- ignored quietly: reactions, system notices, group messages (as on Telegram), and deliveries older
  than 24 hours, which can no longer be answered (counted under "stale" for the operator).
Delivery statuses: a `failed` notification is sent again as the template (131047, window closed), or
its recipient stops following reports (131026, undeliverable); every failure code is counted in Redis.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Coroutine, Iterator
from dataclasses import replace
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web

from bot.channels.base import UserUnreachable
from bot.channels.settings import WhatsAppSettings
from bot.channels.whatsapp.graph import GraphClient, GraphError, signature_valid
from bot.channels.whatsapp.outbound import (
    UNREACHABLE_CODES,
    WINDOW_CLOSED_CODES,
    ServiceWindow,
    WhatsAppOutbound,
    WindowClosed,
)
from bot.gateway.conversations import Conversations, Incoming, KeyedLock, typed_text
from bot.gateway.limits import load_json
from common import keys
from common.identity import Sender, pseudonym
from common.media import MediaRefused, MediaStore, StoredMedia
from common.messages import BotMessage
from common.reports import ReportsStore

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/whatsapp/webhook"
UNSUPPORTED = (
    "Maaf, jenis pesan ini belum bisa kami proses. Silakan kirim teks, lokasi, foto, video, pesan suara, "
    "atau dokumen."
)
MEDIA_UNAVAILABLE = "Maaf, berkas Anda gagal kami unduh. Mohon kirim ulang."
INCOMPLETE = "Maaf, pesan Anda tidak sampai dengan utuh. Mohon ketik jawaban Anda atau kirim ulang."
DELETED = (
    "Pesan yang Anda hapus sudah terlanjur kami terima. Jika isinya keliru, Anda dapat mengubahnya di "
    "ringkasan sebelum laporan dikirim, atau ketik *batal*."
)
FLOW_NOT_EXPECTED = "Maaf, formulir ini tidak dapat kami proses. Silakan ketik pesan Anda di sini."
CALLS_NOT_OFFERED = (
    "Terima kasih. Asisten ini melayani lewat pesan tertulis; silakan ketik pesan Anda di sini."
)
GREETING = "/greet"
_SILENT_TYPES = frozenset({"reaction", "system", "ephemeral"})
_MEDIA_TYPES = frozenset({"image", "document", "video", "audio"})
_CHOICES = ("button_reply", "list_reply")
STALE = "stale"  # the failure count of deliveries too old to answer


class Unrelayed(Exception):
    """A message the assistant answers itself instead of relaying it (`answer`, for the citizen)."""

    def __init__(self, answer: str) -> None:
        super().__init__(answer)
        self.answer = answer


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    """The objects of a list in a delivery, skipping (and logging) anything malformed: Meta signed it, so
    it is answered 200 all the same, and a retry would bring the same."""
    if value is None:
        return
    if not isinstance(value, list):
        log.warning("WhatsApp delivery signed but malformed: %s where a list belongs", type(value).__name__)
        return
    for item in value:
        if isinstance(item, dict):
            yield item
        else:
            log.warning(
                "WhatsApp delivery signed but malformed: %s where an object belongs", type(item).__name__
            )


def _caption(media: dict[str, Any]) -> dict[str, str]:
    caption = str(media.get("caption") or "").strip()
    return {"caption": caption} if caption else {}


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
        self._redis = redis
        self.api = GraphClient(http, settings)
        self.window = ServiceWindow(redis)
        self.sender = WhatsAppOutbound(self.api, self.window)
        self.identities = self.sender.identities
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
            jobs = list(self._jobs(load_json(body)))
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            log.warning("WhatsApp delivery signed but malformed, dropped: %s", type(exc).__name__)
            return web.Response(text="ok")
        for job in jobs:
            task = asyncio.create_task(job)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return web.Response(text="ok")

    async def close(self) -> None:
        """Lets messages in progress finish (their replies still go out)."""
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _jobs(self, delivery: Any) -> Iterator[Coroutine[Any, Any, None]]:
        """The work a delivery to our number brings: each citizen's message, each delivery status."""
        for entry in _dicts(delivery.get("entry") if isinstance(delivery, dict) else [delivery]):
            for change in _dicts(entry.get("changes")):
                value = change.get("value")
                if change.get("field") != "messages" or not isinstance(value, dict):
                    continue
                if (value.get("metadata") or {}).get("phone_number_id") != self._settings.phone_number_id:
                    continue
                contacts = list(_dicts(value.get("contacts")))
                for message in _dicts(value.get("messages")):
                    if message.get("type") in _SILENT_TYPES or "id" not in message:
                        continue
                    if message.get("group_id"):
                        log.info("WhatsApp group message ignored (the assistant serves private chats)")
                        continue
                    yield self._process(message, contacts)
                for status in _dicts(value.get("statuses")):
                    if status.get("status") == "failed":
                        yield self._failed(status)

    @staticmethod
    def _ids_of(message: dict[str, Any], contacts: list[dict[str, Any]]) -> tuple[str | None, str | None]:
        """The sender's business-scoped user id and phone number, each when the delivery has it."""
        phone = str(message.get("from") or "") or None
        contact = next((c for c in contacts if phone and c.get("wa_id") == phone), None)
        if contact is None and len(contacts) == 1:
            contact = contacts[0]
        bsuid = message.get("from_user_id") or (contact or {}).get("user_id")
        return (str(bsuid) if bsuid else None), phone or (contact or {}).get("wa_id")

    async def _process(self, message: dict[str, Any], contacts: list[dict[str, Any]]) -> None:
        bsuid, phone = self._ids_of(message, contacts)
        if not (bsuid or phone):
            log.warning("WhatsApp message without any sender id skipped")
            return
        async with self._order.hold(bsuid or phone):  # taken before any await: arrival order per user
            try:
                user_id = await self.identities.resolve(bsuid, phone)
                incoming = Incoming("whatsapp", user_id, "", str(message["id"]))
                await self._answer(incoming, message)
            except Exception:
                log.exception("WhatsApp message from %s failed", pseudonym(f"whatsapp:{bsuid or phone}"))

    async def _answer(self, incoming: Incoming, message: dict[str, Any]) -> None:
        if await self._conversations.seen(incoming):
            log.info("duplicate delivery dropped channel=whatsapp user=%s", pseudonym(incoming.sender))
            return
        written_at = float(message.get("timestamp") or time.time())
        if self.window.is_stale(written_at):
            await self._conversations.claim(incoming)
            await self._redis.hincrby(keys.WHATSAPP_FAILED, STALE, 1)
            log.warning(
                "WhatsApp message from %s skipped: older than 24 hours, the window is closed",
                pseudonym(incoming.sender),
            )
            return
        await self.window.opened(incoming.user_id, written_at)
        await self._mark_read(incoming)
        replies = await self._turn(incoming, message)
        try:
            if replies:
                await self.sender.send(incoming.user_id, replies)
        except UserUnreachable:
            log.info("WhatsApp user %s cannot be reached; reply dropped", pseudonym(incoming.sender))
        except WindowClosed:
            log.warning(
                "WhatsApp reply to %s dropped: Meta says the window is closed", pseudonym(incoming.sender)
            )

    async def _turn(self, incoming: Incoming, message: dict[str, Any]) -> list[BotMessage] | None:
        try:
            return await self._conversations.respond(await self._read(incoming, message))
        except MediaRefused as refused:
            return await self._conversations.respond(incoming, refused.reason)
        except Unrelayed as unrelayed:
            return await self._conversations.respond(incoming, unrelayed.answer)

    async def _read(self, incoming: Incoming, message: dict[str, Any]) -> Incoming:
        """What the citizen sent, as the gateway → Rasa contract wants it; Unrelayed for what the
        gateway answers itself."""
        kind = message.get("type")
        content = message.get(kind) if isinstance(kind, str) else None
        if not isinstance(content, dict):
            if kind == "request_welcome":
                return replace(incoming, text=GREETING)
            raise Unrelayed(INCOMPLETE if kind in ("interactive", "edit", "text") else UNSUPPORTED)
        if kind == "text":
            return replace(incoming, text=typed_text(str(content.get("body") or "")))
        if kind == "interactive":
            return replace(incoming, text=self._interactive_reply(content))
        if kind == "button":  # a template's quick-reply button
            return replace(incoming, text=str(content.get("payload") or content.get("text") or ""))
        if kind == "location":
            try:
                location = {"lat": float(content["latitude"]), "lon": float(content["longitude"])}
            except (KeyError, TypeError, ValueError):
                raise Unrelayed(INCOMPLETE) from None
            return replace(incoming, text="/share_location", metadata={"location": location})
        if kind in _MEDIA_TYPES:
            stored = await self._fetch(content)
            metadata = {"attachments": [stored.to_json()], **_caption(content)}
            return replace(incoming, text="/share_evidence", metadata=metadata)
        if kind == "edit" and isinstance(content.get("message"), dict):
            return await self._read(incoming, content["message"])
        if kind == "revoke":
            raise Unrelayed(DELETED)
        raise Unrelayed(UNSUPPORTED)

    @staticmethod
    def _interactive_reply(content: dict[str, Any]) -> str:
        """The payload of a tapped button or list row; the replies we never ask for are answered."""
        part = content.get("type")
        if part in _CHOICES and isinstance(content.get(part), dict) and content[part].get("id"):
            return str(content[part]["id"])
        if part == "nfm_reply":
            raise Unrelayed(FLOW_NOT_EXPECTED)
        if part == "call_permission_reply":
            raise Unrelayed(CALLS_NOT_OFFERED)
        raise Unrelayed(INCOMPLETE)

    async def _failed(self, status: dict[str, Any]) -> None:
        """A message that Meta could not deliver: sent again as the template when it was news and the
        window had closed, or its recipient stops following reports when WhatsApp cannot reach them."""
        codes = [e.get("code") for e in _dicts(status.get("errors"))]
        try:
            user_id = await self.identities.resolve(
                status.get("recipient_user_id"), str(status.get("recipient_id") or "") or None
            )
            for code in codes or ["-"]:
                await self._redis.hincrby(keys.WHATSAPP_FAILED, str(code), 1)
            who = pseudonym(str(Sender("whatsapp", user_id))) if user_id else "-"
            log.warning("WhatsApp message to %s failed: %s", who, codes)
            if WINDOW_CLOSED_CODES.intersection(codes) and await self.sender.resend_as_template(
                str(status.get("id"))
            ):
                log.info("WhatsApp notification to %s sent again as the template", who)
            elif UNREACHABLE_CODES.intersection(codes) and user_id:
                await ReportsStore(self._redis).unfollow_all(str(Sender("whatsapp", user_id)))
                log.info("WhatsApp user %s cannot be reached; no longer notified", who)
        except Exception:
            log.exception("WhatsApp failed status could not be handled")

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
