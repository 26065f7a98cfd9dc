"""The gateway core against a real Redis and a real (local) HTTP server standing in for Rasa."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiohttp import web

from bot.gateway.conversations import ASSISTANT_UNAVAILABLE, Conversations, Incoming
from bot.rasa_client import RasaClient, RasaUnavailable
from common.identity import pseudonym as user_ref
from tests.support import serving


@pytest.fixture
async def fake_rasa():
    """An HTTP server speaking Rasa's REST channel: echoes the message and records the bodies."""
    received: list[dict] = []

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        received.append(body)
        await asyncio.sleep(0.01 if body["message"] != "lambat" else 0.2)
        return web.json_response(
            [
                {
                    "recipient_id": body["sender"],
                    "text": f"echo {body['message']}",
                    "buttons": [{"title": "Ya", "payload": "/affirm"}],
                }
            ]
        )

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    async with serving(app) as url:
        yield url, received


@pytest.fixture
async def conversations(fake_rasa, redis_async):
    url, _ = fake_rasa
    async with aiohttp.ClientSession() as http:
        yield Conversations(RasaClient(url, http), redis_async, max_text_chars=50)


async def test_relays_with_channel_metadata_and_buttons(conversations, fake_rasa):
    _, received = fake_rasa
    replies = await conversations.handle(Incoming("telegram", "42", "halo", "m1", {"x": 1}))
    assert replies[0].text == "echo halo"
    assert replies[0].buttons[0].payload == "/affirm"
    assert received == [
        {"sender": "telegram:42", "message": "halo", "metadata": {"x": 1, "channel": "telegram"}}
    ]


async def test_duplicate_delivery_is_processed_once(conversations, fake_rasa):
    _, received = fake_rasa
    first = await conversations.handle(Incoming("whatsapp", "628123", "halo", "wamid.1"))
    second = await conversations.handle(Incoming("whatsapp", "628123", "halo", "wamid.1"))
    assert first and second is None
    assert len(received) == 1


async def test_one_users_messages_stay_in_order(conversations, fake_rasa):
    _, received = fake_rasa
    await asyncio.gather(
        conversations.handle(Incoming("console", "u", "lambat", "1")),
        conversations.handle(Incoming("console", "u", "cepat", "2")),
    )
    assert [b["message"] for b in received] == ["lambat", "cepat"]


async def test_over_long_text_gets_a_friendly_refusal(conversations, fake_rasa):
    _, received = fake_rasa
    replies = await conversations.handle(Incoming("console", "u", "x" * 51, "long"))
    assert "terlalu panjang" in replies[0].text and "50" in replies[0].text
    assert received == []


async def test_rasa_down_releases_the_delivery_for_a_retry(redis_async, unused_tcp_port):
    async with aiohttp.ClientSession() as http:
        conv = Conversations(RasaClient(f"http://127.0.0.1:{unused_tcp_port}", http, timeout=2), redis_async)
        msg = Incoming("whatsapp", "628123", "halo", "wamid.2")
        with pytest.raises(RasaUnavailable):
            await conv.handle(msg)
        # The platform's redelivery is not mistaken for a duplicate.
        assert await conv.claim(msg)
    assert "gangguan" in ASSISTANT_UNAVAILABLE


def test_user_ref_hides_the_id():
    ref = user_ref("whatsapp:6281234567890")
    assert "6281234567890" not in ref and ref == user_ref("whatsapp:6281234567890")
