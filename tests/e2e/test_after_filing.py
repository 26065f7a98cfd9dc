"""Issue 16, "What was found" 1 and 2, replayed through the console with the sandbox playing LAPOR's admin
and agency, the notifier run here one round at a time (its news lands in the console inbox).

1. An agency's question: "nanti" keeps it open and it is reminded once; "ok" and "laporan saya" are no
   answer; a photo alone is; the answer is shown before it is sent; more can be added afterwards; an
   answer typed after "nanti" ("ini jawabannya: …") is taken.
2. A follow-up and the completion in one poll: the follow-up question is asked once, "belum" on the
   closed report says what can be done instead (a linked report, or the rating); the rating takes the
   score and comment in either order, "sy mau kasih nilai 2 buat laporan …" rates (no new complaint),
   and "batal" at the comment keeps the score."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis

from bot.channels.console.outbound import ConsoleOutbound
from bot.notifier.service import Notifier
from common.inbox import ConsoleInbox
from lapor_client import LaporClient, LaporSettings, SandboxAdmin
from tests.support.chat_citizens import file_a_report, sandbox_state, stack_notifier, stack_settings
from tests.support.gateway import SAMPLES, running_gateway

pytestmark = pytest.mark.stack

DAY = 24 * 3600


class ConsoleCitizen:
    """A console user of the stack's gateway, answered as a chat citizen is (text and button titles)."""

    def __init__(self, http: aiohttp.ClientSession, gateway_url: str, token: str) -> None:
        self.http, self.url = http, gateway_url
        self.auth = {"Authorization": f"Bearer {token}"}
        self.user_id = "warga-" + uuid.uuid4().hex[:8]
        self.sender = f"console:{self.user_id}"
        self.offered: dict[str, str] = {}

    def _read(self, messages: list[dict]) -> list[dict[str, Any]]:
        for m in messages:
            self.offered.update({b["title"]: b["payload"] for b in m.get("buttons") or ()})
        return [
            {"text": m.get("text", ""), "buttons": [b["title"] for b in m.get("buttons") or ()]}
            for m in messages
        ]

    async def _send(self, **body: Any) -> list[dict[str, Any]]:
        body = {"user_id": self.user_id, "message_id": uuid.uuid4().hex, **body}
        async with self.http.post(f"{self.url}/console/messages", json=body, headers=self.auth) as resp:
            assert resp.status == 200, await resp.text()
            return self._read((await resp.json())["messages"])

    async def text(self, text: str) -> list[dict[str, Any]]:
        return await self._send(text=text)

    async def press(self, title: str) -> list[dict[str, Any]]:
        return await self._send(text=self.offered[title])

    async def location(self, lat: float, lon: float) -> list[dict[str, Any]]:
        return await self._send(location={"lat": lat, "lon": lon})

    async def photo(self, data: bytes) -> list[dict[str, Any]]:
        form = aiohttp.FormData()
        form.add_field("file", data, filename="lubang.jpg")
        async with self.http.post(
            f"{self.url}/console/media", data=form, params={"user_id": self.user_id}, headers=self.auth
        ) as resp:
            ref = (await resp.json())["attachment"]["ref"]
        return await self._send(attachment=ref)


class NotifierRound:
    def __init__(self, notifier: Notifier, inbox: ConsoleInbox, citizen: ConsoleCitizen) -> None:
        self.notifier, self.inbox, self.citizen = notifier, inbox, citizen

    async def __call__(self, reminders_at: float | None = None) -> list[dict[str, Any]]:
        """Reads the feed (and the reminders due at `reminders_at`), delivers; returns what was told."""
        await self.notifier.follow_feed_once()
        if reminders_at:
            await self.notifier.remind_due_once(reminders_at)
        await self.notifier.deliver_due_once()
        return self.citizen._read(await self.inbox.take(self.citizen.user_id))


@pytest.fixture
async def chat(stack) -> AsyncIterator[tuple[ConsoleCitizen, NotifierRound, SandboxAdmin]]:
    redis = aioredis.from_url(stack.redis_url)
    lapor_settings = LaporSettings(base_url=stack.sandbox_url, token=stack.env["LAPOR_TOKEN"])
    # The gateway runs here, as the stack's, without the per-minute limit: a whole lifecycle is typed fast.
    token = stack.secrets.console_token
    settings = replace(
        stack_settings(stack), console_enabled=True, console_token=token, messages_per_minute=0
    )
    async with (
        running_gateway(settings) as gateway,
        LaporClient(lapor_settings) as lapor,
        aiohttp.ClientSession() as http,
        SandboxAdmin(stack.sandbox_url) as admin,
    ):
        notifier = stack_notifier(stack, lapor, redis, http, {"console": ConsoleOutbound(redis)})
        citizen = ConsoleCitizen(http, gateway.url, token)
        yield citizen, NotifierRound(notifier, ConsoleInbox(redis), citizen), admin
    await redis.close()


def joined(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m["text"] for m in messages)


async def forwarded(citizen: ConsoleCitizen, notify: NotifierRound, admin: SandboxAdmin) -> str:
    tracking_id = await file_a_report(citizen)
    await admin.transition(tracking_id, "verified")
    await admin.transition(tracking_id, "forwarded", agency_id="dpupr-kota-bandung")
    await notify()
    return tracking_id


async def test_an_agency_question_is_answered_once_with_what_the_citizen_meant(chat):
    citizen, notify, admin = chat
    tracking_id = await forwarded(citizen, notify, admin)

    await admin.clarification(tracking_id, "Mohon kirim foto lubangnya.")
    told = await notify()
    assert "Mohon kirim foto lubangnya." in joined(told) and "Tulis jawaban Anda" in told[-1]["text"]
    said = await citizen.text("aduh sy lagi di jalan, nanti aja ya sy jawab")
    assert "tetap menunggu" in joined(said) and "saya ingatkan lagi" in joined(said)
    said = await citizen.text("ok")
    assert "dikirim" not in joined(said) and await admin.replies(tracking_id) == []

    # Reminded once, when due (the notifier is asked as if two days had passed): then never again.
    told = await notify(reminders_at=time.time() + 2 * DAY)
    assert "Pengingat" in joined(told) and "Mohon kirim foto lubangnya." in joined(told)
    assert "Tulis jawaban Anda" in told[-1]["text"]
    assert await notify(reminders_at=time.time() + 4 * DAY) == []

    said = await citizen.text("laporan saya")
    assert f"#{tracking_id}" in joined(said) and await admin.replies(tracking_id) == []
    said = await citizen.photo(SAMPLES["jpg"])  # the photo alone is the answer
    assert "diterima" in joined(said) and "Kirim jawaban ini" in said[-1]["text"]
    assert "📎 1 lampiran" in said[-1]["text"] and said[-1]["buttons"] == ["📤 Kirim", "✏️ Ubah", "⏰ Nanti"]
    said = await citizen.press("📤 Kirim")
    assert f"Jawaban Anda untuk laporan #{tracking_id} sudah dikirim" in joined(said)
    (answer,) = await admin.replies(tracking_id)
    assert len(answer["attachment_ids"]) == 1

    # More afterwards: another reply.
    said = await citizen.text(f"tambah keterangan untuk laporan #{tracking_id}")
    assert f"keterangan tambahan untuk laporan #{tracking_id}" in joined(said)
    said = await citizen.text("Lubangnya sekarang makin lebar, sekitar dua meter.")
    assert "Kirim keterangan tambahan ini" in said[-1]["text"]
    said = await citizen.press("📤 Kirim")
    assert "Keterangan tambahan" in joined(said)
    # A photo soon after: offered to the answer first, not taken for a new pengaduan.
    said = await citizen.photo(SAMPLES["jpg"])
    assert said[-1]["text"] == f"Tambahkan foto/dokumen ini ke jawaban laporan #{tracking_id}?"
    said = await citizen.press("➕ Ya, tambahkan")
    assert "Kirim keterangan tambahan ini" in said[-1]["text"] and "📎 1 lampiran" in said[-1]["text"]
    await citizen.press("📤 Kirim")

    # Another question, put off, then answered in one message.
    await admin.clarification(tracking_id, "Di RT berapa lokasinya?")
    await notify()
    await citizen.text("nanti ya")
    said = await citizen.text("eh td belum sy jawab, ini jawabannya: RT 04 RW 02")
    assert '"RT 04 RW 02"' in said[-1]["text"]
    await citizen.press("📤 Kirim")
    replies = await admin.replies(tracking_id)
    assert [(r["message"], len(r["attachment_ids"])) for r in replies] == [
        ("Terlampir foto/dokumen yang diminta.", 1),
        ("Lubangnya sekarang makin lebar, sekitar dua meter.", 0),
        ("Terlampir foto/dokumen yang diminta.", 1),
        ("RT 04 RW 02", 0),
    ]


async def test_follow_up_completion_and_rating_in_any_order(chat, stack):
    citizen, notify, admin = chat
    tracking_id = await forwarded(citizen, notify, admin)

    # The follow-up and the completion in one poll: the question once, no re-ask for the completion.
    await admin.follow_up(tracking_id, "Perbaikan sudah dijadwalkan minggu depan.")
    await admin.transition(tracking_id, "completed")
    told = await notify()
    assert sum("sudah menyelesaikan masalah Anda?" in m["text"] for m in told) == 1, told
    assert "dinyatakan selesai" in joined(told)

    said = await citizen.text("belum! cuma dijadwalin doang, blm dikerjain")
    assert "sudah ditutup di LAPOR!" in joined(said) and "tetap dibuka" not in joined(said)
    assert said[-1]["buttons"] == ["📝 Buat laporan lanjutan", "⭐ Beri nilai"]
    assert await admin.replies(tracking_id) == []

    said = await citizen.press("⭐ Beri nilai")
    assert "Seberapa puas" in said[-1]["text"]
    said = await citizen.text("jelek, petugasnya ga dateng. 1")
    assert "Terima kasih atas penilaian" in joined(said)
    assert sandbox_state(stack)["reports"][tracking_id]["rating"] == {
        "score": 1,
        "comment": "jelek, petugasnya ga dateng",
    }

    said = await citizen.text(f"sy mau kasih nilai 2 buat laporan {tracking_id}")
    assert "Ada komentar" in said[-1]["text"] and "pengaduan" not in joined(said)
    said = await citizen.text("batal")
    assert "Terima kasih atas penilaian" in joined(said)
    assert sandbox_state(stack)["reports"][tracking_id]["rating"] == {"score": 2, "comment": None}

    said = await citizen.press("📝 Buat laporan lanjutan")
    assert "Cerita Anda sudah saya catat." in joined(said)


def resumed_once(messages: list[dict[str, Any]]) -> bool:
    return joined(messages).count("Kita lanjutkan laporan") == 1


async def test_a_draft_waits_while_the_citizen_answers_or_rates_then_resumes_once_named(chat, stack):
    """Issue 16, Deliver 3: "jawab pertanyaan laporan #…" and "beri nilai laporan #…" typed in the middle
    of a new report are not taken as its answers: the draft is parked, the answer or rating goes first,
    then the draft goes on with one line naming it."""
    citizen, notify, admin = chat
    tracking_id = await forwarded(citizen, notify, admin)
    await admin.clarification(tracking_id, "Di RT berapa lokasinya?")
    await notify()
    await citizen.text("nanti ya")

    started = await citizen.text("Lampu jalan di gang mawar mati sudah seminggu, gelap sekali kalau malam")
    step = started[-1]["text"]
    said = await citizen.text(f"jawab pertanyaan laporan #{tracking_id}")
    assert f"Tulis jawaban Anda untuk pertanyaan laporan #{tracking_id}" in joined(said)
    assert "tetap tersimpan" in joined(said) and "Kita lanjutkan" not in joined(said)
    said = await citizen.text("RT 04 RW 02")
    assert '"RT 04 RW 02"' in said[-1]["text"]
    said = await citizen.press("📤 Kirim")
    assert f"Jawaban Anda untuk laporan #{tracking_id} sudah dikirim" in joined(said)
    assert resumed_once(said) and said[-1]["text"] == step, said  # the draft's step, asked again
    assert [r["message"] for r in await admin.replies(tracking_id)] == ["RT 04 RW 02"]

    # Completed while writing: the rating is offered first; put off with batal, asked for later.
    await admin.transition(tracking_id, "completed")
    told = await notify()
    assert "Seberapa puas" in told[-1]["text"]
    said = await citizen.text("batal")
    assert resumed_once(said), said
    said = await citizen.text(f"beri nilai laporan #{tracking_id}")
    assert "Seberapa puas" in said[-1]["text"] and "tetap tersimpan" in joined(said)
    assert "Kita lanjutkan" not in joined(said)
    await citizen.text("4")
    said = await citizen.text("petugasnya cepat datang")
    assert "Terima kasih atas penilaian" in joined(said) and resumed_once(said), said
    assert sandbox_state(stack)["reports"][tracking_id]["rating"] == {
        "score": 4,
        "comment": "petugasnya cepat datang",
    }
    # The draft itself is intact: its story is what was typed before the detour.
    title = await citizen.text("batal")
    assert "Batalkan laporan ini?" in joined(title), title
