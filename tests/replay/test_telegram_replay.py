"""Real Telegram updates from public sources (telegram.json, each with its origin and licence), posted to the
real gateway's webhook against the fake Bot API: each is relayed to Rasa as the contract says, answered
kindly, or ignored quietly, never a crash and never an empty turn."""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.channels.telegram import inbound
from tests.support.gateway import SAMPLES, WEBHOOK_SECRET, eventually

CORPUS = json.loads((Path(__file__).parent / "telegram.json").read_text())
MESSAGES = ("message", "edited_message", "channel_post", "edited_channel_post")
# The sample registered for a file, by the field that holds it (or its declared type).
SAMPLE_OF_FIELD = {"photo": "jpg", "voice": "ogg", "video_note": "mp4", "audio": "mp3"}
SAMPLE_OF_TYPE = {
    "video/quicktime": "mov",
    "video/mp4": "mp4",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
QUIET_SECONDS = 0.3  # how long an ignored update is watched for any effect
_update_ids = itertools.count(int(time.time() * 1000) % 10**12)


def _register_files(value: Any, fake_telegram, field: str = "") -> None:
    """Every file object in the update replaced by one the fake Bot API serves, of the declared type."""
    if isinstance(value, list):
        for item in value:
            _register_files(item, fake_telegram, field)
    elif isinstance(value, dict):
        if "file_id" in value:
            sample = SAMPLE_OF_FIELD.get(field) or SAMPLE_OF_TYPE.get(value.get("mime_type"), "jpg")
            value.update(fake_telegram.add_file(SAMPLES[sample]))
        for key, inner in value.items():
            _register_files(inner, fake_telegram, key if key in SAMPLE_OF_FIELD else field)


def replayable(case: dict, fake_telegram) -> dict:
    """The update as Telegram would deliver it now, with its files registered in the fake Bot API."""
    update = copy.deepcopy(case["update"])
    update["update_id"] = next(_update_ids)
    for field in MESSAGES:
        if field in update:
            update[field]["date"] = int(time.time())
    _register_files(update, fake_telegram)
    return update


def chat_of(update: dict) -> int | None:
    for field in (*MESSAGES, "my_chat_member"):
        if field in update:
            return update[field]["chat"]["id"]
    if "callback_query" in update:
        return update["callback_query"]["message"]["chat"]["id"]
    return None


@pytest.mark.parametrize("case", CORPUS["cases"], ids=[c["name"] for c in CORPUS["cases"]])
async def test_replayed_update(case, telegram_webhook_gateway, fake_telegram, rasa):
    assert case["origin"].startswith("https://") and case["licence"]
    update = replayable(case, fake_telegram)
    headers = {inbound.SECRET_HEADER: WEBHOOK_SECRET}
    async with aiohttp.ClientSession() as http:
        async with http.post(
            telegram_webhook_gateway.url + inbound.WEBHOOK_PATH, json=update, headers=headers
        ) as resp:
            assert resp.status == 200
    expect, received, chat = case["expect"], rasa[1], chat_of(update)
    if "relayed" in expect:
        [turn] = await eventually(lambda: received)
        assert turn["message"] == expect["relayed"]
        assert turn["sender"] == f"telegram:{chat}"
        metadata = turn["metadata"]
        attachments = metadata.get("attachments") or [{}]
        assert attachments[0].get("content_type") == expect.get("content_type")
        assert metadata.get("caption") == expect.get("caption")
        assert metadata.get("location") == expect.get("location")
        await eventually(lambda: fake_telegram.texts(chat))  # the citizen hears back
    elif "answered" in expect:
        answer = getattr(inbound, expect["answered"])
        assert await eventually(lambda: fake_telegram.texts(chat)) == [answer]
        assert received == []
    else:
        await asyncio.sleep(QUIET_SECONDS)
        assert received == [] and fake_telegram.sent("sendMessage") == []
        assert fake_telegram.sent("sendChatAction") == []
