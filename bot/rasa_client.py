"""The one client of Rasa's HTTP server, for the gateway (a citizen's message) and the notifier (an event
told through the dialogue). One aiohttp session per process lifetime; failures are `RasaUnavailable`."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from common.messages import BotMessage


class RasaUnavailable(Exception):
    """Rasa did not answer; the message or event was not processed."""


class RasaClient:
    def __init__(
        self, base_url: str, http: aiohttp.ClientSession, *, token: str = "", timeout: float = 30.0
    ) -> None:
        self._base = base_url.rstrip("/")
        self._http = http
        self._params = {"token": token} if token else {}
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def send_message(self, sender: str, text: str, metadata: dict[str, Any]) -> list[BotMessage]:
        """A citizen's message through Rasa's REST channel (docs/contracts.md, "Gateway → Rasa")."""
        body = {"sender": sender, "message": text, "metadata": metadata}
        answer = await self._post("/webhooks/rest/webhook", body)
        return [BotMessage.from_rasa(m) for m in answer]

    async def trigger_intent(self, sender: str, intent: str, entities: dict[str, Any]) -> list[BotMessage]:
        """An intent injected into `sender`'s conversation (the notifier's EXTERNAL_ intents)."""
        answer = await self._post(
            f"/conversations/{sender}/trigger_intent", {"name": intent, "entities": entities}
        )
        return [BotMessage.from_rasa(m) for m in answer.get("messages", [])]

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        try:
            async with self._http.post(
                self._base + path, json=body, params=self._params, timeout=self._timeout
            ) as resp:
                if resp.status != 200:
                    raise RasaUnavailable(f"Rasa answered HTTP {resp.status}")
                return await resp.json()
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
