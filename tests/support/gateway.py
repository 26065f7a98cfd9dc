"""What the gateway tests share: platform credentials of the fakes, sample files, the real gateway app
served on loopback, and a wait for asynchronous answers."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.gateway.app import MEDIA, create_app
from bot.gateway.settings import GatewaySettings
from common.media import MediaStore

TELEGRAM_TOKEN = "123456:TEST-token"
WEBHOOK_SECRET = "rahasia-webhook"
WA_TOKEN, WA_PHONE_NUMBER_ID, WA_APP_SECRET, WA_VERIFY_TOKEN = (
    "wa-token",
    "1098765",
    "app-secret",
    "verify-me",
)

# The smallest files whose bytes say what they are.
SAMPLES = {
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 200,
    "png": b"\x89PNG\r\n\x1a\n" + b"\x02" * 200,
    "pdf": b"%PDF-1.4\n%uji\n" + b"x" * 200,
    "mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 200,
    "ogg": b"OggS\x00\x02" + b"\x00" * 22 + b"OpusHead" + b"\x01" * 200,  # a voice note
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
