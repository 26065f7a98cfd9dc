"""Acceptance: a citizen files a complete report with a photo (its caption a note in the report) and a
one-tap location (its Kemendagri region routing the report), on Telegram and on WhatsApp, through the
real stack (Rasa, action server, LAPOR sandbox, Redis); a WhatsApp citizen known only by a username
files one with a voice note and is later asked by the agency. The channel side is a gateway in this
process, configured like the stack's own one but pointed at the fake Telegram Bot API / Graph API
servers; it shares the stack's Redis, Rasa and media directory. The notifier runs here too."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
import redis.asyncio as aioredis

from bot.channels.settings import TelegramSettings
from bot.channels.whatsapp.graph import GraphClient
from bot.channels.whatsapp.outbound import ServiceWindow, WhatsAppOutbound
from lapor_client import LaporClient, LaporSettings, SandboxAdmin
from tests.support.chat_citizens import (
    TelegramCitizen,
    WhatsAppCitizen,
    assert_filed_with_photo,
    file_a_report,
    sandbox_state,
    stack_notifier,
    stack_settings,
)
from tests.support.gateway import SAMPLES, TELEGRAM_TOKEN, running_gateway, whatsapp_settings

pytestmark = pytest.mark.stack

CAPTION = "ini lubangnya, sudah 2 minggu"


def assert_caption_noted(report: dict) -> None:
    """The story first, then the caption as a note on the photo (named as each channel names it)."""
    story, notes = report["body"].split("\n\nKeterangan pada lampiran:\n- ")
    assert story.startswith("Jalan di depan rumah saya berlubang") and notes.endswith(f".jpg: {CAPTION}")


def with_caption(citizen):
    return citizen.photo(SAMPLES["jpg"], caption=CAPTION)


async def test_complete_filing_on_telegram(stack, fake_telegram):
    telegram = TelegramSettings(token=TELEGRAM_TOKEN, api_base_url=fake_telegram.url)
    async with running_gateway(stack_settings(stack, telegram=telegram)):
        citizen = TelegramCitizen(fake_telegram, chat_id=int(time.time()) % 1_000_000 + 7_000_000)
        tracking_id = await file_a_report(citizen, evidence=with_caption)
    report = assert_filed_with_photo(stack, tracking_id)
    assert_caption_noted(report)


async def test_complete_filing_on_whatsapp(stack, fake_graph):
    async with (
        running_gateway(stack_settings(stack, whatsapp=whatsapp_settings(fake_graph))) as gateway,
        aiohttp.ClientSession() as http,
    ):
        citizen = WhatsAppCitizen(
            fake_graph, f"62812{int(time.time()) % 10_000_000:07d}", gateway.url + "/whatsapp/webhook", http
        )
        tracking_id = await file_a_report(citizen, evidence=with_caption)
        # Meta delivers the confirming tap once more: nothing is filed or answered twice.
        reports, answers = len(sandbox_state(stack)["reports"]), len(citizen.received())
        await citizen.redeliver()
        await asyncio.sleep(3)
        assert len(sandbox_state(stack)["reports"]) == reports and len(citizen.received()) == answers
    report = assert_filed_with_photo(stack, tracking_id)
    assert_caption_noted(report)


async def test_a_whatsapp_citizen_with_only_a_username_files_a_voice_note_and_is_asked_later(
    stack, fake_graph
):
    whatsapp = whatsapp_settings(fake_graph)
    redis = aioredis.from_url(stack.redis_url)
    lapor_settings = LaporSettings(base_url=stack.sandbox_url, token=stack.env["LAPOR_TOKEN"])
    async with (
        running_gateway(stack_settings(stack, whatsapp=whatsapp)) as gateway,
        aiohttp.ClientSession() as http,
        LaporClient(lapor_settings) as lapor,
        SandboxAdmin(stack.sandbox_url) as admin,
    ):
        # No phone number in any delivery: the business-scoped user id (BSUID) only.
        bsuid = f"ID.{int(time.time() * 1000) % 10**17:017d}"
        citizen = WhatsAppCitizen(fake_graph, None, gateway.url + "/whatsapp/webhook", http, bsuid=bsuid)
        tracking_id = await file_a_report(citizen, evidence=lambda c: c.voice_note(SAMPLES["ogg"]))
        assert all("to" not in m and m["recipient"] == bsuid for m in citizen.received())
        assert_filed_with_photo(stack, tracking_id, sample="ogg")  # the voice note is in LAPOR

        outbound = WhatsAppOutbound(GraphClient(http, whatsapp), ServiceWindow(redis))
        notifier = stack_notifier(stack, lapor, redis, http, {"whatsapp": outbound})
        await admin.transition(tracking_id, "verified")
        await admin.transition(tracking_id, "forwarded", agency_id="dpupr-kota-bandung")
        await admin.clarification(tracking_id, "Mohon sebutkan patokan terdekat.")
        before = len(citizen.received())
        await notifier.follow_feed_once()
        await notifier.deliver_due_once()
        said = "\n".join(citizen._read(m)["text"] for m in citizen.received()[before:])
        assert "Mohon sebutkan patokan terdekat." in said and f"#{tracking_id}" in said
    await redis.close()
