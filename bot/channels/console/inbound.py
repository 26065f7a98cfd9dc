"""The console's endpoints on the gateway: one JSON message in and the bot's replies out, file uploads,
and the inbox of news the notifier left."""

from __future__ import annotations

from aiohttp import web

from bot.gateway.conversations import ASSISTANT_UNAVAILABLE, Conversations, Incoming
from bot.rasa_client import RasaUnavailable
from common.inbox import ConsoleInbox
from common.media import MediaRefused, MediaStore


class ConsoleChannel:
    def __init__(self, conversations: Conversations, store: MediaStore, inbox: ConsoleInbox) -> None:
        self._conversations = conversations
        self._store = store
        self._inbox = inbox

    async def message(self, request: web.Request) -> web.Response:
        """One JSON message in, the bot's replies out."""
        try:
            data = await request.json()
            incoming = Incoming(
                channel="console",
                user_id=str(data["user_id"]),
                text=str(data.get("text", "")),
                message_id=data.get("message_id"),
                metadata=dict(data.get("metadata") or {}),
            )
        except (ValueError, KeyError, TypeError):
            raise web.HTTPBadRequest(text='expected JSON {"user_id": "...", "text": "..."}')
        try:
            replies = await self._conversations.handle(incoming)
        except RasaUnavailable:
            return web.json_response({"messages": [{"text": ASSISTANT_UNAVAILABLE}]}, status=503)
        return web.json_response({"messages": [r.to_json() for r in replies or ()]})

    async def media(self, request: web.Request) -> web.Response:
        """A file (multipart `file`), kept like the chat channels' media; the console then sends
        `/share_evidence` with the returned attachment."""
        try:
            part = await (await request.multipart()).next()
            if part is None or part.name != "file":
                raise web.HTTPBadRequest(text="expected multipart field 'file'")
            data = bytearray()
            while chunk := await part.read_chunk():
                data += chunk
                self._store.check_size(len(data))  # stops reading an oversized upload early
            stored = await self._store.save(bytes(data), part.filename)
        except MediaRefused as refused:
            return web.json_response({"messages": [{"text": refused.reason}]}, status=422)
        return web.json_response({"attachment": stored.to_json()})

    async def inbox(self, request: web.Request) -> web.Response:
        """What the notifier left for a console user since the last look."""
        user_id = request.query.get("user_id")
        if not user_id:
            raise web.HTTPBadRequest(text="expected ?user_id=")
        return web.json_response({"messages": await self._inbox.take(user_id)})
