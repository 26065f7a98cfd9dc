"""What the gateway tests share: platform credentials of the fakes, sample files, the real gateway app
served on loopback and wired to a scripted stand-in for Rasa's REST channel (fixtures, loaded by
tests/conftest.py as a plugin), and a wait for asynchronous answers."""

from __future__ import annotations

import asyncio
import contextlib
import io
import time
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.channels.settings import ChannelSettings, TelegramSettings, WhatsAppSettings
from bot.gateway.app import MEDIA, create_app
from bot.gateway.settings import GatewaySettings
from common.media import MediaStore
from tests.support import free_port
from tests.support.fake_rasa import fake_rasa

TELEGRAM_TOKEN = "123456:TEST-token"
WEBHOOK_SECRET = "rahasia-webhook"
CONSOLE_TOKEN = "console-secret-for-tests"
WA_TOKEN, WA_PHONE_NUMBER_ID, WA_APP_SECRET, WA_VERIFY_TOKEN = (
    "wa-token",
    "1098765",
    "app-secret",
    "verify-me",
)


def _word_document() -> bytes:
    """The smallest .docx: a zip with the parts that name it a Word document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as document:
        document.writestr("[Content_Types].xml", "<Types/>")
        document.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


# The smallest files whose bytes say what they are.
SAMPLES = {
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 200,
    "png": b"\x89PNG\r\n\x1a\n" + b"\x02" * 200,
    "pdf": b"%PDF-1.4\n%uji\n" + b"x" * 200,
    "mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 200,
    "ogg": b"OggS\x00\x02" + b"\x00" * 22 + b"OpusHead" + b"\x01" * 200,  # a voice note
    "mov": b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 200,  # an iPhone video
    "mp3": b"ID3\x03\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x00" + b"\x00" * 200,
    "docx": _word_document(),
    "exe": b"MZ" + b"\x00" * 200,
}
LONG_TEXT = ("Paragraf <penting> & *tebal* " * 60 + "\n\n") * 4  # > 4096 characters, needs escaping


async def eventually(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Waits until `check()` is truthy (channels answer asynchronously) and returns it."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)
    return result


@dataclass
class Gateway:
    url: str
    app: web.Application

    @property
    def store(self) -> MediaStore:
        return self.app[MEDIA]


@contextlib.asynccontextmanager
async def running_gateway(settings: GatewaySettings) -> AsyncIterator[Gateway]:
    app = create_app(settings)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, settings.host, settings.port).start()
    try:
        yield Gateway(f"http://{settings.host}:{settings.port}", app)
    finally:
        await runner.cleanup()


@pytest.fixture
async def rasa() -> AsyncIterator[tuple[str, list[dict]]]:
    """Speaks Rasa's REST channel with a small script; records every body it receives."""
    async with fake_rasa(scripted_answer) as fake:
        yield fake.url, fake.received


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


def whatsapp_settings(fake_graph) -> WhatsAppSettings:
    """The WhatsApp channel against the fake Graph API, with this module's test credentials."""
    return WhatsAppSettings(
        token=WA_TOKEN,
        phone_number_id=WA_PHONE_NUMBER_ID,
        app_secret=WA_APP_SECRET,
        verify_token=WA_VERIFY_TOKEN,
        api_base_url=fake_graph.url,
    )


@pytest.fixture
async def whatsapp_gateway(gateway_settings, fake_graph) -> AsyncIterator[Gateway]:
    async with running_gateway(gateway_settings(whatsapp=whatsapp_settings(fake_graph))) as gateway:
        yield gateway


def scripted_answer(body: dict) -> list[dict]:
    """What the scripted Rasa says to each test message."""
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
            {"text": "", "buttons": [{"title": f"Kategori {i}", "payload": f"/pilih_{i}"} for i in range(12)]}
        ]
    if message == "panjang":
        return [{"text": LONG_TEXT}]
    if message == "/share_evidence":
        return [{"text": f"Lampiran {metadata['attachments'][0]['filename']} diterima."}]
    if message == "/share_location":
        return [{"text": "Lokasi diterima."}]
    return [{"text": f"echo {message}"}]
