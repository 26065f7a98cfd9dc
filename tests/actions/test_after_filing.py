"""Issue 16, Deliver 1 and 2: answering an agency is a small conversation of its own, and follow-up,
completion and rating work in any order the agency produces them. Against the real sandbox and Redis."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.after_filing import reminders
from actions.after_filing.news import NotifyClarification, NotifyFollowUp
from actions.after_filing.rating_form import RateReport, StartRating, StopRating, ValidateRatingForm
from actions.after_filing.reply_form import (
    AddToReply,
    AnswerAgency,
    AskBalasanKirim,
    AskBalasanUntuk,
    AskMasalahSelesai,
    RemindAnswer,
    SendReply,
    ValidateReplyForm,
)
from actions.report.dates import JAKARTA
from actions.report.start import StartReport
from common import keys
from common.clarifications import OpenClarifications
from common.media import MediaStore
from common.settings import media_dir
from tests.support.actions import (
    DOMAIN,
    JPEG,
    forwarded_report,
    last_event,
    make_tracker,
    news,
    run,
    slots_of,
    texts,
    tracking_entity,
)

SENDER = "console:warga-1"


def answering(slots: dict[str, Any], text: str, intent: str = "file_complaint", **tracker: Any):
    """The tracker as the reply form hands it to its validation: the message taken for the requested slot."""
    step = slots.get("requested_slot")
    chat = make_tracker(slots, text=text, intent=intent, active_loop="reply_form", **tracker)
    if step and not text.startswith("/"):
        chat.events.append({"event": "slot", "name": step, "value": text})
        chat.slots[step] = text
    return chat


async def asked(tracking_id: str, admin, question: str = "Di RT berapa?") -> tuple[dict, dict]:
    event = last_event(await admin.clarification(tracking_id, question))
    events, _ = await run(NotifyClarification(), news(tracking_id, event))
    return event, slots_of(events)


async def validate(slots: dict[str, Any], text: str, intent: str = "file_complaint", **tracker: Any):
    dispatcher = CollectingDispatcher()
    events = await ValidateReplyForm().run(dispatcher, answering(slots, text, intent, **tracker), DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return slots, texts(dispatcher.messages)


def next_step(validated: dict[str, Any]) -> Any:
    """The step the form asks next (None: done); the rest of `validated` is what was taken."""
    return validated.pop("requested_slot")


# --- "nanti" ---


async def test_nanti_keeps_the_question_open_and_reminds_once_by_day(env, admin):
    tracking_id = await forwarded_report(admin)
    event, slots = await asked(tracking_id, admin)
    slots = {**slots, "requested_slot": "balasan"}
    for later in ("aduh sy lagi di jalan, nanti aja ya sy jawab", "sebentar", "nanti lagi ya"):
        validated, _ = await validate(slots, later, intent="goodbye")
        # Nothing is taken as the answer, and nothing more is asked.
        assert next_step(validated) is None and validated == {"balasan_nanti": True}, later

    for _ in range(2):  # "nanti" twice: one reminder
        _, messages = await run(SendReply(), make_tracker({**slots, "balasan_nanti": True}))
        said = texts(messages)
        assert "tetap menunggu" in said and f"jawab pertanyaan laporan {tracking_id}" in said
    assert [q["event_id"] for q in await OpenClarifications(env).list(SENDER)] == [str(event["event_id"])]
    assert await env.zcard(keys.ANSWER_REMINDERS) == 1
    assert await admin.replies(tracking_id) == []


def test_reminders_come_at_a_sensible_hour():
    def due(hour: int, minute: int = 0) -> str:
        return reminders.remind_at(datetime(2026, 12, 1, hour, minute, tzinfo=JAKARTA)).strftime("%d %H:%M")

    assert [due(9), due(17), due(18, 30), due(23), due(2)] == [
        "01 12:00",
        "01 20:00",
        "02 08:00",
        "02 08:00",
        "01 08:00",
    ]


async def test_the_reminder_asks_again_unless_answered_meanwhile(env, admin):
    tracking_id = await forwarded_report(admin)
    event, slots = await asked(tracking_id, admin, "Mohon kirim foto lokasi.")
    reminder = make_tracker(
        text="EXTERNAL: reminder",
        intent="EXTERNAL_answer_reminder",
        entities=[
            {"entity": "tracking_id", "value": tracking_id},
            {"entity": "lapor_event_id", "value": f"reminder-{event['event_id']}"},
        ],
        external=True,
    )
    events, messages = await run(RemindAnswer(), reminder)
    assert "Pengingat" in texts(messages) and "Mohon kirim foto lokasi." in texts(messages)
    assert slots_of(events)["balasan_untuk"]["event_id"] == str(event["event_id"])
    assert events[-1] == {"event": "active_loop", "name": "reply_form", "timestamp": None}

    await run(SendReply(), make_tracker({**slots, "balasan": "Fotonya menyusul.", "balasan_kirim": True}))
    assert await run(RemindAnswer(), reminder) == ([], [])


# --- what is an answer ---


async def test_menu_words_and_a_bare_ok_are_no_answer(env, admin):
    tracking_id = await forwarded_report(admin)
    _, slots = await asked(tracking_id, admin)
    slots = {**slots, "requested_slot": "balasan"}
    validated, said = await validate(slots, "laporan saya", intent="my_reports")
    # The list, then the question again.
    assert next_step(validated) == "balasan" and validated == {"balasan": None}
    assert f"#{tracking_id}" in said
    validated, said = await validate(slots, "ok", intent="affirm")
    assert next_step(validated) == "balasan" and validated == {"balasan": None}
    assert "belum saya catat sebagai jawaban" in said
    validated, _ = await validate(slots, "RT 04, di samping pos ronda", intent="affirm")
    assert next_step(validated) == "balasan_kirim" and validated == {"balasan": "RT 04, di samping pos ronda"}


async def test_the_answer_is_shown_before_it_is_sent_and_can_be_changed(env, admin):
    tracking_id = await forwarded_report(admin)
    _, slots = await asked(tracking_id, admin)
    slots = {**slots, "balasan": "RT 04", "requested_slot": "balasan_kirim"}
    _, messages = await run(AskBalasanKirim(), make_tracker(slots))
    assert messages[0]["text"] == f'Kirim jawaban ini untuk laporan #{tracking_id}?\n"RT 04"'
    assert [b["title"] for b in messages[0]["buttons"]] == ["📤 Kirim", "✏️ Ubah", "⏰ Nanti"]
    validated, _ = await validate(slots, "ubah jawaban")
    assert next_step(validated) == "balasan" and validated == {"balasan_kirim": None, "balasan": None}
    validated, _ = await validate(slots, "rumah nomor 12")
    assert next_step(validated) == "balasan_kirim"
    assert validated == {"balasan_kirim": None, "balasan": "RT 04\nrumah nomor 12"}


async def test_a_photo_alone_is_the_answer(env, admin):
    tracking_id = await forwarded_report(admin)
    _, slots = await asked(tracking_id, admin, "Mohon kirim foto lokasi.")
    photo = (await MediaStore(media_dir()).save(JPEG, "lokasi.jpg")).to_json()
    validated, said = await validate(
        {**slots, "requested_slot": "balasan"},
        "/share_evidence",
        intent="share_evidence",
        metadata={"attachments": [photo]},
    )
    assert next_step(validated) == "balasan_kirim"
    assert validated["balasan"] == "" and len(validated["balasan_lampiran"]) == 1 and "diterima" in said
    answer = {**slots, **validated, "balasan_kirim": True}
    _, messages = await run(SendReply(), make_tracker(answer))
    assert f"Jawaban Anda untuk laporan #{tracking_id} sudah dikirim" in texts(messages)
    (reply,) = await admin.replies(tracking_id)
    assert reply["message"] == "Terlampir foto/dokumen yang diminta." and len(reply["attachment_ids"]) == 1


async def test_an_answer_in_the_same_breath_and_another_reply_after_it(env, admin):
    tracking_id = await forwarded_report(admin)
    await asked(tracking_id, admin)
    events, _ = await run(
        AnswerAgency(),
        make_tracker(
            text="eh td belum sy jawab, ini jawabannya: RT 04 dekat pos ronda", intent="answer_agency"
        ),
    )
    slots = slots_of(events)
    assert (
        slots["balasan"] == "RT 04 dekat pos ronda" and slots["balasan_untuk"]["tracking_id"] == tracking_id
    )
    _, messages = await run(SendReply(), make_tracker({**slots, "balasan_kirim": True}))
    assert f"tambah keterangan untuk laporan {tracking_id}" in texts(messages)

    events, _ = await run(
        AddToReply(),
        make_tracker(
            text=f"tambah keterangan untuk laporan #{tracking_id}",
            intent="add_to_reply",
            entities=tracking_entity(tracking_id),
        ),
    )
    addition = {**slots_of(events), "balasan": "Rumahnya cat hijau.", "balasan_kirim": True}
    for _ in range(2):  # retried: still one more reply
        _, messages = await run(SendReply(), make_tracker(addition))
    assert f"Keterangan tambahan untuk laporan #{tracking_id} sudah dikirim" in texts(messages)
    assert [r["message"] for r in await admin.replies(tracking_id)] == [
        "RT 04 dekat pos ronda",
        "Rumahnya cat hijau.",
    ]


async def test_two_questions_of_one_report_are_told_apart(env, admin):
    tracking_id = await forwarded_report(admin)
    first, _ = await asked(tracking_id, admin, "Di RT berapa?")
    second, _ = await asked(tracking_id, admin, "Sejak kapan?")
    _, messages = await run(AskBalasanUntuk(), make_tracker())
    buttons = messages[0]["buttons"]
    assert [b["title"] for b in buttons[:2]] == [
        f"#{tracking_id}: Di RT berapa?",
        f"#{tracking_id}: Sejak kapan?",
    ]
    validated = await ValidateReplyForm().validate_balasan_untuk(
        buttons[1]["payload"], CollectingDispatcher(), make_tracker(text=buttons[1]["payload"]), DOMAIN
    )
    assert validated["balasan_untuk"]["event_id"] == str(second["event_id"]) != str(first["event_id"])


# --- follow-up, completion and rating in any order ---


async def test_a_question_is_not_asked_again_on_a_notifications_turn(env, admin):
    asked_before = make_tracker(
        {"requested_slot": "masalah_selesai"}, intent="EXTERNAL_status_changed", external=True
    )
    asked_before.events = [
        {"event": "slot", "name": "requested_slot", "value": "masalah_selesai"},
        {"event": "user", "text": "EXTERNAL"},
    ]
    assert await run(AskMasalahSelesai(), asked_before) == ([], [])
    _, messages = await run(AskMasalahSelesai(), make_tracker())
    assert "sudah menyelesaikan masalah Anda?" in texts(messages)


async def test_belum_after_completion_offers_a_linked_report_then_the_rating(env, admin):
    tracking_id = await forwarded_report(admin)
    event = last_event(await admin.follow_up(tracking_id, "Sudah dijadwalkan perbaikan."))
    events, _ = await run(NotifyFollowUp(), news(tracking_id, event))
    await admin.transition(tracking_id, "completed")
    slots = {**slots_of(events), "requested_slot": "masalah_selesai"}
    validated, _ = await validate(slots, "belum! cuma dijadwalin doang, blm dikerjain")
    assert validated["masalah_selesai"] is False and validated["balasan_untuk"]["closed"] is True
    assert validated["balasan"] == "belum! cuma dijadwalin doang, blm dikerjain"
    assert next_step(validated) is None  # nothing more to ask: LAPOR takes no reply now

    events, messages = await run(SendReply(), make_tracker({**slots, **validated}))
    assert "sudah ditutup di LAPOR!" in texts(messages) and "tetap dibuka" not in texts(messages)
    assert [b["title"] for b in messages[0]["buttons"]] == ["📝 Buat laporan lanjutan", "⭐ Beri nilai"]
    assert slots_of(events)["cerita_tawaran"].startswith(f"Lanjutan laporan #{tracking_id}")
    assert await admin.replies(tracking_id) == []


async def test_sudah_after_completion_goes_on_to_the_rating(env, admin):
    tracking_id = await forwarded_report(admin)
    event = last_event(await admin.follow_up(tracking_id, "Jalan sudah ditambal."))
    events, _ = await run(NotifyFollowUp(), news(tracking_id, event))
    await admin.transition(tracking_id, "completed")
    events, messages = await run(SendReply(), make_tracker({**slots_of(events), "masalah_selesai": True}))
    assert "Senang masalah Anda sudah tertangani" in texts(messages)
    assert slots_of(events)["nilai_untuk"] == tracking_id and events[-1]["name"] == "rating_form"


def test_score_and_comment_in_either_order():
    def rated(text: str, **slots: Any) -> dict[str, Any]:
        return ValidateRatingForm().validate_nilai(
            text, CollectingDispatcher(), make_tracker(slots, text=text), DOMAIN
        )

    assert rated("jelek, petugasnya ga dateng. 1") == {"nilai": 1, "komentar": "jelek, petugasnya ga dateng"}
    assert rated("petugasnya ga dateng sama sekali") == {
        "nilai": None,
        "komentar": "petugasnya ga dateng sama sekali",
    }
    assert rated("2", komentar="petugasnya ga dateng") == {"nilai": 2}
    assert rated("nilai 4 deh") == {"nilai": 4}


async def test_batal_at_the_comment_keeps_the_score(env, admin, sandbox):
    tracking_id = await forwarded_report(admin)
    await admin.transition(tracking_id, "completed")
    _, messages = await run(
        StopRating(), make_tracker({"nilai_untuk": tracking_id, "nilai": 2}, active_loop="rating_form")
    )
    assert "Terima kasih atas penilaian" in texts(messages)
    state = json.loads((sandbox.data_dir / "sandbox.json").read_text(encoding="utf-8"))
    assert state["reports"][tracking_id]["rating"] == {"score": 2, "comment": None}


async def test_a_rating_asked_for_any_time_after_completion(env, admin):
    tracking_id = await forwarded_report(admin)

    def rating(text: str):
        return make_tracker(text=text, intent="rate_report", entities=tracking_entity(tracking_id))

    _, messages = await run(StartRating(), rating(f"beri nilai laporan #{tracking_id}"))
    assert f"Laporan #{tracking_id} belum selesai" in texts(messages)
    await admin.transition(tracking_id, "completed")
    events, _ = await run(StartRating(), rating(f"sy mau kasih nilai 1 buat laporan {tracking_id}"))
    assert {k: slots_of(events)[k] for k in ("nilai_untuk", "nilai", "komentar")} == {
        "nilai_untuk": tracking_id,
        "nilai": 1,
        "komentar": None,
    }
    assert events[-1]["name"] == "rating_form"
    events, _ = await run(
        StartRating(), make_tracker(text="beri nilai", intent="rate_report", sender="console:lain")
    )
    assert events == []


async def test_a_photo_soon_after_an_answer_is_offered_to_it_first(env, admin):
    tracking_id = await forwarded_report(admin)
    _, slots = await asked(tracking_id, admin)
    await run(SendReply(), make_tracker({**slots, "balasan": "RT 04", "balasan_kirim": True}))
    photo = (await MediaStore(media_dir()).save(JPEG, "lubang.jpg")).to_json()

    def shared():
        return make_tracker(
            text="/share_evidence", intent="share_evidence", metadata={"attachments": [photo]}
        )

    events, messages = await run(StartReport(), shared())
    assert messages[0]["text"] == f"Tambahkan foto/dokumen ini ke jawaban laporan #{tracking_id}?"
    assert "classification" not in slots_of(events)  # no new pengaduan (yet)
    parked = slots_of(events)
    # Asked once: another photo now starts a pengaduan, as any photo out of the blue does.
    events, _ = await run(StartReport(), shared())
    assert slots_of(events)["classification"] == "pengaduan"

    events, _ = await run(
        AddToReply(), make_tracker(parked, intent="add_to_reply", entities=tracking_entity(tracking_id))
    )
    addition = slots_of(events)
    assert addition["balasan"] == "" and len(addition["balasan_lampiran"]) == 1
    await run(SendReply(), make_tracker({**addition, "balasan_kirim": True}))
    assert [len(r["attachment_ids"]) for r in await admin.replies(tracking_id)] == [0, 1]


# --- a report being written waits for a rating or an answer asked for in its middle ---

DRAFT = {"classification": "pengaduan", "isi": "Jalan berlubang di depan pasar", "judul": "Jalan berlubang"}


def resumed(events: list[dict]) -> bool:
    """The draft goes on, once, after one line naming it (its question follows from the form)."""
    said = [e["text"] for e in events if e.get("event") == "bot"]
    active = [e["name"] for e in events if e.get("event") == "active_loop"]
    return said == ["Kita lanjutkan laporan jalan berlubang tadi:"] and active == ["report_form"]


async def test_a_rating_asked_for_mid_draft_goes_first_then_the_draft_resumes(env, admin, sandbox):
    tracking_id = await forwarded_report(admin)

    def rating(text: str):
        return make_tracker(
            DRAFT,
            text=text,
            intent="rate_report",
            entities=tracking_entity(tracking_id),
            active_loop="report_form",
        )

    events, messages = await run(StartRating(), rating(f"beri nilai laporan #{tracking_id}"))
    assert f"Laporan #{tracking_id} belum selesai" in texts(messages) and resumed(events)
    await admin.transition(tracking_id, "completed")
    events, messages = await run(StartRating(), rating(f"beri nilai laporan #{tracking_id}"))
    assert events[-1]["name"] == "rating_form" and not resumed(events)
    assert "Laporan yang sedang Anda isi tetap tersimpan" in texts(messages)
    rated = {**DRAFT, "nilai_untuk": tracking_id, "nilai": 4, "komentar": "cepat"}
    events, messages = await run(RateReport(), make_tracker(rated, text="cepat", intent="file_complaint"))
    assert "Terima kasih atas penilaian" in texts(messages) and resumed(events), events
    state = json.loads((sandbox.data_dir / "sandbox.json").read_text(encoding="utf-8"))
    assert state["reports"][tracking_id]["rating"] == {"score": 4, "comment": "cepat"}


async def test_an_answer_asked_for_mid_draft_with_nothing_open_lets_the_draft_go_on(env):
    chat = make_tracker(DRAFT, text="jawab pertanyaan laporan #1916449", intent="answer_agency")
    events, messages = await run(AnswerAgency(), chat)
    assert texts(messages) and resumed(events)
