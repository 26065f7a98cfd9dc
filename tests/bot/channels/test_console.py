"""The console channel keeps working beside the chat channels, through the same gateway core."""

from __future__ import annotations

from dataclasses import replace

import aiohttp
import pytest

from bot.gateway.settings import GatewaySettings
from common.inbox import ConsoleInbox
from common.messages import BotMessage as Reply
from tests.support.gateway import SAMPLES, running_gateway, whatsapp_settings

TOKEN = "console-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def with_console(settings: GatewaySettings) -> GatewaySettings:
    return replace(settings, console_enabled=True, console_token=TOKEN)


@pytest.fixture
async def console(gateway_settings):
    settings = with_console(gateway_settings())
    async with running_gateway(settings) as gateway, aiohttp.ClientSession(headers=AUTH) as http:
        yield gateway, http


async def upload(http: aiohttp.ClientSession, url: str, user_id: str, data: bytes, name: str):
    form = aiohttp.FormData()
    form.add_field("file", data, filename=name)
    async with http.post(url + "/console/media", params={"user_id": user_id}, data=form) as resp:
        return resp.status, await resp.json()


def test_the_console_is_off_unless_enabled_and_then_needs_a_token(monkeypatch):
    monkeypatch.delenv("CONSOLE_CHANNEL", raising=False)
    assert not GatewaySettings.from_env().console_enabled
    monkeypatch.setenv("CONSOLE_CHANNEL", "1")
    monkeypatch.setenv("CONSOLE_TOKEN", "t0k3n")
    settings = GatewaySettings.from_env()
    assert settings.console_enabled and settings.console_token == "t0k3n"


async def test_console_and_whatsapp_share_one_path_to_rasa(gateway_settings, fake_graph, rasa):
    whatsapp = whatsapp_settings(fake_graph)
    settings = with_console(gateway_settings(whatsapp=whatsapp))
    async with running_gateway(settings) as gateway, aiohttp.ClientSession(headers=AUTH) as http:
        body = {"user_id": "dev", "text": "lapor", "message_id": "c1"}
        async with http.post(gateway.url + "/console/messages", json=body) as resp:
            assert resp.status == 200
            answer = await resp.json()
        async with http.post(gateway.url + "/console/messages", json=body) as resp:
            assert (await resp.json()) == {"messages": []}  # the same delivery twice: processed once
        async with http.post(gateway.url + "/whatsapp/webhook") as resp:
            assert resp.status == 401  # mounted beside the console, unsigned
    assert answer["messages"][0]["buttons"][0] == {"title": "Pengaduan", "payload": "/file_complaint"}
    assert rasa[1] == [{"sender": "console:dev", "message": "lapor", "metadata": {"channel": "console"}}]


async def test_console_media_keeps_allowed_files_and_refuses_others_in_indonesian(console):
    gateway, http = console
    status, answer = await upload(http, gateway.url, "dev", SAMPLES["jpg"], "../../jalan.jpg")
    assert status == 200
    attachment = answer["attachment"]
    status, answer = await upload(http, gateway.url, "dev", SAMPLES["exe"], "foto.jpg")  # named like one
    assert status == 422
    refusal = answer["messages"][0]["text"]
    too_large = SAMPLES["pdf"] + b"x" * gateway.store.max_bytes
    status, answer = await upload(http, gateway.url, "dev", too_large, "besar.pdf")
    assert status == 422
    assert attachment["content_type"] == "image/jpeg" and attachment["ref"].endswith(".jpg")
    assert "/" not in attachment["filename"]
    assert (gateway.store.root / attachment["ref"]).read_bytes() == SAMPLES["jpg"]
    assert "tidak dapat kami terima" in refusal
    assert "terlalu besar" in answer["messages"][0]["text"]


async def test_a_pin_and_an_own_upload_become_the_gateways_payloads(console, rasa):
    gateway, http = console
    _, answer = await upload(http, gateway.url, "dev", SAMPLES["png"], "lubang.png")
    ref = answer["attachment"]["ref"]
    for body in ({"location": {"lat": -6.9, "lon": 107.6}}, {"attachment": ref}):
        async with http.post(gateway.url + "/console/messages", json={"user_id": "dev", **body}) as resp:
            assert resp.status == 200
    pin, evidence = rasa[1]
    assert (pin["message"], pin["metadata"]["location"]) == ("/share_location", {"lat": -6.9, "lon": 107.6})
    assert evidence["message"] == "/share_evidence"
    assert evidence["metadata"]["attachments"] == [answer["attachment"]]


async def test_console_inbox_hands_over_notifications_once(console, redis_async):
    gateway, http = console
    await ConsoleInbox(redis_async).put("dev", [Reply("Laporan #1234567 sudah diverifikasi.")])
    async with http.get(gateway.url + "/console/inbox", params={"user_id": "dev"}) as resp:
        first = (await resp.json())["messages"]
    async with http.get(gateway.url + "/console/inbox", params={"user_id": "dev"}) as resp:
        second = (await resp.json())["messages"]
    assert first == [{"text": "Laporan #1234567 sudah diverifikasi."}]
    assert second == []
