"""A local stand-in for the WhatsApp Cloud API (Graph API): sending, read receipts and media.

Tests build webhook deliveries the way Meta does (`delivery`, signed with `sign`; `failed` statuses),
register media the user "sent", mark users as unreachable, and read back every message the bot sent.
A user is addressed by phone number (`to`) or by business-scoped user id (`recipient`, Meta's shape since
usernames); `bsuid_refused` plays Meta's 131062 for BSUID recipients.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any

from aiohttp import web

from tests.support import FakeApi


def sign(body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


class FakeGraph(FakeApi):
    def __init__(self, token: str, phone_number_id: str) -> None:
        self.token = token
        self.phone_number_id = phone_number_id
        self.url = ""
        self.sent: list[dict[str, Any]] = []  # messages the bot sent (not read receipts)
        self.read: list[str] = []  # message ids marked as read
        self.unreachable: set[str] = set()
        self.outside_window: set[str] = set()
        self.bsuid_refused = False
        self._media: dict[str, tuple[bytes, str]] = {}
        # Ids unique across runs, as Meta's are: the gateway's dedupe keys outlive a test.
        self._ids = itertools.count(int(time.time() * 1000) % 10**11)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/{phone_number_id}/messages", self._messages)
        app.router.add_get("/download/{media_id}", self._download)
        app.router.add_get("/{media_id}", self._media_info)

    # --- test side ---

    def add_media(self, data: bytes, mime_type: str, media_id: str | None = None) -> str:
        media_id = media_id or f"media{next(self._ids)}"
        self._media[media_id] = (data, mime_type)
        return media_id

    def to(self, wa_id: str) -> list[dict[str, Any]]:
        """What the bot sent to a phone number or a BSUID."""
        return [m for m in self.sent if m.get("to", m.get("recipient")) == wa_id]

    def texts(self, wa_id: str) -> list[str]:
        out = []
        for m in self.to(wa_id):
            if m["type"] == "text":
                out.append(m["text"]["body"])
            elif m["type"] == "interactive":
                out.append(m["interactive"]["body"]["text"])
        return out

    def delivery(
        self,
        wa_id: str | None,
        *messages: dict[str, Any],
        phone_number_id: str | None = None,
        bsuid: str | None = None,
        at: float | None = None,
    ) -> dict[str, Any]:
        """A webhook delivery as Meta sends it, with `messages` from one user: known by phone number
        (`wa_id`), by business-scoped user id (`bsuid`), or both; written `at` (now by default)."""
        contact: dict[str, Any] = {"profile": {"name": "Warga"}}
        sender: dict[str, Any] = {"timestamp": str(int(at or time.time()))}
        if wa_id:
            contact["wa_id"], sender["from"] = wa_id, wa_id
        if bsuid:
            contact["user_id"], sender["from_user_id"] = bsuid, bsuid
            contact["profile"]["username"] = "@warga"
        value = {"contacts": [contact], "messages": [{**sender, **m} for m in messages]}
        return self._change(value, phone_number_id)

    def failed(self, wamid: str, recipient: str, code: int) -> dict[str, Any]:
        """Meta's `failed` status of a message the bot sent to `recipient` (a phone number or a BSUID)."""
        status: dict[str, Any] = {
            "id": wamid,
            "status": "failed",
            "timestamp": str(int(time.time())),
            "errors": [{"code": code, "title": "failed", "message": "failed"}],
        }
        status["recipient_user_id" if "." in recipient else "recipient_id"] = recipient
        return self._change({"statuses": [status]})

    def _change(self, value: dict[str, Any], phone_number_id: str | None = None) -> dict[str, Any]:
        metadata = {
            "display_phone_number": "6280000000",
            "phone_number_id": phone_number_id or self.phone_number_id,
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "WABA",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {"messaging_product": "whatsapp", "metadata": metadata, **value},
                        }
                    ],
                }
            ],
        }

    def text(self, body: str) -> dict[str, Any]:
        return {"id": self._wamid(), "type": "text", "text": {"body": body}}

    def media(self, kind: str, data: bytes, mime_type: str, **fields: Any) -> dict[str, Any]:
        """An image, video, audio or document message (`caption`, `filename`, `voice` in `fields`)."""
        content = {"id": self.add_media(data, mime_type), "mime_type": mime_type, **fields}
        return {"id": self._wamid(), "type": kind, kind: content}

    def image(self, data: bytes, mime_type: str = "image/jpeg", **fields: Any) -> dict[str, Any]:
        return self.media("image", data, mime_type, **fields)

    def document(self, data: bytes, filename: str, mime_type: str = "application/pdf") -> dict[str, Any]:
        return self.media("document", data, mime_type, filename=filename)

    def message(self, kind: str, **content: Any) -> dict[str, Any]:
        """Any other kind of message, e.g. `message("revoke", revoke={...})`."""
        return {"id": self._wamid(), "type": kind, **content}

    def location(self, lat: float, lon: float) -> dict[str, Any]:
        return {"id": self._wamid(), "type": "location", "location": {"latitude": lat, "longitude": lon}}

    def choose(self, sent: dict[str, Any], title: str) -> dict[str, Any]:
        """The user taps the reply button or list row `title` of an interactive message."""
        interactive = sent["interactive"]
        if interactive["type"] == "button":
            choice = next(
                b["reply"] for b in interactive["action"]["buttons"] if b["reply"]["title"] == title
            )
            reply = {"type": "button_reply", "button_reply": {"id": choice["id"], "title": choice["title"]}}
        else:
            row = next(r for s in interactive["action"]["sections"] for r in s["rows"] if r["title"] == title)
            reply = {"type": "list_reply", "list_reply": {"id": row["id"], "title": row["title"]}}
        return {"id": self._wamid(), "type": "interactive", "interactive": reply}

    def wamid(self) -> str:
        """A fresh inbound message id."""
        return self._wamid()

    def _wamid(self) -> str:
        return f"wamid.IN{next(self._ids)}"

    # --- API side ---

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.token}"

    async def _messages(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return self._error(401, 190, "Invalid OAuth access token")
        body = await request.json()
        if body.get("status") == "read":
            self.read.append(body["message_id"])
            return web.json_response({"success": True})
        user = body.get("to") or body.get("recipient")
        if "recipient" in body and "to" not in body and self.bsuid_refused:
            return self._error(400, 131062, "Business-scoped User ID recipients are not supported")
        if user in self.unreachable:
            return self._error(400, 131026, "Message Undeliverable")
        if user in self.outside_window and body["type"] != "template":
            return self._error(400, 131047, "Re-engagement message")
        wamid = f"wamid.OUT{next(self._ids)}"
        self.sent.append({**body, "_wamid": wamid})
        contact = {"input": user, "wa_id": user} if "to" in body else {"input": user, "user_id": user}
        return web.json_response(
            {"messaging_product": "whatsapp", "contacts": [contact], "messages": [{"id": wamid}]}
        )

    async def _media_info(self, request: web.Request) -> web.Response:
        media_id = request.match_info["media_id"]
        if not self._authorised(request) or media_id not in self._media:
            return self._error(404 if self._authorised(request) else 401, 100, "Unknown media")
        data, mime_type = self._media[media_id]
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "url": f"{self.url}/download/{media_id}",
                "mime_type": mime_type,
                "sha256": hashlib.sha256(data).hexdigest(),
                "file_size": len(data),
                "id": media_id,
            }
        )

    async def _download(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.Response(status=401)
        return web.Response(body=self._media[request.match_info["media_id"]][0])

    @staticmethod
    def _error(status: int, code: int, message: str) -> web.Response:
        return web.json_response(
            {"error": {"message": message, "type": "OAuthException", "code": code}}, status=status
        )


def signed(delivery: dict[str, Any], app_secret: str) -> tuple[bytes, dict[str, str]]:
    """The body and headers of a genuine delivery."""
    body = json.dumps(delivery).encode()
    return body, {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, app_secret)}
