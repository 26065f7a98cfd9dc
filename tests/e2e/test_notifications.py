"""Acceptance (issue 6): a report filed on Telegram is moved along by LAPOR's admin and the agency;
the notifier, run here in the test, tells the citizen each step exactly once through the dialogue;
the citizen answers the clarification with text and a photo (one reply in LAPOR, with the photo),
says a follow-up did not solve it and replies, and rates the completed report.

The stack (Redis, sandbox, action server, Rasa) is the session's; the gateway runs in this process
on the fake Telegram Bot API, and so does the notifier, with PTB's bot pointed at the same fake."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import datetime

import aiohttp
import pytest
import redis.asyncio as aioredis
from telegram.ext import AIORateLimiter, ExtBot

from bot.channels.console.outbound import ConsoleOutbound
from bot.channels.settings import TelegramSettings
from bot.channels.telegram.outbound import TelegramOutbound as TelegramSender
from bot.notifier.service import Notifier
from common.workdays import due_day, format_date
from lapor_client import LaporClient, LaporSettings, SandboxAdmin
from tests.support.chat_citizens import (
    TelegramCitizen,
    file_a_report,
    sandbox_state,
    stack_notifier,
    stack_settings,
)
from tests.support.gateway import SAMPLES, TELEGRAM_TOKEN, running_gateway

pytestmark = pytest.mark.stack


class NotifierRun:
    """The notifier's two loops, one round at a time."""

    def __init__(self, notifier: Notifier, citizen: TelegramCitizen) -> None:
        self.notifier, self.citizen = notifier, citizen

    async def round(self) -> list[dict]:
        """Reads the feed, delivers what is due; returns what the citizen was sent meanwhile."""
        before = len(self.citizen._messages())
        await self.notifier.follow_feed_once()
        await self.notifier.deliver_due_once()
        return [
            {
                "text": m["text"],
                "buttons": [
                    b["text"] for row in (m.get("reply_markup") or {}).get("inline_keyboard", ()) for b in row
                ],
            }
            for m in self.citizen._messages()[before:]
        ]


@pytest.fixture
async def notifier(stack, fake_telegram) -> AsyncIterator[Notifier]:
    telegram = TelegramSettings(token=TELEGRAM_TOKEN, api_base_url=fake_telegram.url)
    bot = ExtBot(
        TELEGRAM_TOKEN,
        base_url=telegram.bot_api_url,
        base_file_url=telegram.file_api_url,
        rate_limiter=AIORateLimiter(),
    )
    redis = aioredis.from_url(stack.redis_url)
    lapor_settings = LaporSettings(base_url=stack.sandbox_url, token=stack.env["LAPOR_TOKEN"])
    async with bot, LaporClient(lapor_settings) as lapor, aiohttp.ClientSession() as http:
        channels = {"telegram": TelegramSender(bot, redis), "console": ConsoleOutbound(redis)}
        yield stack_notifier(stack, lapor, redis, http, channels)
    await redis.close()


def joined(messages: list[dict]) -> str:
    return "\n".join(m["text"] for m in messages)


async def test_a_report_moves_along_and_the_citizen_answers_and_rates(stack, fake_telegram, notifier):
    telegram = TelegramSettings(token=TELEGRAM_TOKEN, api_base_url=fake_telegram.url)
    chat_id = int(time.time()) % 1_000_000 + 8_000_000
    async with (
        running_gateway(stack_settings(stack, telegram=telegram)),
        SandboxAdmin(stack.sandbox_url) as admin,
    ):
        citizen = TelegramCitizen(fake_telegram, chat_id)
        tracking_id = await file_a_report(citizen)
        run = NotifierRun(notifier, citizen)
        assert await run.round() == []  # "submitted": the citizen already has the number

        await admin.transition(tracking_id, "verified")
        said = await run.round()
        assert len(said) == 1 and f"Laporan #{tracking_id} sudah diverifikasi" in said[0]["text"]

        await admin.transition(tracking_id, "forwarded", agency_id="dpupr-kota-bandung")
        said = await run.round()
        assert (
            len(said) == 1
            and "diteruskan ke Dinas Pekerjaan Umum dan Penataan Ruang Kota Bandung" in said[0]["text"]
        )

        # The agency asks; the next messages are the answer: text, a photo, then Kirim.
        await admin.clarification(tracking_id, "Mohon kirim foto lubangnya.")
        said = await run.round()
        assert "Mohon kirim foto lubangnya." in joined(said) and "Tulis jawaban Anda" in said[-1]["text"]
        said = await citizen.text("Lubangnya di depan masjid Al Ikhlas, lebarnya dua meter.")
        assert "Kirim" in said[-1]["buttons"][0]
        said = await citizen.photo(SAMPLES["jpg"])
        assert "diterima" in joined(said)
        said = await citizen.press("📤 Kirim")
        assert f"Jawaban Anda untuk laporan #{tracking_id} sudah dikirim" in joined(said)
        replies = await admin.replies(tracking_id)
        assert len(replies) == 1 and len(replies[0]["attachment_ids"]) == 1
        assert replies[0]["message"] == "Lubangnya di depan masjid Al Ikhlas, lebarnya dua meter."

        # A follow-up that did not solve it: "Belum", then the citizen's reply keeps the report open.
        await admin.follow_up(tracking_id, "Jalan sudah ditambal oleh tim UPT.")
        said = await run.round()
        assert "Jalan sudah ditambal oleh tim UPT." in joined(said)
        assert "sudah menyelesaikan masalah Anda?" in said[-1]["text"] and said[-1]["buttons"] == [
            "✅ Sudah",
            "❌ Belum",
        ]
        said = await citizen.press("❌ Belum")
        assert "Apa yang masih belum selesai?" in said[-1]["text"]
        said = await citizen.text("Cuma ditimbun tanah, sekarang sudah berlubang lagi.")
        said = await citizen.press("📤 Kirim")
        assert "tetap dibuka sampai instansi" in joined(said)
        replies = await admin.replies(tracking_id)
        assert (
            len(replies) == 2
            and replies[1]["message"] == "Cuma ditimbun tanah, sekarang sudah berlubang lagi."
        )

        # Completed: a rating and a comment reach LAPOR.
        await admin.transition(tracking_id, "completed")
        said = await run.round()
        assert "dinyatakan selesai" in joined(said) and "⭐ 4" in said[-1]["buttons"]
        said = await citizen.press("⭐ 4")
        said = await citizen.text("Terima kasih, cukup cepat.")
        assert "Terima kasih atas penilaian" in joined(said)
        assert sandbox_state(stack)["reports"][tracking_id]["rating"] == {
            "score": 4,
            "comment": "Terima kasih, cukup cepat.",
        }

        # Nothing is told twice: another round sends nothing, and each piece of news was sent once.
        assert await run.round() == []
        sent = fake_telegram.texts(chat_id)
        for news in (
            "sudah diverifikasi",
            "sudah diteruskan ke",
            "Mohon kirim foto lubangnya.",
            "Jalan sudah ditambal oleh tim UPT.",
            "dinyatakan selesai",
        ):
            assert sum(news in text for text in sent) == 1, news


async def test_news_while_writing_the_next_report_is_a_short_burst_of_its_own_moment(
    stack, fake_telegram, notifier
):
    """Issue 16: the citizen starts their next report before the first one's news arrives. The filing's
    own "submitted" says nothing; verified, forwarded and a follow-up read in one poll are told in at most
    three messages, the forwarding with the deadline it set then; the open step is not asked again after
    each one, and once the follow-up's question is answered, nothing is repeated."""
    telegram = TelegramSettings(token=TELEGRAM_TOKEN, api_base_url=fake_telegram.url)
    chat_id = int(time.time()) % 1_000_000 + 9_000_000
    async with (
        running_gateway(stack_settings(stack, telegram=telegram)),
        SandboxAdmin(stack.sandbox_url) as admin,
    ):
        citizen = TelegramCitizen(fake_telegram, chat_id)
        tracking_id = await file_a_report(citizen)
        await citizen.text("Lampu jalan di Jl. Dago mati sejak seminggu, gelap sekali kalau malam.")
        run = NotifierRun(notifier, citizen)
        assert await run.round() == []  # "submitted": the step asked a moment ago is not asked again

        await admin.transition(tracking_id, "verified")
        said = await run.round()
        assert len(said) == 2, said
        assert "sudah diverifikasi" in said[0]["text"]
        assert said[1]["text"].startswith("Kita lanjutkan laporan lampu jalan"), said[1]

        forwarded = await admin.transition(tracking_id, "forwarded", agency_id="dpupr-kota-bandung")
        later = await admin.follow_up(tracking_id, "Sudah dijadwalkan perbaikan minggu depan.")
        said = await run.round()
        assert len(said) <= 3, said
        own_due = due_day("forwarded", datetime.fromisoformat(forwarded["events"][-1]["at"]))
        assert format_date(own_due) in joined(said)
        assert format_date(datetime.fromisoformat(later["due_at"]).date()) not in joined(said)
        assert "sudah menyelesaikan masalah Anda?" in said[-1]["text"]
        assert not any(m["text"].startswith("Kita lanjutkan") for m in said)

        # Answered: the draft is taken up again once, named, then its own question.
        said = await citizen.press("✅ Sudah")
        named = [m for m in said if m["text"].startswith("Kita lanjutkan laporan lampu jalan")]
        assert len(named) == 1 and said.index(named[0]) == len(said) - 2, said
