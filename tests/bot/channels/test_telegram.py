"""The Telegram channel: the real python-telegram-bot Application against a fake Bot API server."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import replace

import aiohttp

from bot.channels.settings import TelegramSettings
from bot.channels.telegram.inbound import SECRET_HEADER, TOO_LARGE_FOR_TELEGRAM, UNSUPPORTED
from bot.channels.telegram.outbound import render_html
from bot.gateway.conversations import ASSISTANT_UNAVAILABLE
from common.messages import BotMessage as Reply
from common.messages import Button
from tests.support import free_port
from tests.support.gateway import (
    LONG_TEXT,
    SAMPLES,
    TELEGRAM_TOKEN,
    WEBHOOK_SECRET,
    eventually,
    running_gateway,
)

CHAT = 5550001


async def test_text_commands_and_typing_over_long_polling(telegram_gateway, fake_telegram, rasa):
    _, received = rasa
    fake_telegram.push(fake_telegram.text(CHAT, "/start"))
    fake_telegram.push(fake_telegram.text(CHAT, "/help"))
    fake_telegram.push(fake_telegram.text(CHAT, "/batal"))
    fake_telegram.push(fake_telegram.text(CHAT, '/share_evidence{"x": 1}'))  # typed: not a payload
    fake_telegram.push(fake_telegram.text(CHAT, "jalan rusak"))
    await eventually(lambda: len(fake_telegram.texts(CHAT)) == 5)
    assert [b["message"] for b in received] == [
        "/greet",
        "/help",
        "/cancel",
        'share_evidence{"x": 1}',
        "jalan rusak",
    ]
    assert all(b["sender"] == f"telegram:{CHAT}" and b["metadata"]["channel"] == "telegram" for b in received)
    assert fake_telegram.texts(CHAT)[-1] == "echo jalan rusak"
    assert fake_telegram.sent("sendChatAction", CHAT)[0]["action"] == "typing"
    assert fake_telegram.sent("setMyCommands")
    assert fake_telegram.sent("sendMessage")[0]["parse_mode"] == "HTML"


async def test_buttons_become_an_inline_keyboard_closed_after_the_choice(
    telegram_gateway, fake_telegram, rasa
):
    _, received = rasa
    fake_telegram.push(fake_telegram.text(CHAT, "lapor"))
    [question] = await eventually(lambda: fake_telegram.sent("sendMessage", CHAT))
    assert [b["text"] for row in question["reply_markup"]["inline_keyboard"] for b in row] == [
        "Pengaduan",
        "Aspirasi",
    ]

    tap = fake_telegram.press(CHAT, question, "Pengaduan")
    fake_telegram.push(tap)
    fake_telegram.push(fake_telegram.press(CHAT, question, "Aspirasi"))  # a second tap on the same keyboard
    await eventually(lambda: "echo /file_complaint" in fake_telegram.texts(CHAT))
    await asyncio.sleep(0.2)
    assert [b["message"] for b in received] == ["lapor", "/file_complaint"]
    assert fake_telegram.sent("answerCallbackQuery")[0]["callback_query_id"] == tap["callback_query"]["id"]
    edit = fake_telegram.sent("editMessageText")[0]
    assert "reply_markup" not in edit and "Pengaduan" in edit["text"]


async def test_long_payloads_go_through_redis(telegram_gateway, fake_telegram, rasa):
    _, received = rasa
    fake_telegram.push(fake_telegram.text(CHAT, "instansi"))
    [question] = await eventually(lambda: fake_telegram.sent("sendMessage", CHAT))
    long, short = (
        b["callback_data"]
        for b in question["reply_markup"]["inline_keyboard"][0]
        + question["reply_markup"]["inline_keyboard"][2]
    )
    assert long.startswith("#") and len(long.encode()) <= 64 and short == '/inform{"instansi": "Satpol PP"}'
    fake_telegram.push(
        fake_telegram.press(CHAT, question, "Dinas Pekerjaan Umum dan Penataan Ruang Kota Bandung")
    )
    await eventually(lambda: len(received) == 2)
    assert (
        received[1]["message"]
        == '/inform{"instansi": "Dinas Pekerjaan Umum dan Penataan Ruang Kota Bandung"}'
    )


async def test_photo_is_downloaded_stored_and_relayed_as_evidence(telegram_gateway, fake_telegram, rasa):
    _, received = rasa
    fake_telegram.push(fake_telegram.photo(CHAT, SAMPLES["jpg"]))
    fake_telegram.push(fake_telegram.document(CHAT, SAMPLES["pdf"], "surat/../bukti.pdf"))
    await eventually(lambda: len(fake_telegram.texts(CHAT)) == 2)
    photo, document = (b["metadata"]["attachments"][0] for b in received)
    assert received[0]["message"] == "/share_evidence"
    assert photo["content_type"] == "image/jpeg" and photo["filename"] == "foto.jpg"
    assert document["filename"] == "bukti.pdf" and document["content_type"] == "application/pdf"
    assert telegram_gateway.store.path_for(photo["ref"]).read_bytes() == SAMPLES["jpg"]
    assert fake_telegram.texts(CHAT) == ["Lampiran foto.jpg diterima.", "Lampiran bukti.pdf diterima."]


async def test_refused_files_are_explained_and_never_relayed(telegram_gateway, fake_telegram, rasa):
    _, received = rasa
    fake_telegram.push(fake_telegram.document(CHAT, SAMPLES["exe"], "foto.jpg", "image/jpeg"))
    fake_telegram.push(fake_telegram.photo(CHAT, SAMPLES["jpg"], declared_size=25_000_000))
    fake_telegram.push(
        fake_telegram.message(
            CHAT,
            sticker={
                "file_id": "s",
                "file_unique_id": "s",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            },
        )
    )
    texts = await eventually(
        lambda: fake_telegram.texts(CHAT) if len(fake_telegram.texts(CHAT)) == 3 else None
    )
    assert "tidak dapat kami terima" in texts[0]
    assert texts[1] == TOO_LARGE_FOR_TELEGRAM
    assert texts[2] == UNSUPPORTED
    assert received == []


async def test_shared_location(telegram_gateway, fake_telegram, rasa):
    _, received = rasa
    fake_telegram.push(fake_telegram.location(CHAT, -6.2, 106.816666))
    await eventually(lambda: fake_telegram.texts(CHAT) == ["Lokasi diterima."])
    assert received[0]["message"] == "/share_location"
    assert received[0]["metadata"]["location"] == {"lat": -6.2, "lon": 106.816666}


async def test_long_replies_are_split_and_escaped(telegram_gateway, fake_telegram):
    fake_telegram.push(fake_telegram.text(CHAT, "panjang"))
    await eventually(lambda: len(fake_telegram.texts(CHAT)) >= 2)
    await asyncio.sleep(0.1)
    texts = fake_telegram.texts(CHAT)
    assert texts == render_html(LONG_TEXT)
    assert all("&lt;penting&gt; &amp; <b>tebal</b>" in t and "<penting>" not in t for t in texts)


def test_split_respects_telegram_limit_in_utf16_units():
    text = "😀" * 3000  # 6000 UTF-16 code units
    chunks = render_html(text)
    assert "".join(chunks) == text and all(len(c.encode("utf-16-le")) // 2 <= 4096 for c in chunks)


async def test_one_users_messages_are_answered_in_order_others_do_not_wait(
    telegram_gateway, fake_telegram, rasa
):
    _, received = rasa
    fake_telegram.push(fake_telegram.text(CHAT, "lambat"))
    fake_telegram.push(fake_telegram.text(CHAT, "cepat"))
    fake_telegram.push(fake_telegram.text(CHAT + 1, "lain"))
    await eventually(lambda: len(fake_telegram.texts(CHAT)) == 2)
    assert fake_telegram.texts(CHAT) == ["echo lambat", "echo cepat"]
    mine = [b["message"] for b in received if b["sender"] == f"telegram:{CHAT}"]
    assert mine == ["lambat", "cepat"]
    assert received.index(next(b for b in received if b["message"] == "lain")) < received.index(
        next(b for b in received if b["message"] == "cepat")
    )


async def test_a_user_who_blocked_the_bot_is_handled_quietly(telegram_gateway, fake_telegram, rasa, caplog):
    caplog.set_level(logging.INFO)
    fake_telegram.blocked.add(CHAT)
    fake_telegram.push(fake_telegram.text(CHAT, "halo"))
    fake_telegram.push(fake_telegram.text(CHAT + 1, "halo juga"))
    await eventually(lambda: fake_telegram.texts(CHAT + 1) == ["echo halo juga"])
    assert len(rasa[1]) == 2  # the blocked user's message was still processed
    # The refused reply may be answered after the other chat's: wait for it before judging the log.
    await eventually(lambda: any("blocked the bot" in r.getMessage() for r in caplog.records))
    # Quietly: an expected event of the platform, logged as such, never an error with a traceback.
    errors = [
        r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("bot.channels.telegram")
    ]
    assert [r.getMessage() for r in errors] == []


async def test_rasa_down_is_answered_kindly(gateway_settings, fake_telegram):
    telegram = TelegramSettings(token=TELEGRAM_TOKEN, api_base_url=fake_telegram.url)
    settings = replace(gateway_settings(telegram=telegram), rasa_url=f"http://127.0.0.1:{free_port()}")
    async with running_gateway(settings):
        fake_telegram.push(fake_telegram.text(CHAT, "halo"))
        await eventually(lambda: fake_telegram.texts(CHAT) == [ASSISTANT_UNAVAILABLE])


async def test_webhook_checks_the_secret_and_processes_each_update_once(
    telegram_webhook_gateway, fake_telegram, rasa
):
    _, received = rasa
    assert fake_telegram.webhook["url"] == "https://lapor.example/telegram/webhook"
    assert fake_telegram.webhook["secret_token"] == WEBHOOK_SECRET
    url = telegram_webhook_gateway.url + "/telegram/webhook"
    update = fake_telegram.photo(CHAT, SAMPLES["png"])
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {SECRET_HEADER: "salah"}):
            async with http.post(url, json=fake_telegram.text(CHAT, "palsu"), headers=headers) as resp:
                assert resp.status == 403
        for _ in range(2):  # Telegram redelivers
            async with http.post(url, json=update, headers={SECRET_HEADER: WEBHOOK_SECRET}) as resp:
                assert resp.status == 200
    await eventually(lambda: fake_telegram.texts(CHAT))
    await asyncio.sleep(0.2)
    assert [b["message"] for b in received] == ["/share_evidence"]
    assert fake_telegram.texts(CHAT) == ["Lampiran foto.png diterima."]


async def test_captions_voice_notes_and_edited_texts(telegram_gateway, fake_telegram, rasa):
    _, received = rasa
    photo = [{**fake_telegram.add_file(SAMPLES["jpg"]), "width": 640, "height": 480}]
    fake_telegram.push(fake_telegram.message(CHAT, photo=photo, caption="ini lubangnya, sudah 2 minggu"))
    voice = {**fake_telegram.add_file(SAMPLES["ogg"]), "duration": 4, "mime_type": "audio/ogg"}
    fake_telegram.push(fake_telegram.message(CHAT, voice=voice))
    edit = fake_telegram.text(CHAT, "jalan rusak di jl merdeka")
    edit["edited_message"] = {**edit.pop("message"), "edit_date": int(time.time())}
    fake_telegram.push(edit)
    fake_telegram.push(
        fake_telegram.message(
            CHAT, pinned_message={"message_id": 1, "date": 0, "chat": {"id": CHAT, "type": "private"}}
        )
    )
    await eventually(lambda: len(fake_telegram.texts(CHAT)) == 3)
    await asyncio.sleep(0.2)
    assert [b["message"] for b in received] == [
        "/share_evidence",
        "/share_evidence",
        "jalan rusak di jl merdeka",
    ]
    assert received[0]["metadata"]["caption"] == "ini lubangnya, sudah 2 minggu"
    assert received[1]["metadata"]["attachments"][0]["filename"] == "pesan-suara.ogg"
    assert len(fake_telegram.texts(CHAT)) == 3  # the service message (a pin) is not answered


async def test_an_update_the_library_cannot_read_is_taken_and_dropped(telegram_webhook_gateway, rasa):
    url = telegram_webhook_gateway.url + "/telegram/webhook"
    unreadable = {"update_id": 10000, "message": {"message_id": 1, "date": 1441645532, "chat": {"id": 1}}}
    async with aiohttp.ClientSession() as http:
        for body in (json.dumps(unreadable), "bukan json"):
            async with http.post(url, data=body, headers={SECRET_HEADER: WEBHOOK_SECRET}) as resp:
                assert resp.status == 200
    await asyncio.sleep(0.2)
    assert rasa[1] == []


async def test_a_private_message_the_library_cannot_read_is_answered_kindly(
    telegram_webhook_gateway, fake_telegram, rasa
):
    url = telegram_webhook_gateway.url + "/telegram/webhook"
    chat = {"id": CHAT, "type": "private", "first_name": "Warga"}
    unreadable = {"update_id": 10001, "message": {"message_id": 2, "date": 1441645532, "chat": chat}}
    unreadable["message"]["poll"] = {"id": "1"}  # a poll without the fields the library requires
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json=unreadable, headers={SECRET_HEADER: WEBHOOK_SECRET}) as resp:
            assert resp.status == 200
    assert await eventually(lambda: fake_telegram.texts(CHAT)) == [UNSUPPORTED]
    assert rasa[1] == []


async def test_polling_goes_on_past_an_update_the_library_cannot_read(telegram_gateway, fake_telegram, rasa):
    fake_telegram.push(fake_telegram.message(CHAT, poll={"id": "1"}))  # without the fields required
    fake_telegram.push(fake_telegram.text(CHAT, "halo"))
    assert await eventually(lambda: len(fake_telegram.texts(CHAT)) == 2 and fake_telegram.texts(CHAT)) == [
        UNSUPPORTED,
        "echo halo",
    ]
    assert [b["message"] for b in rasa[1]] == ["halo"]


async def test_the_location_question_brings_a_one_tap_keyboard_taken_away_after(
    telegram_gateway, fake_telegram
):
    from bot.gateway.app import TELEGRAM

    sender = telegram_gateway.app[TELEGRAM].sender
    ask = Reply(text="Di mana lokasinya?", buttons=(Button("⏭️ Lewati", "lewati"),))
    await sender.send(CHAT, [ask, Reply(custom={"request_location": True})])
    await sender.send(CHAT, [Reply(text="📍 Lokasi diterima.")])
    question, location, received = fake_telegram.sent("sendMessage", CHAT)
    assert "inline_keyboard" in question["reply_markup"]
    [[button]] = location["reply_markup"]["keyboard"]
    assert button["request_location"] is True and location["reply_markup"]["one_time_keyboard"] is True
    assert received["reply_markup"] == {"remove_keyboard": True}
