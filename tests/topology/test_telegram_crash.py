"""A Telegram update cut by a gateway crash is answered exactly once (issue 15: an update acknowledged
just before a crash was lost, and the citizen's repetition showed the summary twice).

Two gateway processes share one Redis, as behind HAProxy; the test plays Telegram's webhook delivery
(redelivered while it gets no 200) and Rasa (slow on the first attempt, so that the crash falls in
the middle of the turn). The first gateway is SIGKILLed mid-turn; Telegram's redelivery reaches the
second one, which answers it once the crashed gateway's mark expired."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from tests.support import free_port, serving
from tests.support.gateway import TELEGRAM_TOKEN, WEBHOOK_SECRET

ROOT = Path(__file__).resolve().parents[2]
CHAT = 4242
SUMMARY = "Ringkasan laporan Anda. Kirim laporan ini?"
RASA_TIMEOUT = 2  # the crashed gateway's mark lasts this plus 5 s


class SlowFirstRasa:
    """Rasa's REST channel: the first turn takes long (the gateway dies meanwhile), later ones not."""

    def __init__(self) -> None:
        self.received: list[dict] = []

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        if len(self.received) == 1:
            await asyncio.sleep(RASA_TIMEOUT * 0.9)
        return web.json_response([{"recipient_id": body["sender"], "text": SUMMARY}])

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self.webhook)
        app.router.add_get("/", lambda request: web.Response(text="Hello from Rasa"))
        return app


def start_gateway(port: int, redis_url: str, rasa_url: str, telegram_url: str, media: Path):
    env = {
        **os.environ,
        "GATEWAY_PORT": str(port),
        "REDIS_URL": redis_url,
        "RASA_URL": rasa_url,
        "RASA_TIMEOUT": str(RASA_TIMEOUT),
        "MEDIA_DIR": str(media),
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_API_BASE_URL": telegram_url,
        "TELEGRAM_WEBHOOK_URL": "https://lapor.example/telegram/webhook",
        "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.gateway"], cwd=ROOT, env=env, start_new_session=True
    )
    return process


async def wait_healthy(http: aiohttp.ClientSession, url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the gateway exited"
        try:
            async with http.get(f"{url}/health") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError("the gateway did not start")


async def deliver(http: aiohttp.ClientSession, url: str, update: dict) -> int | None:
    """Telegram's webhook delivery: the HTTP status, None when the connection broke."""
    try:
        async with http.post(
            f"{url}/telegram/webhook",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
        ) as resp:
            return resp.status
    except aiohttp.ClientError:
        return None


async def test_an_update_cut_by_a_gateway_crash_is_answered_once(
    redis_sync, redis_url, fake_telegram, tmp_path
):
    rasa = SlowFirstRasa()
    gateways: list[subprocess.Popen] = []
    async with serving(rasa.app()) as rasa_url, aiohttp.ClientSession() as http:
        try:
            urls = []
            for _ in range(2):
                port = free_port()
                gateways.append(start_gateway(port, redis_url, rasa_url, fake_telegram.url, tmp_path))
                urls.append(f"http://127.0.0.1:{port}")
            for url, process in zip(urls, gateways):
                await wait_healthy(http, url, process)

            update = fake_telegram.text(CHAT, "rahasia")
            first = asyncio.create_task(deliver(http, urls[0], update))
            while not rasa.received:  # the turn is under way in the first gateway
                await asyncio.sleep(0.05)
            os.killpg(gateways[0].pid, signal.SIGKILL)
            acknowledged = await first
            if acknowledged != 200:  # Telegram redelivers what got no 200, here to the other gateway
                assert await deliver(http, urls[1], update) == 200

            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and SUMMARY not in fake_telegram.texts(CHAT):
                await asyncio.sleep(0.1)
            await asyncio.sleep(RASA_TIMEOUT + 1)  # room for a second answer, if one were coming
        finally:
            for process in gateways:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
                process.wait(10)

    assert fake_telegram.texts(CHAT).count(SUMMARY) == 1
