"""Issue 16's acceptance "one on each platform through the fake APIs": a Telegram citizen (fake Bot API) and
a WhatsApp citizen (fake Graph API) each file a report, are asked by the agency, answer exactly once, hear
of a follow-up and the completion in one poll, and rate the report. The gateway and the notifier run here,
configured like the stack's, against its Rasa, action server, sandbox and Redis."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis

from actions.report.dates import format_date
from bot.channels.registry import outbounds
from bot.channels.settings import ChannelSettings, TelegramSettings
from bot.notifier.burst import MAX_MESSAGES
from common.workdays import due_day
from lapor_client import LaporClient, LaporSettings, SandboxAdmin
from tests.support.chat_citizens import (
    TelegramCitizen,
    WhatsAppCitizen,
    file_a_report,
    sandbox_state,
    stack_notifier,
    stack_settings,
)
from tests.support.gateway import TELEGRAM_TOKEN, running_gateway, whatsapp_settings

pytestmark = pytest.mark.stack

AGENCY = "dpupr-kota-bandung"
QUESTION = "Mohon sebutkan patokan terdekat dari lokasi lubang."
ANSWER = "Di depan Masjid Al Ikhlas, seberang warung Bu Yati"


def read(citizen) -> list[dict[str, Any]]:
    """Everything the citizen was sent so far, as text and button titles."""
    if isinstance(citizen, WhatsAppCitizen):
        return [citizen._read(m) for m in citizen.received()]
    return [
        {
            "text": m["text"],
            "buttons": [
                b["text"] for row in (m.get("reply_markup") or {}).get("inline_keyboard", ()) for b in row
            ],
        }
        for m in citizen._messages()
    ]


def joined(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m["text"] for m in messages)


@contextlib.asynccontextmanager
async def citizen_on(platform: str, stack, fake_telegram, fake_graph) -> AsyncIterator[tuple[Any, Any]]:
    """A citizen on `platform` through the gateway, and the notifier sending on the same platform."""
    telegram = TelegramSettings(token=TELEGRAM_TOKEN, api_base_url=fake_telegram.url)
    channels = (
        {"telegram": telegram} if platform == "telegram" else {"whatsapp": whatsapp_settings(fake_graph)}
    )
    redis = aioredis.from_url(stack.redis_url)
    lapor_settings = LaporSettings(base_url=stack.sandbox_url, token=stack.env["LAPOR_TOKEN"])
    async with (
        running_gateway(stack_settings(stack, **channels)) as gateway,
        aiohttp.ClientSession() as http,
        LaporClient(lapor_settings) as lapor,
        outbounds(ChannelSettings(**channels, whatsapp_template="status_laporan"), redis, http) as sending,
    ):
        unique = int(time.time() * 1000) % 1_000_000
        if platform == "telegram":
            citizen = TelegramCitizen(fake_telegram, chat_id=8_000_000 + unique)
        else:
            citizen = WhatsAppCitizen(
                fake_graph, f"62813{unique:07d}", gateway.url + "/whatsapp/webhook", http
            )
        yield citizen, stack_notifier(stack, lapor, redis, http, sending)
    await redis.close()


async def poll(notifier, citizen) -> list[dict[str, Any]]:
    """One round of the notifier: what the citizen was told."""
    before = len(read(citizen))
    await notifier.follow_feed_once()
    await notifier.deliver_due_once()
    return read(citizen)[before:]


@pytest.mark.parametrize("platform", ["telegram", "whatsapp"])
async def test_answer_once_follow_up_and_completion_in_one_poll_then_rate(
    platform, stack, fake_telegram, fake_graph
):
    async with (
        citizen_on(platform, stack, fake_telegram, fake_graph) as (citizen, notifier),
        SandboxAdmin(stack.sandbox_url) as admin,
    ):
        tracking_id = await file_a_report(citizen)
        await poll(notifier, citizen)  # the filing's own news

        # Forwarded and asked in one poll: each event told with its own moment's deadline, the question once.
        await admin.transition(tracking_id, "verified")
        forwarded = (await admin.transition(tracking_id, "forwarded", agency_id=AGENCY))["events"][-1]
        await admin.clarification(tracking_id, QUESTION)
        told = await poll(notifier, citizen)
        assert 1 <= len(told) <= MAX_MESSAGES, told
        due = due_day("forwarded", datetime.fromisoformat(forwarded["at"]))
        assert f"paling lambat {format_date(due)}" in joined(told) and QUESTION in joined(told)
        assert joined(told).count("Tulis jawaban Anda") == 1, told

        said = await citizen.text(ANSWER)
        assert f"Kirim jawaban ini untuk laporan #{tracking_id}?" in joined(said)
        said = await citizen.press("📤 Kirim")
        assert f"Jawaban Anda untuk laporan #{tracking_id} sudah dikirim" in joined(said)
        assert [r["message"] for r in await admin.replies(tracking_id)] == [ANSWER]

        # A follow-up and the completion in one poll: asked once whether it solved the problem.
        await admin.follow_up(tracking_id, "Lubang sudah ditambal hari ini.")
        await admin.transition(tracking_id, "completed")
        told = await poll(notifier, citizen)
        assert 1 <= len(told) <= MAX_MESSAGES, told
        assert joined(told).count(
            "sudah menyelesaikan masalah Anda?"
        ) == 1 and "dinyatakan selesai" in joined(told)
        assert await poll(notifier, citizen) == []  # nothing told twice

        said = await citizen.press("✅ Sudah")
        assert "Seberapa puas" in said[-1]["text"], said
        said = await citizen.text("5")
        assert "komentar" in said[-1]["text"].lower(), said
        said = await citizen.text("Cepat dan rapi, terima kasih")
        assert "Terima kasih atas penilaian" in joined(said)
        # Still exactly the one answer: neither "sudah" nor the rating became a reply.
        assert [r["message"] for r in await admin.replies(tracking_id)] == [ANSWER]

    rating = sandbox_state(stack)["reports"][tracking_id]["rating"]
    assert rating == {"score": 5, "comment": "Cepat dan rapi, terima kasih"}
