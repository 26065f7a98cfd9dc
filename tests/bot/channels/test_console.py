"""The console channel keeps working beside the chat channels, through the same gateway core."""

from __future__ import annotations

import aiohttp

from common.inbox import ConsoleInbox
from common.messages import BotMessage as Reply
from tests.support.gateway import SAMPLES, running_gateway


async def test_console_and_whatsapp_share_one_path_to_rasa(whatsapp_gateway, rasa):
    async with aiohttp.ClientSession() as http:
        async with http.post(
            whatsapp_gateway.url + "/console/messages",
            json={"user_id": "dev", "text": "lapor", "message_id": "c1"},
        ) as resp:
            assert resp.status == 200
            answer = await resp.json()
        async with http.post(
            whatsapp_gateway.url + "/console/messages",
            json={"user_id": "dev", "text": "lapor", "message_id": "c1"},
        ) as resp:
            assert (await resp.json()) == {"messages": []}  # the same delivery twice: processed once
    assert answer["messages"][0]["buttons"][0] == {"title": "Pengaduan", "payload": "/file_complaint"}
    assert rasa[1] == [{"sender": "console:dev", "message": "lapor", "metadata": {"channel": "console"}}]


async def test_console_media_keeps_allowed_files_and_refuses_others_in_indonesian(gateway_settings):
    settings = gateway_settings()
    async with running_gateway(settings) as gateway, aiohttp.ClientSession() as http:
        form = aiohttp.FormData()
        form.add_field("file", SAMPLES["jpg"], filename="../../jalan.jpg")
        async with http.post(gateway.url + "/console/media", data=form) as resp:
            assert resp.status == 200
            attachment = (await resp.json())["attachment"]
        form = aiohttp.FormData()
        form.add_field("file", SAMPLES["exe"], filename="foto.jpg")  # named like a photo, but is not
        async with http.post(gateway.url + "/console/media", data=form) as resp:
            assert resp.status == 422
            refusal = (await resp.json())["messages"][0]["text"]
        form = aiohttp.FormData()
        form.add_field("file", SAMPLES["pdf"] + b"x" * settings.media_max_bytes, filename="besar.pdf")
        async with http.post(gateway.url + "/console/media", data=form) as resp:
            too_big = (await resp.json())["messages"][0]["text"]
    assert attachment["content_type"] == "image/jpeg" and attachment["ref"].endswith(".jpg")
    assert "/" not in attachment["filename"]
    assert (settings.media_dir / attachment["ref"]).read_bytes() == SAMPLES["jpg"]
    assert "tidak dapat kami terima" in refusal
    assert "terlalu besar" in too_big


async def test_console_inbox_hands_over_notifications_once(gateway_settings, redis_async):
    await ConsoleInbox(redis_async).put("dev", [Reply("Laporan #1234567 sudah diverifikasi.")])
    async with running_gateway(gateway_settings()) as gateway, aiohttp.ClientSession() as http:
        async with http.get(gateway.url + "/console/inbox", params={"user_id": "dev"}) as resp:
            first = (await resp.json())["messages"]
        async with http.get(gateway.url + "/console/inbox", params={"user_id": "dev"}) as resp:
            second = (await resp.json())["messages"]
    assert first == [{"text": "Laporan #1234567 sudah diverifikasi."}]
    assert second == []
