"""The WhatsApp channel: signed and forged webhook deliveries to the gateway, a fake Graph API."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import aiohttp
import pytest

from bot.channels.whatsapp.inbound import UNSUPPORTED
from bot.channels.whatsapp.outbound import Template, WindowClosed, render
from common.messages import BotMessage as Reply
from common.messages import Button
from tests.support.fake_graph import sign, signed
from tests.support.gateway import LONG_TEXT, SAMPLES, WA_APP_SECRET, WA_VERIFY_TOKEN, eventually

WA_ID = "6281200000001"


@pytest.fixture
async def deliver(whatsapp_gateway):
    """POSTs a delivery to the gateway's webhook, signed with the app secret unless told otherwise."""
    async with aiohttp.ClientSession() as http:

        async def post(delivery: dict, headers: dict | None = None) -> int:
            body, genuine = signed(delivery, WA_APP_SECRET)
            async with http.post(
                whatsapp_gateway.url + "/whatsapp/webhook", data=body, headers=headers or genuine
            ) as resp:
                return resp.status

        yield post


async def test_verification_handshake(whatsapp_gateway):
    url = whatsapp_gateway.url + "/whatsapp/webhook"
    async with aiohttp.ClientSession() as http:
        query = {"hub.mode": "subscribe", "hub.verify_token": WA_VERIFY_TOKEN, "hub.challenge": "1158201444"}
        async with http.get(url, params=query) as resp:
            assert resp.status == 200 and await resp.text() == "1158201444"
        async with http.get(url, params={**query, "hub.verify_token": "salah"}) as resp:
            assert resp.status == 403


async def test_forged_or_unsigned_deliveries_change_nothing(deliver, fake_graph, rasa, redis_sync):
    delivery = fake_graph.delivery(WA_ID, fake_graph.text("halo"))
    body = json.dumps(delivery).encode()
    forged = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, "bukan-rahasia-kami")}
    assert await deliver(delivery, forged) == 401
    assert await deliver(delivery, {"Content-Type": "application/json"}) == 401
    assert await deliver(delivery, {"X-Hub-Signature-256": "sha256=" + "0" * 64}) == 401
    await asyncio.sleep(0.2)
    assert rasa[1] == [] and fake_graph.sent == [] and fake_graph.read == []
    assert redis_sync.keys("app:gateway:*") == []


async def test_text_is_relayed_marked_read_and_opens_the_window(
    deliver, fake_graph, rasa, redis_sync, whatsapp_gateway
):
    message = fake_graph.text("/greet jalan rusak")
    assert await deliver(fake_graph.delivery(WA_ID, message)) == 200
    await eventually(lambda: fake_graph.texts(WA_ID) == ["echo greet jalan rusak"])
    assert rasa[1][0]["sender"] == f"whatsapp:{WA_ID}" and rasa[1][0]["metadata"] == {"channel": "whatsapp"}
    assert fake_graph.read == [message["id"]]
    assert 23 * 3600 < redis_sync.ttl(f"app:gateway:whatsapp:window:{WA_ID}") <= 24 * 3600


async def test_messages_to_another_number_are_ignored(deliver, fake_graph, rasa):
    assert await deliver(fake_graph.delivery(WA_ID, fake_graph.text("halo"), phone_number_id="999")) == 200
    await asyncio.sleep(0.2)
    assert rasa[1] == []


async def test_reply_buttons_and_the_choice(deliver, fake_graph, rasa):
    await deliver(fake_graph.delivery(WA_ID, fake_graph.text("lapor")))
    [question] = await eventually(lambda: fake_graph.to(WA_ID))
    assert question["interactive"]["type"] == "button"
    assert question["interactive"]["body"]["text"] == "Apa jenis laporan Anda?"
    await deliver(fake_graph.delivery(WA_ID, fake_graph.choose(question, "Aspirasi")))
    await eventually(lambda: "echo /file_aspiration" in fake_graph.texts(WA_ID))
    assert [b["message"] for b in rasa[1]] == ["lapor", "/file_aspiration"]


async def test_long_titles_become_a_list_and_many_buttons_several_lists(deliver, fake_graph, rasa):
    await deliver(fake_graph.delivery(WA_ID, fake_graph.text("instansi")))
    [question] = await eventually(lambda: fake_graph.to(WA_ID))
    assert question["interactive"]["type"] == "list"
    rows = question["interactive"]["action"]["sections"][0]["rows"]
    assert rows[0]["title"] == "Dinas Pekerjaan Umum da…" and rows[0]["description"].startswith(
        "Dinas Pekerjaan Umum dan"
    )
    assert all(len(r["title"]) <= 24 for r in rows)
    await deliver(fake_graph.delivery(WA_ID, fake_graph.choose(question, "Satpol PP")))
    await eventually(lambda: len(rasa[1]) == 2)
    assert rasa[1][1]["message"] == '/inform{"instansi": "Satpol PP"}'


def test_rendering_within_whatsapp_limits():
    twelve = tuple(Button(f"Kategori {i}", f"/pilih_{i}") for i in range(12))
    messages = render([Reply(text="", buttons=twelve)])
    assert [m["interactive"]["type"] for m in messages] == ["list", "button"]  # 10 rows, then 2 buttons
    assert len(messages[0]["interactive"]["action"]["sections"][0]["rows"]) == 10
    assert [m["interactive"]["body"]["text"] for m in messages] == ["Silakan pilih:", "Pilihan lainnya:"]
    long = render([Reply(text=LONG_TEXT, buttons=(Button("Ya", "/affirm"),))])
    assert [m["type"] for m in long] == ["text", "text", "interactive"]
    assert all(len(m["text"]["body"]) <= 4096 for m in long[:-1])
    assert "".join(m["text"]["body"] for m in long[:-1]).replace(" ", "").replace(
        "\n", ""
    ) == LONG_TEXT.replace(" ", "").replace("\n", "")


async def test_image_and_document_are_fetched_at_once_and_relayed(
    deliver, fake_graph, rasa, whatsapp_gateway
):
    image = fake_graph.image(SAMPLES["jpg"])
    document = fake_graph.document(SAMPLES["pdf"], "Surat Keterangan.pdf")
    await deliver(fake_graph.delivery(WA_ID, image, document))
    await eventually(lambda: len(fake_graph.texts(WA_ID)) == 2)
    photo, pdf = (b["metadata"]["attachments"][0] for b in rasa[1])
    assert [b["message"] for b in rasa[1]] == ["/share_evidence", "/share_evidence"]
    assert (
        photo["content_type"] == "image/jpeg"
        and whatsapp_gateway.store.path_for(photo["ref"]).read_bytes() == SAMPLES["jpg"]
    )
    assert pdf["filename"] == "Surat Keterangan.pdf" and pdf["size"] == len(SAMPLES["pdf"])


async def test_refused_and_unsupported_media_are_explained_and_never_relayed(deliver, fake_graph, rasa):
    disguised = fake_graph.document(SAMPLES["exe"], "laporan.pdf")
    big = fake_graph.image(SAMPLES["jpg"] + b"\x00" * 1_000_001)
    voice = {"id": "wamid.voice", "type": "sticker", "sticker": {"id": "a1", "mime_type": "image/webp"}}
    reaction = {"id": "wamid.react", "type": "reaction", "reaction": {"message_id": "x", "emoji": "👍"}}
    await deliver(fake_graph.delivery(WA_ID, disguised, big, voice, reaction))
    texts = await eventually(lambda: fake_graph.texts(WA_ID) if len(fake_graph.texts(WA_ID)) == 3 else None)
    assert "tidak dapat kami terima" in texts[0] and "terlalu besar" in texts[1] and texts[2] == UNSUPPORTED
    await asyncio.sleep(0.1)
    assert rasa[1] == [] and len(fake_graph.texts(WA_ID)) == 3


async def test_location(deliver, fake_graph, rasa):
    await deliver(fake_graph.delivery(WA_ID, fake_graph.location(-7.2575, 112.7521)))
    await eventually(lambda: fake_graph.texts(WA_ID) == ["Lokasi diterima."])
    assert rasa[1][0]["message"] == "/share_location"
    assert rasa[1][0]["metadata"]["location"] == {"lat": -7.2575, "lon": 112.7521}


async def test_a_duplicated_delivery_is_processed_once(deliver, fake_graph, rasa):
    delivery = fake_graph.delivery(WA_ID, fake_graph.image(SAMPLES["png"]))
    assert await deliver(delivery) == 200
    assert await deliver(delivery) == 200
    await eventually(lambda: fake_graph.texts(WA_ID))
    await asyncio.sleep(0.3)
    assert len(rasa[1]) == 1 and len(fake_graph.texts(WA_ID)) == 1


async def test_one_users_messages_stay_in_order(deliver, fake_graph, rasa):
    await deliver(fake_graph.delivery(WA_ID, fake_graph.text("lambat"), fake_graph.text("cepat")))
    await eventually(lambda: len(fake_graph.texts(WA_ID)) == 2)
    assert fake_graph.texts(WA_ID) == ["echo lambat", "echo cepat"]


async def test_sender_uses_the_window_and_falls_back_to_a_template(whatsapp_gateway, fake_graph, redis_sync):
    from bot.gateway.app import WHATSAPP

    sender = whatsapp_gateway.app[WHATSAPP].sender
    update = Template("status_laporan", parameters=("1916449", "diverifikasi"))
    with pytest.raises(WindowClosed):
        await sender.send(WA_ID, [Reply(text="Status laporan Anda berubah.")])
    await sender.send(WA_ID, [Reply(text="Status laporan Anda berubah.")], templates=[update])
    assert fake_graph.to(WA_ID)[-1]["template"]["name"] == "status_laporan"

    await sender.window.opened(WA_ID, time.time())
    await sender.send(WA_ID, [Reply(text="Status laporan Anda berubah.")], templates=[update])
    assert fake_graph.to(WA_ID)[-1]["text"]["body"] == "Status laporan Anda berubah."

    fake_graph.outside_window.add(WA_ID)  # Meta knows better than our record
    await sender.send(WA_ID, [Reply(text="Status laporan Anda berubah.")], templates=[update])
    assert fake_graph.to(WA_ID)[-1]["type"] == "template"


async def test_an_unreachable_user_is_handled_quietly(deliver, fake_graph, rasa, caplog):
    caplog.set_level(logging.INFO)
    fake_graph.unreachable.add(WA_ID)
    await deliver(fake_graph.delivery(WA_ID, fake_graph.text("halo")))
    await deliver(fake_graph.delivery("6281200000002", fake_graph.text("halo juga")))
    await eventually(lambda: fake_graph.texts("6281200000002"))
    # The two citizens are answered side by side: the refused reply may be logged after the other's.
    await eventually(lambda: any("cannot be reached" in r.getMessage() for r in caplog.records), 30)
    assert len(rasa[1]) == 2
    # Quietly: an expected event of the platform, logged as such, never an error with a traceback.
    errors = [
        r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("bot.channels.whatsapp")
    ]
    assert [r.getMessage() for r in errors] == []


BSUID = "ID.1502576394655843"


async def test_a_username_user_keeps_one_conversation_and_is_answered_by_bsuid(
    deliver, fake_graph, rasa, redis_sync
):
    await deliver(fake_graph.delivery(WA_ID, fake_graph.text("satu"), bsuid=BSUID))
    await eventually(lambda: len(fake_graph.texts(BSUID)) == 1)
    await deliver(fake_graph.delivery(None, fake_graph.text("dua"), bsuid=BSUID))  # the number hidden now
    await eventually(lambda: len(fake_graph.texts(BSUID)) == 2)
    await deliver(fake_graph.delivery(WA_ID, fake_graph.text("tiga")))  # an older webhook: the number only
    await eventually(lambda: len(fake_graph.texts(BSUID)) == 3)
    assert [b["sender"] for b in rasa[1]] == [f"whatsapp:{BSUID}"] * 3
    assert all(m["recipient"] == BSUID and "to" not in m for m in fake_graph.sent)
    assert redis_sync.get(f"app:gateway:whatsapp:phone:{BSUID}") == WA_ID.encode()
    assert redis_sync.exists(f"app:gateway:whatsapp:window:{BSUID}")


async def test_a_refused_bsuid_is_written_to_by_its_number(deliver, fake_graph, rasa):
    fake_graph.bsuid_refused = True
    await deliver(fake_graph.delivery(WA_ID, fake_graph.text("halo"), bsuid=BSUID))
    await eventually(lambda: fake_graph.texts(WA_ID) == ["echo halo"])


async def test_captions_and_voice_notes_are_relayed_as_evidence(deliver, fake_graph, rasa):
    photo = fake_graph.image(SAMPLES["jpg"], caption=" ini lubangnya, sudah 2 minggu ")
    voice = fake_graph.media("audio", SAMPLES["ogg"], "audio/ogg; codecs=opus", voice=True)
    await deliver(fake_graph.delivery(WA_ID, photo, voice))
    await eventually(lambda: len(rasa[1]) == 2)
    first, second = (b["metadata"] for b in rasa[1])
    assert first["caption"] == "ini lubangnya, sudah 2 minggu"
    assert second["attachments"][0]["content_type"] == "audio/ogg" and "caption" not in second


async def test_stale_deliveries_are_skipped_and_counted(deliver, fake_graph, rasa, redis_sync):
    old = fake_graph.delivery(WA_ID, fake_graph.text("kemarin lusa"), at=time.time() - 25 * 3600)
    await deliver(old)
    await eventually(lambda: redis_sync.hget("app:gateway:whatsapp:failed", "stale") == b"1")
    await deliver(old)  # Meta redelivers it: counted once
    await asyncio.sleep(0.2)
    assert rasa[1] == [] and fake_graph.sent == []
    assert redis_sync.hget("app:gateway:whatsapp:failed", "stale") == b"1"


async def test_failed_notifications_go_again_as_the_template_or_stop(
    whatsapp_gateway, deliver, fake_graph, redis_async, redis_sync
):
    from bot.channels.whatsapp.outbound import WhatsAppOutbound
    from bot.gateway.app import WHATSAPP
    from common.reports import ReportsStore

    channel = whatsapp_gateway.app[WHATSAPP]
    notifier = WhatsAppOutbound(channel.api, channel.window, "status_laporan")
    await channel.window.opened(BSUID, time.time())
    await notifier.notify(BSUID, [Reply(text="Laporan Anda diverifikasi.")], "1916449")
    [news] = fake_graph.to(BSUID)
    await deliver(fake_graph.failed(news["_wamid"], BSUID, 131047))
    template = await eventually(lambda: fake_graph.to(BSUID)[1:])
    assert template[0]["template"]["components"][0]["parameters"][0]["text"] == "1916449"
    await deliver(fake_graph.failed(news["_wamid"], BSUID, 131047))  # once only
    await ReportsStore(redis_async).add_filed(f"whatsapp:{BSUID}", "1916449", "Jalan rusak", "pengaduan")
    await deliver(fake_graph.failed(template[0]["_wamid"], BSUID, 131026))
    await eventually(lambda: not redis_sync.sismember("app:reports:followers:1916449", f"whatsapp:{BSUID}"))
    assert len(fake_graph.to(BSUID)) == 2
    assert redis_sync.hgetall("app:gateway:whatsapp:failed") == {b"131047": b"2", b"131026": b"1"}


def test_a_question_marked_request_location_brings_the_location_button():
    ask = Reply(text="Di mana lokasinya?", buttons=(Button("⏭️ Lewati", "lewati"),))
    messages = render([ask, Reply(custom={"request_location": True})])
    assert [m["interactive"]["type"] for m in messages] == ["button", "location_request_message"]
    assert messages[1]["interactive"]["action"] == {"name": "send_location"}
