"""Acceptance: a citizen files a complete report with a photo and a shared location, on Telegram and
on WhatsApp, through the real stack (Rasa, action server, LAPOR sandbox, Redis). The channel side is
a gateway in this process, configured like the stack's own one but pointed at the fake Telegram Bot
API / Graph API servers; it shares the stack's Redis, Rasa and media directory."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from bot.channels.settings import TelegramSettings, WhatsAppSettings
from tests.support.chat_citizens import (
    TelegramCitizen,
    WhatsAppCitizen,
    assert_filed_with_photo,
    file_a_report,
    sandbox_state,
    stack_settings,
)
from tests.support.gateway import (
    TELEGRAM_TOKEN,
    WA_APP_SECRET,
    WA_PHONE_NUMBER_ID,
    WA_TOKEN,
    WA_VERIFY_TOKEN,
    running_gateway,
)

pytestmark = pytest.mark.stack


async def test_complete_filing_on_telegram(stack, fake_telegram):
    telegram = TelegramSettings(token=TELEGRAM_TOKEN, api_base_url=fake_telegram.url)
    async with running_gateway(stack_settings(stack, telegram=telegram)):
        citizen = TelegramCitizen(fake_telegram, chat_id=int(time.time()) % 1_000_000 + 7_000_000)
        tracking_id = await file_a_report(citizen)
    assert_filed_with_photo(stack, tracking_id)


async def test_complete_filing_on_whatsapp(stack, fake_graph):
    whatsapp = WhatsAppSettings(
        token=WA_TOKEN,
        phone_number_id=WA_PHONE_NUMBER_ID,
        app_secret=WA_APP_SECRET,
        verify_token=WA_VERIFY_TOKEN,
        api_base_url=fake_graph.url,
    )
    async with (
        running_gateway(stack_settings(stack, whatsapp=whatsapp)) as gateway,
        aiohttp.ClientSession() as http,
    ):
        citizen = WhatsAppCitizen(
            fake_graph, f"62812{int(time.time()) % 10_000_000:07d}", gateway.url + "/whatsapp/webhook", http
        )
        tracking_id = await file_a_report(citizen)
        # Meta delivers the confirming tap once more: nothing is filed or answered twice.
        reports, answers = len(sandbox_state(stack)["reports"]), len(fake_graph.to(citizen.wa_id))
        await citizen.redeliver()
        await asyncio.sleep(3)
        assert (
            len(sandbox_state(stack)["reports"]) == reports and len(fake_graph.to(citizen.wa_id)) == answers
        )
    assert_filed_with_photo(stack, tracking_id)
