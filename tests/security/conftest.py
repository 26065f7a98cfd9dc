"""The real gateway, served as `python -m bot.gateway` serves it (`listening`: behind the connection guard),
on loopback with real Redis, the fake Telegram and Graph APIs, and a recording stand-in for Rasa's REST
channel: what it records is exactly what Rasa would have parsed."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.channels.settings import ChannelSettings, TelegramSettings
from bot.gateway.app import listening
from bot.gateway.settings import GatewaySettings
from tests.support import free_port, serving
from tests.support.gateway import CONSOLE_TOKEN, TELEGRAM_TOKEN, WEBHOOK_SECRET, Gateway, whatsapp_settings

LONG_PAYLOAD = '/inform{"instansi": "Dinas Pekerjaan Umum dan Penataan Ruang Kota Bandung"}'


@dataclass
class RecordingRasa:
    url: str
    received: list[dict] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        return [body["message"] for body in self.received]


@pytest.fixture
async def rasa() -> AsyncIterator[RecordingRasa]:
    """Rasa's REST channel, played: "lapor" offers two buttons (one too long for Telegram's callback
    data), anything else is echoed; every body received is recorded."""
    received: list[dict] = []

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        received.append(body)
        if body["message"] == "lapor":
            buttons = [
                {"title": "Pengaduan", "payload": "/file_complaint"},
                {"title": "Dinas PU", "payload": LONG_PAYLOAD},
            ]
            answer = [{"text": "Apa jenis laporan Anda?", "buttons": buttons}]
        else:
            answer = [{"text": f"echo {body['message']}"}]
        return web.json_response([{"recipient_id": body["sender"], **m} for m in answer])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    async with serving(app) as url:
        yield RecordingRasa(url, received)


@pytest.fixture
def start_gateway(
    rasa, redis_sync, redis_url, tmp_path: Path, fake_telegram, fake_graph
) -> Callable[..., contextlib.AbstractAsyncContextManager[Gateway]]:
    """`async with start_gateway(**settings) as gateway`: every channel configured, and the console
    enabled with CONSOLE_TOKEN unless `console=False` (then as the settings' defaults have it)."""

    @contextlib.asynccontextmanager
    async def start(console: bool = True, **overrides: Any) -> AsyncIterator[Gateway]:
        channels = ChannelSettings(
            telegram=TelegramSettings(
                token=TELEGRAM_TOKEN, api_base_url=fake_telegram.url, webhook_secret=WEBHOOK_SECRET
            ),
            whatsapp=whatsapp_settings(fake_graph),
        )
        settings: dict[str, Any] = dict(
            host="127.0.0.1",
            port=free_port(),
            rasa_url=rasa.url,
            redis_url=redis_url,
            media_dir=tmp_path / "media",
            rasa_timeout=5,
            media_max_bytes=1_000_000,
            channels=channels,
        )
        if console:
            settings.update(console_enabled=True, console_token=CONSOLE_TOKEN)
        settings.update(overrides)
        gateway_settings = GatewaySettings(**settings)
        async with listening(gateway_settings) as app:
            yield Gateway(f"http://127.0.0.1:{gateway_settings.port}", app)

    return start
