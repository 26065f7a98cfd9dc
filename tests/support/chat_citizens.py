"""Citizens on Telegram and WhatsApp of a running stack, through the fake platform APIs: they answer
whatever the assistant asks the way a citizen would, for end-to-end tests."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from bot.channels.settings import ChannelSettings
from bot.gateway.settings import GatewaySettings
from bot.notifier.service import ChannelOutbound, DialogueTrigger, Notifier
from bot.rasa_client import RasaClient
from common.media import MediaStore
from common.offers import OfferedPayloads
from lapor_client.sandbox import seed
from tests.support import free_port
from tests.support.fake_graph import signed
from tests.support.gateway import SAMPLES, WA_APP_SECRET

OPENING = "Jalan di depan rumah saya berlubang besar, sudah dua pengendara motor jatuh minggu ini"
TRACKING = re.compile(r"Nomor pelacakan: #(\d+)")
# Buttons the citizen takes whenever they are offered, in this order of preference.
AGREEABLE = ("✅ Kirim", "✅ Pakai judul ini", "✅ Setuju", "✅ Selesai", "✅ Lanjut", "✅ Ya, benar")


def stack_settings(stack, **channels: Any) -> GatewaySettings:
    return GatewaySettings(
        host="127.0.0.1",
        port=free_port(),
        rasa_url=stack.rasa_url,
        rasa_token=stack.secrets.rasa_token,
        redis_url=stack.redis_url,
        media_dir=stack.run_dir / "media",  # the action server reads the files from here (MEDIA_DIR)
        max_text_chars=4096,
        rasa_timeout=30,
        channels=ChannelSettings(**channels),
    )


def stack_notifier(stack, lapor, redis, http: aiohttp.ClientSession, channels: dict[str, Any]) -> Notifier:
    """The notifier, run in the test, against the stack's Rasa, sandbox and media, sending on `channels`."""
    return Notifier(
        lapor,
        redis,
        DialogueTrigger(RasaClient(stack.rasa_url, http, token=stack.secrets.rasa_token)),
        ChannelOutbound(channels, OfferedPayloads(redis)),
        MediaStore(stack.run_dir / "media"),
    )


async def settle(count, before: int, quiet: float = 1.5, timeout: float = 60.0) -> None:
    """Waits for the bot's answer to the last message: new messages, then a quiet moment."""
    deadline = time.monotonic() + timeout
    seen, last_change = before, time.monotonic()
    while time.monotonic() < deadline:
        now = count()
        if now != seen:
            seen, last_change = now, time.monotonic()
        elif seen > before and time.monotonic() - last_change > quiet:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(
        "the assistant did not answer in time (see the stack's rasa.log and action-server.log)"
    )


async def file_a_report(citizen, evidence: Callable[[Any], Awaitable[list]] | None = None) -> str:
    """Answers the assistant's questions like a citizen would, sending `evidence` (a photo by default)
    when asked for it; returns the tracking number."""
    replies = await citizen.text(OPENING)
    located = photographed = False
    for _ in range(25):
        said = "\n".join(r["text"] for r in replies)
        if found := TRACKING.search(said):
            return found.group(1)
        question = replies[-1]
        asked, titles = question["text"].lower(), question["buttons"]
        choice = next((t for wanted in AGREEABLE for t in titles if t.startswith(wanted)), None)
        # The location question may be followed by the channel's one-tap "send my location" message.
        if "di mana lokasinya" in said.lower() and not located:
            located, replies = True, await citizen.location(-6.9147, 107.6098)
        elif "bukti" in asked and not photographed:
            photographed, replies = True, await (evidence or (lambda c: c.photo(SAMPLES["jpg"])))(citizen)
        elif choice:
            replies = await citizen.press(choice)
        elif "kapan kejadiannya" in asked:
            replies = await citizen.text("2 hari yang lalu")
        elif "kerahasiaan" in asked:
            replies = await citizen.text("rahasia")
        elif "lokasi" in asked:
            replies = await citizen.text("Jl. Asia Afrika, Sumur Bandung, Kota Bandung")
        else:
            replies = await citizen.text("tidak tahu")
    raise AssertionError(f"no tracking number; last reply: {replies[-1]['text']!r}")


def sandbox_state(stack) -> dict[str, Any]:
    """The LAPOR sandbox's own records (it keeps them in one JSON file)."""
    return json.loads((stack.run_dir / "sandbox" / "sandbox.json").read_text(encoding="utf-8"))


def assert_filed_with_photo(stack, tracking_id: str, sample: str = "jpg") -> dict[str, Any]:
    """The report exists in the sandbox, at the shared pin in central Bandung with that pin's Kemendagri
    region (Kota Bandung) and an agency of that region, and carries our photo (or `sample`)."""
    state = sandbox_state(stack)
    report = state["reports"][tracking_id]
    assert report["location"]["lat"] == pytest.approx(-6.9147), report
    assert report["location"]["region_code"] == "32.73", report
    agencies = {a["id"]: a for a in seed.agencies()}
    assert agencies[report["agency_id"]]["region_code"] == "32.73", report  # not a national ministry
    attachments = [state["attachments"][a] for a in report["attachment_ids"]]
    assert [a["sha256"] for a in attachments] == [hashlib.sha256(SAMPLES[sample]).hexdigest()]
    return report


class TelegramCitizen:
    def __init__(self, fake, chat_id: int) -> None:
        self.fake, self.chat_id = fake, chat_id

    def _messages(self) -> list[dict[str, Any]]:
        return self.fake.sent("sendMessage", self.chat_id)

    async def _send(self, update: dict) -> list[dict[str, Any]]:
        before = len(self._messages())
        self.fake.push(update)
        await settle(lambda: len(self._messages()), before)
        return [
            {
                "text": m["text"],
                "buttons": [
                    b["text"] for row in (m.get("reply_markup") or {}).get("inline_keyboard", ()) for b in row
                ],
                "raw": m,
            }
            for m in self._messages()[before:]
        ]

    async def text(self, text: str):
        return await self._send(self.fake.text(self.chat_id, text))

    async def location(self, lat: float, lon: float):
        return await self._send(self.fake.location(self.chat_id, lat, lon))

    async def photo(self, data: bytes, caption: str | None = None):
        update = self.fake.photo(self.chat_id, data)
        if caption:
            update["message"]["caption"] = caption
        return await self._send(update)

    async def press(self, title: str):
        sent = next(m for m in reversed(self._messages()) if title in str(m.get("reply_markup")))
        return await self._send(self.fake.press(self.chat_id, sent, title))


class WhatsAppCitizen:
    """Known by phone number (`wa_id`), or with a username only by the business-scoped user id (`bsuid`)."""

    def __init__(
        self, fake, wa_id: str | None, webhook: str, http: aiohttp.ClientSession, bsuid: str | None = None
    ) -> None:
        self.fake, self.wa_id, self.bsuid, self.webhook, self.http = fake, wa_id, bsuid, webhook, http
        self.address = wa_id or bsuid  # where the assistant's answers go

    def received(self) -> list[dict[str, Any]]:
        return self.fake.to(self.address)

    async def _send(self, message: dict) -> list[dict[str, Any]]:
        before = len(self.received())
        self.last_delivery = self.fake.delivery(self.wa_id, message, bsuid=self.bsuid)
        await self.redeliver()
        await settle(lambda: len(self.received()), before)
        return [self._read(m) for m in self.received()[before:]]

    async def redeliver(self) -> None:
        """Posts the last delivery (again, when Meta retries it)."""
        body, headers = signed(self.last_delivery, WA_APP_SECRET)
        async with self.http.post(self.webhook, data=body, headers=headers) as resp:
            assert resp.status == 200

    @staticmethod
    def _read(message: dict) -> dict[str, Any]:
        if message["type"] != "interactive":
            return {"text": message.get("text", {}).get("body", ""), "buttons": [], "raw": message}
        action = message["interactive"]["action"]
        titles = [b["reply"]["title"] for b in action.get("buttons", ())]
        titles += [r["title"] for s in action.get("sections", ()) for r in s["rows"]]
        return {"text": message["interactive"]["body"]["text"], "buttons": titles, "raw": message}

    async def text(self, text: str):
        return await self._send(self.fake.text(text))

    async def location(self, lat: float, lon: float):
        return await self._send(self.fake.location(lat, lon))

    async def photo(self, data: bytes, caption: str | None = None):
        return await self._send(self.fake.image(data, **({"caption": caption} if caption else {})))

    async def voice_note(self, data: bytes):
        return await self._send(self.fake.media("audio", data, "audio/ogg; codecs=opus", voice=True))

    async def press(self, title: str):
        sent = next(
            m
            for m in reversed(self.received())
            if m["type"] == "interactive" and title in json.dumps(m, ensure_ascii=False)
        )
        return await self._send(self.fake.choose(sent, title))
