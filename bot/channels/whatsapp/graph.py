"""A small client of the WhatsApp Cloud API (Meta's Graph API), on the gateway's aiohttp session.

Only what the assistant uses: send a message, mark one as read (with a typing indicator), fetch
media, and check a webhook delivery's signature. The base URL is configurable so that tests and
sandboxes can point it at a local server.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.channels.settings import WhatsAppSettings
from bot.channels.whatsapp.identity import is_bsuid

log = logging.getLogger(__name__)

# Graph error codes that mean "slow down"; the request was not carried out and may be repeated.
RATE_LIMITED = frozenset({4, 80007, 130429, 131056})
RETRIES = 3


class GraphError(Exception):
    def __init__(self, status: int, code: int | None, message: str) -> None:
        super().__init__(f"Graph API HTTP {status}, code {code}: {message}")
        self.status = status
        self.code = code


@dataclass(frozen=True)
class MediaInfo:
    url: str
    mime_type: str | None
    file_size: int | None


def signature_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """Checks `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


class GraphClient:
    def __init__(
        self, http: aiohttp.ClientSession, settings: WhatsAppSettings, *, timeout: float = 30.0
    ) -> None:
        self._http = http
        self._base = settings.api_base_url
        self._phone_number_id = settings.phone_number_id
        self._auth = {"Authorization": f"Bearer {settings.token}"}
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def send_message(self, to: str, message: dict[str, Any]) -> str:
        """Sends one message (`{"type": "text", "text": {...}}` etc.) to a BSUID (as `recipient`) or a phone
        number (as `to`); returns its wamid."""
        address = {"recipient": to} if is_bsuid(to) else {"to": to}
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", **address, **message}
        answer = await self._request("POST", f"{self._base}/{self._phone_number_id}/messages", json=body)
        return answer["messages"][0]["id"]

    async def mark_read(self, message_id: str) -> None:
        """Blue ticks for the citizen, and "typing…" until our answer (at most 25 s)."""
        body = {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": message_id,
            "typing_indicator": {"type": "text"},
        }
        await self._request("POST", f"{self._base}/{self._phone_number_id}/messages", json=body)

    async def media_info(self, media_id: str) -> MediaInfo:
        answer = await self._request(
            "GET", f"{self._base}/{media_id}", params={"phone_number_id": self._phone_number_id}
        )
        return MediaInfo(
            url=answer["url"], mime_type=answer.get("mime_type"), file_size=answer.get("file_size")
        )

    async def download(self, url: str, limit: int) -> bytes:
        """The media's bytes, read up to `limit + 1` so that an oversized file is cut short (the
        media store then refuses it) instead of filling memory."""
        async with self._http.get(url, headers=self._auth, timeout=self._timeout) as resp:
            if resp.status != 200:
                raise GraphError(resp.status, None, "media download failed")
            data = bytearray()
            async for chunk in resp.content.iter_chunked(1 << 16):
                data += chunk
                if len(data) > limit:
                    break
            return bytes(data)

    async def _request(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        attempt = 1
        while True:
            async with self._http.request(
                method, url, headers=self._auth, timeout=self._timeout, **kwargs
            ) as resp:
                try:
                    answer = await resp.json(content_type=None) or {}
                except ValueError:
                    answer = {}
                if resp.status < 400:
                    return answer
            error = answer.get("error") or {}
            exc = GraphError(resp.status, error.get("code"), str(error.get("message", "")))
            if exc.code not in RATE_LIMITED or attempt == RETRIES:
                raise exc
            log.warning("Graph API rate limit (code %s), retrying", exc.code)
            await asyncio.sleep(attempt)
            attempt += 1
