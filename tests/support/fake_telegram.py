"""A local stand-in for the Telegram Bot API, enough of it for python-telegram-bot's Application.

PTB reaches it through `base_url`/`base_file_url` (`<url>/bot<token>/<method>`,
`<url>/file/bot<token>/<path>`). Tests push updates (served by getUpdates), register files,
block chats, and read back every call the bot made.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from tests.support import FakeApi

BOT = {"id": 700000001, "is_bot": True, "first_name": "LAPOR Uji", "username": "lapor_uji_bot"}
DOWNLOAD_LIMIT = 20_000_000
# Parameters PTB sends JSON-encoded in its form data.
_JSON_PARAMS = {"reply_markup", "allowed_updates", "commands"}


class FakeTelegram(FakeApi):
    def __init__(self, token: str) -> None:
        self.token = token
        self.url = ""
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.blocked: set[int] = set()
        self.webhook: dict[str, Any] = {}
        self._pending: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()
        self._files: dict[str, tuple[bytes, int]] = {}
        # Ids unique across runs, as Telegram's are: the gateway's dedupe keys outlive a test.
        self._ids = itertools.count(int(time.time() * 1000) % 10**11)

    # --- test side ---

    def add_routes(self, app: web.Application) -> None:
        app.router.add_route("*", f"/bot{self.token}/{{method}}", self._method)
        app.router.add_get("/file/{bot}/{path:.+}", self._file)  # httpx sends the token's ":" as %3A

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queues an update for getUpdates (long polling)."""
        self._pending.append(update)
        self._arrived.set()
        return update

    def add_file(self, data: bytes, declared_size: int | None = None) -> dict[str, Any]:
        """Registers a file the user "uploaded"; returns its file fields for an update."""
        file_id = f"file{next(self._ids)}"
        self._files[file_id] = (data, declared_size or len(data))
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": declared_size or len(data)}

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[dict[str, Any]]:
        return [
            p
            for m, p in self.calls
            if m == method and (chat_id is None or str(p.get("chat_id")) == str(chat_id))
        ]

    def texts(self, chat_id: int) -> list[str]:
        return [p["text"] for p in self.sent("sendMessage", chat_id)]

    # --- update builders (a private chat whose id is the user's id) ---

    def message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Warga"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Warga"},
            **content,
        }
        return {"update_id": next(self._ids), "message": message}

    def text(self, chat_id: int, text: str) -> dict[str, Any]:
        entities = (
            [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            if text.startswith("/")
            else []
        )
        return self.message(chat_id, text=text, entities=entities)

    def photo(self, chat_id: int, data: bytes, declared_size: int | None = None) -> dict[str, Any]:
        file = self.add_file(data, declared_size)
        return self.message(chat_id, photo=[{**file, "width": 640, "height": 480}])

    def document(
        self, chat_id: int, data: bytes, file_name: str, mime_type: str = "application/pdf"
    ) -> dict[str, Any]:
        return self.message(
            chat_id, document={**self.add_file(data), "file_name": file_name, "mime_type": mime_type}
        )

    def location(self, chat_id: int, lat: float, lon: float) -> dict[str, Any]:
        return self.message(chat_id, location={"latitude": lat, "longitude": lon})

    def press(self, chat_id: int, sent: dict[str, Any], title: str) -> dict[str, Any]:
        """The user taps the button `title` of a message the bot sent."""
        keyboard = sent["reply_markup"]["inline_keyboard"]
        data = next(b["callback_data"] for row in keyboard for b in row if b["text"] == title)
        query = {
            "id": f"cbq{next(self._ids)}",
            "from": {"id": chat_id, "is_bot": False, "first_name": "Warga"},
            "chat_instance": "ci",
            "data": data,
            "message": {**sent["_message"], "reply_markup": sent["reply_markup"]},
        }
        return {"update_id": next(self._ids), "callback_query": query}

    # --- API side ---

    async def _method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = await request.post()
        params = {
            k: (json.loads(v) if k in _JSON_PARAMS else v) for k, v in form.items() if isinstance(v, str)
        }
        if method != "getUpdates":
            self.calls.append((method, params))
        chat_id = int(params["chat_id"]) if "chat_id" in params else None
        if chat_id in self.blocked:
            return self._error(403, "Forbidden: bot was blocked by the user")
        if method == "getUpdates":
            return self._ok(await self._updates(params))
        if method == "getMe":
            return self._ok(BOT)
        if method == "getFile":
            data, size = self._files[params["file_id"]]
            if size > DOWNLOAD_LIMIT:
                return self._error(400, "Bad Request: file is too big")
            return self._ok(
                {
                    "file_id": params["file_id"],
                    "file_unique_id": "u",
                    "file_size": size,
                    "file_path": f"documents/{params['file_id']}",
                }
            )
        if method == "setWebhook":
            self.webhook = params
        if method in ("sendMessage", "sendPhoto", "editMessageText"):
            message = {
                "message_id": int(params.get("message_id") or next(self._ids)),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT,
                "text": params.get("text", ""),
            }
            params["_message"] = message
            return self._ok(message)
        return self._ok(True)

    async def _updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self._pending = [u for u in self._pending if u["update_id"] >= offset]
        if not self._pending:
            self._arrived.clear()
            try:
                await asyncio.wait_for(
                    self._arrived.wait(), timeout=min(float(params.get("timeout") or 0), 1.0)
                )
            except asyncio.TimeoutError:
                pass
        return list(self._pending)

    async def _file(self, request: web.Request) -> web.Response:
        if unquote(request.match_info["bot"]) != f"bot{self.token}":
            raise web.HTTPNotFound()
        data, _ = self._files[request.match_info["path"].rsplit("/", 1)[-1]]
        return web.Response(body=data)

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(code: int, description: str) -> web.Response:
        return web.json_response({"ok": False, "error_code": code, "description": description}, status=code)
