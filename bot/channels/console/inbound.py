"""The console's endpoints on the gateway: one JSON message in and the bot's replies out, file uploads,
and the inbox of news the notifier left.

The console is for local use: it is mounted only when CONSOLE_CHANNEL=1, and every request carries the
console token (`Authorization: Bearer <CONSOLE_TOKEN>`). The client sends what the citizen did, never
Rasa metadata: `{"user_id", "message_id", "text"}`, or `"location": {"lat", "lon"}` for a pin, or
`"attachment": "<ref>"` for a file that same user uploaded; the gateway builds the metadata.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import re
import tempfile
from typing import IO, Any

import redis.asyncio as aioredis
from aiohttp import BodyPartReader, web

from bot.gateway.conversations import (
    ASSISTANT_UNAVAILABLE,
    SHARE_EVIDENCE,
    SHARE_LOCATION,
    Conversations,
    Incoming,
    valid_location,
)
from bot.gateway.limits import RateLimit, load_json
from bot.rasa_client import RasaUnavailable
from common import keys
from common.inbox import ConsoleInbox
from common.media import _TMP_PREFIX, MediaRefused, MediaStore, StoredMedia

UPLOADS_TTL_SECONDS = 7 * 24 * 3600  # as long as the media store keeps a file nobody submitted
UPLOAD_SECONDS = 120.0  # a whole upload, however slowly it comes
UPLOAD_CHUNK_BYTES = 64 * 1024
# Checking and storing an upload holds it in memory: at most this many at once.
CONCURRENT_SAVES = 2
_USER_ID = re.compile(r"[A-Za-z0-9._@-]{1,64}")

TOO_MANY_UPLOADS = "Maaf, Anda sudah mengirim terlalu banyak berkas. Mohon coba lagi dalam satu jam."
UNKNOWN_ATTACHMENT = "Maaf, berkas itu tidak kami temukan. Mohon unggah ulang."
BAD_MESSAGE = (
    'expected JSON {"user_id": "...", "text": "..."} (or "location": {"lat", "lon"}, or "attachment")'
)


class ConsoleUploads:
    """The files each console user uploaded: a user may attach only their own."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis

    async def add(self, user_id: str, stored: StoredMedia) -> None:
        key = keys.console_uploads(user_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, stored.ref, json.dumps(stored.to_json()))
            pipe.expire(key, UPLOADS_TTL_SECONDS)
            await pipe.execute()

    async def get(self, user_id: str, ref: str) -> dict[str, Any] | None:
        raw = await self._redis.hget(keys.console_uploads(user_id), ref)
        return json.loads(raw) if raw is not None else None


class ConsoleChannel:
    def __init__(
        self,
        conversations: Conversations,
        store: MediaStore,
        redis: aioredis.Redis,
        *,
        token: str,
        uploads_per_hour: int,
    ) -> None:
        if not token:
            raise ValueError("the console channel needs a token (CONSOLE_TOKEN)")
        self._conversations = conversations
        self._store = store
        self._inbox = ConsoleInbox(redis)
        self._uploads = ConsoleUploads(redis)
        self._upload_rate = RateLimit(redis, "console-uploads", uploads_per_hour, 3600)
        self._token = token.encode()
        self._saving = asyncio.Semaphore(CONCURRENT_SAVES)

    def _authorize(self, request: web.Request) -> None:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        given_bytes = given.encode("utf-8", "surrogateescape")  # headers may carry any byte
        if scheme != "Bearer" or not hmac.compare_digest(given_bytes, self._token):
            raise web.HTTPUnauthorized(text="console token required")

    async def message(self, request: web.Request) -> web.Response:
        """One JSON message in, the bot's replies out."""
        self._authorize(request)
        try:
            data = load_json(await request.read())
            incoming = await self._incoming(data)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise web.HTTPBadRequest(text=BAD_MESSAGE)
        if incoming is None:
            return web.json_response({"messages": [{"text": UNKNOWN_ATTACHMENT}]}, status=422)
        try:
            replies = await self._conversations.handle(incoming)
        except RasaUnavailable:
            return web.json_response({"messages": [{"text": ASSISTANT_UNAVAILABLE}]}, status=503)
        return web.json_response({"messages": [r.to_json() for r in replies or ()]})

    async def _incoming(self, data: dict[str, Any]) -> Incoming | None:
        """What the console user did, with the metadata the gateway vouches for; None for an
        attachment that user never uploaded. Raises ValueError etc. for a malformed message."""
        if "metadata" in data:
            raise ValueError("metadata is built by the gateway")
        user_id = _user_id(data["user_id"])
        message_id = data.get("message_id")
        if message_id is not None and not isinstance(message_id, (str, int)):
            raise TypeError("message_id")
        message_id = None if message_id is None else str(message_id)
        if "location" in data:
            location = valid_location(data["location"])
            if location is None:
                raise ValueError("location")
            return Incoming("console", user_id, SHARE_LOCATION, message_id, {"location": location})
        if "attachment" in data:
            attachment = await self._uploads.get(user_id, str(data["attachment"]))
            if attachment is None:
                return None
            return Incoming("console", user_id, SHARE_EVIDENCE, message_id, {"attachments": [attachment]})
        text = data.get("text", "")
        if not isinstance(text, str):
            raise TypeError("text")
        return Incoming("console", user_id, text, message_id)

    async def media(self, request: web.Request) -> web.Response:
        """A file (multipart `file`, `?user_id=`), streamed to disk with its size checked on the way and
        kept like the chat channels' media; the console then sends `"attachment": ref`."""
        self._authorize(request)
        try:
            user_id = _user_id(request.query.get("user_id", ""))
        except ValueError:
            raise web.HTTPBadRequest(text="expected ?user_id=")
        if not await self._upload_rate.allow(user_id):
            return web.json_response({"messages": [{"text": TOO_MANY_UPLOADS}]}, status=429)
        try:
            part = await (await request.multipart()).next()
        except (ValueError, AssertionError):
            raise web.HTTPBadRequest(text="expected multipart field 'file'")
        if not isinstance(part, BodyPartReader) or part.name != "file":
            raise web.HTTPBadRequest(text="expected multipart field 'file'")
        try:
            self._store.root.mkdir(parents=True, exist_ok=True)
            # In the media store, where a spool left by a crash is removed by its cleanup.
            with tempfile.NamedTemporaryFile(dir=self._store.root, prefix=_TMP_PREFIX) as spool:
                await asyncio.wait_for(self._spool(part, spool), UPLOAD_SECONDS)
                async with self._saving:
                    stored = await asyncio.to_thread(self._keep_spooled, spool, part.filename)
        except asyncio.TimeoutError:
            request.protocol.force_close()
            raise web.HTTPRequestTimeout() from None
        except MediaRefused as refused:
            return web.json_response({"messages": [{"text": refused.reason}]}, status=422)
        await self._uploads.add(user_id, stored)
        return web.json_response({"attachment": stored.to_json()})

    def _keep_spooled(self, spool: IO[bytes], filename: str | None) -> StoredMedia:
        spool.seek(0)
        return self._store.keep(spool.read(), filename)

    async def _spool(self, part: BodyPartReader, spool: IO[bytes]) -> None:
        size = 0
        while chunk := await part.read_chunk(UPLOAD_CHUNK_BYTES):
            size += len(chunk)
            self._store.check_size(size)  # stops reading an oversized upload early
            await asyncio.to_thread(spool.write, chunk)

    async def inbox(self, request: web.Request) -> web.Response:
        """What the notifier left for a console user since the last look."""
        self._authorize(request)
        try:
            user_id = _user_id(request.query.get("user_id", ""))
        except ValueError:
            raise web.HTTPBadRequest(text="expected ?user_id=")
        return web.json_response({"messages": await self._inbox.take(user_id)})


def _user_id(value: Any) -> str:
    if not isinstance(value, str) or not _USER_ID.fullmatch(value):
        raise ValueError("a console user id is 1-64 letters, digits or ._@-")
    return value
