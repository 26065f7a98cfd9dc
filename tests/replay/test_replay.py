"""Real WhatsApp webhook deliveries from public sources (whatsapp.json, each with its origin and licence),
replayed through the real gateway app: each is relayed to Rasa as the contract says, answered kindly, or
ignored quietly, never a crash and never an empty turn."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from pathlib import Path

import aiohttp
import pytest

from bot.channels.whatsapp import inbound
from tests.support.fake_graph import signed
from tests.support.gateway import SAMPLES, WA_APP_SECRET, WA_PHONE_NUMBER_ID, eventually

CORPUS = json.loads((Path(__file__).parent / "whatsapp.json").read_text())
SAMPLE_OF = {"image/jpeg": "jpg", "video/mp4": "mp4", "application/pdf": "pdf", "audio/ogg": "ogg"}
QUIET_SECONDS = 0.3  # how long an ignored delivery is watched for any effect


def replayable(case: dict, fake_graph) -> dict:
    """The delivery addressed to our number, written now, with its media registered in the fake Graph API."""
    delivery = copy.deepcopy(case["payload"])
    values = [change["value"] for entry in delivery["entry"] for change in entry["changes"]]
    for value in values:
        value["metadata"]["phone_number_id"] = WA_PHONE_NUMBER_ID
        for message in value.get("messages", []):
            message["timestamp"] = str(int(time.time()))
            inner = message.get("edit", {}).get("message", message)
            media = inner.get(inner.get("type"), {})
            if isinstance(media, dict) and media.get("id") and media.get("mime_type"):
                sample = SAMPLES[SAMPLE_OF.get(media["mime_type"].split(";")[0], "jpg")]
                fake_graph.add_media(sample, media["mime_type"], media_id=str(media["id"]))
    return delivery


@pytest.mark.parametrize("case", CORPUS["cases"], ids=[c["name"] for c in CORPUS["cases"]])
async def test_replayed_delivery(case, whatsapp_gateway, fake_graph, rasa, redis_sync):
    assert case["origin"].startswith("https://") and case["licence"]
    delivery = replayable(case, fake_graph)
    body, headers = signed(delivery, WA_APP_SECRET)
    async with aiohttp.ClientSession() as http:
        async with http.post(whatsapp_gateway.url + "/whatsapp/webhook", data=body, headers=headers) as resp:
            assert resp.status == 200
    expect, received = case["expect"], rasa[1]
    if "relayed" in expect:
        [turn] = await eventually(lambda: received)
        assert turn["message"] == expect["relayed"]
        assert turn["sender"] == expect.get("sender", "whatsapp:US.13491208655302741918")
        attachments = turn["metadata"].get("attachments") or [{}]
        assert attachments[0].get("content_type") == expect.get("content_type")
        assert turn["metadata"].get("caption") == expect.get("caption")
        await eventually(lambda: fake_graph.sent)  # the citizen hears back
    elif "answered" in expect:
        answer = getattr(inbound, expect["answered"])
        assert await eventually(lambda: [m["text"]["body"] for m in fake_graph.sent]) == [answer]
        assert received == []
    else:
        await asyncio.sleep(QUIET_SECONDS)
        assert received == [] and fake_graph.sent == []
    if expect.get("counted"):
        assert redis_sync.hgetall("app:gateway:whatsapp:failed")
