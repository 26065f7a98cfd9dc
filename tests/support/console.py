"""A citizen on the console channel of a running stack's gateway, for end-to-end tests."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import aiohttp

PHOTO = Path(__file__).resolve().parents[2] / "bench" / "photo.jpg"
TRACKING = re.compile(r"Nomor pelacakan: #(\d+)")


class Citizen:
    """A console user: says one thing at a time and keeps what the assistant answered."""

    def __init__(self, http: aiohttp.ClientSession, stack) -> None:
        self.http = http
        self.gateway_url = stack.gateway_url
        self.auth = {"Authorization": f"Bearer {stack.secrets.console_token}"}
        self.user_id = "warga-" + uuid.uuid4().hex[:8]
        self.said: list[str] = []

    async def says(self, text: str = "", **shared: object) -> str:
        """Types `text`, or shares a `location` or an uploaded `attachment` ref, as the console chat does."""
        body = {"user_id": self.user_id, "text": text, "message_id": uuid.uuid4().hex, **shared}
        async with self.http.post(
            f"{self.gateway_url}/console/messages", json=body, headers=self.auth
        ) as resp:
            assert resp.status == 200, await resp.text()
            messages = (await resp.json())["messages"]
        answer = "\n".join(m.get("text", "") for m in messages)
        self.said.append(answer)
        return answer

    async def sends_photo(self) -> str:
        form = aiohttp.FormData()
        form.add_field("file", PHOTO.read_bytes(), filename="jalan.jpg")
        url = f"{self.gateway_url}/console/media"
        async with self.http.post(
            url, data=form, params={"user_id": self.user_id}, headers=self.auth
        ) as resp:
            attachment = (await resp.json())["attachment"]
        return await self.says(attachment=attachment["ref"])

    async def conversation(self, turns: list[tuple[str, str]]) -> str:
        """Says each message and checks the answer mentions what it should; returns the tracking number."""
        for text, expected in turns:
            answer = await (self.sends_photo() if text == "<foto>" else self.says(text))
            assert expected.lower() in answer.lower(), f"after {text!r} expected {expected!r}, got:\n{answer}"
        found = TRACKING.search(self.said[-1])
        assert found, self.said[-1]
        return found.group(1)
