"""The console channel keeps working beside the chat channels, through the same gateway core."""
from __future__ import annotations

import aiohttp


async def test_console_and_whatsapp_share_one_path_to_rasa(whatsapp_gateway, rasa):
    async with aiohttp.ClientSession() as http:
        async with http.post(whatsapp_gateway.url + "/console/messages", json={"user_id": "dev", "text": "lapor", "message_id": "c1"}) as resp:
            assert resp.status == 200
            answer = await resp.json()
        async with http.post(whatsapp_gateway.url + "/console/messages", json={"user_id": "dev", "text": "lapor", "message_id": "c1"}) as resp:
            assert (await resp.json()) == {"messages": []}  # the same delivery twice: processed once
    assert answer["messages"][0]["buttons"][0] == {"title": "Pengaduan", "payload": "/file_complaint"}
    assert rasa[1] == [{"sender": "console:dev", "message": "lapor", "metadata": {"channel": "console"}}]
