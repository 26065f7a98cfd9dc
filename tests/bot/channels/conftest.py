"""Fixtures for the channel tests: a scripted stand-in for Rasa's REST channel, and the real gateway app
wired to it and to the fake Telegram and Graph API servers (tests/conftest.py) over real HTTP on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.channels.settings import ChannelSettings, TelegramSettings, WhatsAppSettings
from bot.gateway.settings import GatewaySettings
from tests.support import free_port, serving
from tests.support.gateway import (
    LONG_TEXT,
    TELEGRAM_TOKEN,
    WA_APP_SECRET,
    WA_PHONE_NUMBER_ID,
    WA_TOKEN,
    WA_VERIFY_TOKEN,
    WEBHOOK_SECRET,
    Gateway,
    running_gateway,
)


@pytest.fixture
async def rasa() -> AsyncIterator[tuple[str, list[dict]]]:
    """Speaks Rasa's REST channel with a small script; records every body it receives."""
    received: list[dict] = []

    def answer(body: dict) -> list[dict]:
        message, metadata = body["message"], body.get("metadata") or {}
        if message == "lapor":
            buttons = [
                {"title": "Pengaduan", "payload": "/file_complaint"},
                {"title": "Aspirasi", "payload": "/file_aspiration"},
            ]
            return [{"text": "Apa jenis laporan Anda?", "buttons": buttons}]
        if message == "instansi":
            titles = [
                "Dinas Pekerjaan Umum dan Penataan Ruang Kota Bandung",
                "Dinas Perhubungan",
                "Satpol PP",
                "Dinas Kesehatan",
            ]
            buttons = [{"title": t, "payload": f'/inform{{"instansi": "{t}"}}'} for t in titles]
            return [{"text": "Pilih instansi tujuan:", "buttons": buttons}]
        if message == "kategori":
            return [
                {
                    "text": "",
                    "buttons": [{"title": f"Kategori {i}", "payload": f"/pilih_{i}"} for i in range(12)],
                }
            ]
        if message == "panjang":
            return [{"text": LONG_TEXT}]
        if message == "/share_evidence":
            return [{"text": f"Lampiran {metadata['attachments'][0]['filename']} diterima."}]
        if message == "/share_location":
            return [{"text": "Lokasi diterima."}]
        return [{"text": f"echo {message}"}]

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        received.append(body)
        await asyncio.sleep(0.3 if body["message"] == "lambat" else 0.01)
        return web.json_response([{"recipient_id": body["sender"], **m} for m in answer(body)])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    async with serving(app) as url:
        yield url, received


@pytest.fixture
def gateway_settings(rasa, redis_sync, redis_url, tmp_path: Path) -> Callable[..., GatewaySettings]:
    def make(**channels: Any) -> GatewaySettings:
        return GatewaySettings(
            host="127.0.0.1",
            port=free_port(),
            rasa_url=rasa[0],
            redis_url=redis_url,
            media_dir=tmp_path / "media",
            max_text_chars=4096,
            rasa_timeout=5,
            media_max_bytes=1_000_000,
            channels=ChannelSettings(**channels),
        )

    return make


@pytest.fixture
async def telegram_gateway(gateway_settings, fake_telegram) -> AsyncIterator[Gateway]:
    """The gateway with Telegram by long polling against the fake Bot API."""
    telegram = TelegramSettings(
        token=TELEGRAM_TOKEN, api_base_url=fake_telegram.url, webhook_secret=WEBHOOK_SECRET
    )
    async with running_gateway(gateway_settings(telegram=telegram)) as gateway:
        yield gateway


@pytest.fixture
async def telegram_webhook_gateway(gateway_settings, fake_telegram) -> AsyncIterator[Gateway]:
    """The gateway with Telegram by webhook (Telegram itself is played by the test)."""
    telegram = TelegramSettings(
        token=TELEGRAM_TOKEN,
        api_base_url=fake_telegram.url,
        webhook_url="https://lapor.example/telegram/webhook",
        webhook_secret=WEBHOOK_SECRET,
    )
    async with running_gateway(gateway_settings(telegram=telegram)) as gateway:
        yield gateway


@pytest.fixture
async def whatsapp_gateway(gateway_settings, fake_graph) -> AsyncIterator[Gateway]:
    whatsapp = WhatsAppSettings(
        token=WA_TOKEN,
        phone_number_id=WA_PHONE_NUMBER_ID,
        app_secret=WA_APP_SECRET,
        verify_token=WA_VERIFY_TOKEN,
        api_base_url=fake_graph.url,
    )
    async with running_gateway(gateway_settings(whatsapp=whatsapp)) as gateway:
        yield gateway
