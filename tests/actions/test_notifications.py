"""News about followed reports, answers to agencies and ratings, against the real sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.after_filing.news import (
    FollowReport,
    NotifyClarification,
    NotifyFollowUp,
    NotifyStatus,
    StopNotifications,
)
from actions.after_filing.rating_form import RateReport, ValidateRatingForm
from actions.after_filing.reply_form import AskBalasanUntuk, SendReply, StopAnswer, ValidateReplyForm
from actions.after_filing.texts import DRAFT_WAITS
from actions.report.steps import FORM_STEPS, STEPS, fresh_draft
from actions.status import CheckStatus
from common.clarifications import OpenClarifications
from common.identity import pseudonym as user_ref
from common.media import MediaStore
from common.reports import ReportsStore
from common.settings import media_dir
from tests.support.actions import (
    AGENCY,
    DOMAIN,
    JPEG,
    file_report,
    forwarded_report,
    last_event,
    make_tracker,
    news,
    run,
    slots_of,
    texts,
    tracking_entity,
)
from tests.support.activity import facts

# --- news ---


async def test_forwarded_news_names_the_agency_and_its_deadline(env, admin):
    tracking_id = await file_report()
    await admin.transition(tracking_id, "verified")
    view = await admin.transition(tracking_id, "forwarded", agency_id=AGENCY)
    events, messages = await run(NotifyStatus(), news(tracking_id, last_event(view)))
    said = texts(messages)
    assert f"#{tracking_id} sudah diteruskan ke Dinas Pekerjaan Umum dan Penataan Ruang Kota Bandung" in said
    assert "paling lambat" in said and events == []


async def test_archived_news_gives_the_reason(env, admin):
    tracking_id = await file_report()
    view = await admin.transition(tracking_id, "archived", "Bukan wewenang pemerintah daerah")
    _, messages = await run(NotifyStatus(), news(tracking_id, last_event(view)))
    assert "diarsipkan" in texts(messages) and "Alasan: Bukan wewenang pemerintah daerah" in texts(messages)


async def test_completion_mid_form_asks_for_a_rating_and_keeps_the_draft(env, admin):
    tracking_id = await forwarded_report(admin)
    await admin.follow_up(tracking_id, "Jalan sudah ditambal.")
    view = await admin.transition(tracking_id, "completed")
    events, messages = await run(
        NotifyStatus(), news(tracking_id, last_event(view), active_loop="report_form")
    )
    assert "dinyatakan selesai" in texts(messages) and DRAFT_WAITS in texts(messages)
    assert slots_of(events)["nilai_untuk"] == tracking_id


async def test_news_while_answering_is_only_told(env, admin):
    tracking_id = await forwarded_report(admin)
    view = await admin.follow_up(tracking_id, "Jalan sudah ditambal.")
    events, messages = await run(
        NotifyFollowUp(), news(tracking_id, last_event(view), active_loop="reply_form")
    )
    assert "Jalan sudah ditambal." in texts(messages) and events == []


# --- clarifications ---


async def test_a_clarification_answer_with_a_photo_is_one_reply_however_often_sent(env, admin):
    tracking_id = await forwarded_report(admin)
    event = last_event(await admin.clarification(tracking_id, "Mohon kirim foto lokasi."))
    events, messages = await run(NotifyClarification(), news(tracking_id, event))
    assert "Mohon kirim foto lokasi." in texts(messages)
    target = slots_of(events)["balasan_untuk"]
    assert target["tracking_id"] == tracking_id and target["event_id"] == str(event["event_id"])

    photo = (await MediaStore(media_dir()).save(JPEG, "lokasi.jpg")).to_json()
    answer = {
        "balasan_untuk": target,
        "masalah_selesai": False,
        "balasan": "Di depan masjid Al Ikhlas.",
        "balasan_lampiran": [photo],
        "balasan_kirim": True,
    }
    for _ in range(2):  # e.g. the action server retried
        events, messages = await run(SendReply(), make_tracker(answer))
        assert f"Jawaban Anda untuk laporan #{tracking_id} sudah dikirim" in texts(messages)
    replies = await admin.replies(tracking_id)
    assert len(replies) == 1 and len(replies[0]["attachment_ids"]) == 1
    assert (
        replies[0]["in_reply_to"] == event["event_id"]
        and replies[0]["message"] == "Di depan masjid Al Ikhlas."
    )
    assert await OpenClarifications(env).list("console:warga-1") == []
    assert slots_of(events)["balasan_untuk"] is None


async def test_with_several_open_questions_the_citizen_picks_the_report(env, admin):
    first, second = await forwarded_report(admin), await forwarded_report(admin)
    for tracking_id in (first, second):
        event = last_event(await admin.clarification(tracking_id, f"Pertanyaan untuk {tracking_id}"))
        events, _ = await run(NotifyClarification(), news(tracking_id, event))
    assert slots_of(events)["balasan_untuk"] is None  # two are open: the form asks which
    _, messages = await run(AskBalasanUntuk(), make_tracker())
    assert [b["payload"].split("/")[0] for b in messages[0]["buttons"][:2]] == [f"#{first}", f"#{second}"]
    chosen = await ValidateReplyForm().validate_balasan_untuk(
        f"#{second}", CollectingDispatcher(), make_tracker(text=f"#{second}"), DOMAIN
    )
    assert chosen["balasan_untuk"]["tracking_id"] == second


async def test_after_an_answer_the_report_being_written_resumes(env, admin):
    tracking_id = await forwarded_report(admin)
    event = last_event(await admin.clarification(tracking_id, "Di RT berapa?"))
    events, messages = await run(NotifyClarification(), news(tracking_id, event, active_loop="report_form"))
    assert DRAFT_WAITS in texts(messages)
    draft = {"classification": "pengaduan", "isi": "Lampu jalan mati sudah seminggu di gang kami."}
    answer = {**draft, **slots_of(events), "balasan": "RT 04", "balasan_kirim": True}
    events, _ = await run(SendReply(), make_tracker(answer))
    assert events[-1] == {"event": "active_loop", "name": "report_form", "timestamp": None}


def test_a_resumed_form_asks_the_classifications_next_step():
    """Resumed without a message to validate, Rasa asks the first empty slot in the domain's order."""
    domain = yaml.safe_load(
        (Path(__file__).parents[2] / "dialogue" / "domain.yml").read_text(encoding="utf-8")
    )
    order = domain["forms"]["report_form"]["required_slots"]
    assert order == FORM_STEPS
    for classification, steps in STEPS.items():
        draft = {e["name"]: e["value"] for e in fresh_draft(classification)}
        for answered, step in enumerate(steps):
            slots = {**draft, **{s: "jawaban" for s in steps[:answered]}}
            assert next(s for s in order if slots.get(s) is None) == step, (classification, step)


async def test_batal_drops_the_answer_only(env, admin):
    tracking_id = await forwarded_report(admin)
    for question in ("Di RT berapa?", "Sejak kapan?"):
        events, _ = await run(
            NotifyClarification(),
            news(tracking_id, last_event(await admin.clarification(tracking_id, question))),
        )
    target = (await OpenClarifications(env).list("console:warga-1"))[0]
    answering = {
        "classification": "aspirasi",
        **slots_of(events),
        "balasan_untuk": {**target, "kind": "klarifikasi"},
    }
    events, messages = await run(StopAnswer(), make_tracker(answering, active_loop="reply_form"))
    assert "tidak dikirim" in texts(messages) and "Masih ada pertanyaan" in texts(messages)
    assert [q["question"] for q in await OpenClarifications(env).list("console:warga-1")] == ["Sejak kapan?"]
    assert events[-1]["name"] == "reply_form"  # the other question next; the draft after it

    events, messages = await run(
        StopAnswer(), make_tracker({"classification": "aspirasi"}, active_loop="reply_form")
    )
    assert "tidak dikirim" in texts(messages) and await OpenClarifications(env).list("console:warga-1") == []
    assert slots_of(events)["balasan"] is None and "classification" not in slots_of(events)
    assert events[-1]["name"] == "report_form"


async def test_lapor_down_keeps_the_answer_for_another_try(env, admin):
    tracking_id = await forwarded_report(admin)
    event = last_event(await admin.clarification(tracking_id, "Di RT berapa?"))
    events, _ = await run(NotifyClarification(), news(tracking_id, event))
    await admin.set_fault("down")
    answer = {**slots_of(events), "balasan": "RT 04", "balasan_kirim": True}
    events, messages = await run(SendReply(), make_tracker(answer))
    assert "belum terkirim" in texts(messages)
    assert slots_of(events) == {"balasan_kirim": None} and events[-1]["name"] == "reply_form"


# --- follow-ups and ratings ---


async def test_a_follow_up_not_solving_the_problem_gets_a_reply_and_stays_open(env, admin):
    tracking_id = await forwarded_report(admin)
    event = last_event(await admin.follow_up(tracking_id, "Jalan sudah ditambal."))
    events, messages = await run(NotifyFollowUp(), news(tracking_id, event))
    assert "Tindak lanjut dari Dinas Pekerjaan Umum" in texts(messages) and "Jalan sudah ditambal." in texts(
        messages
    )
    solved = await ValidateReplyForm().validate_masalah_selesai(
        "belum", CollectingDispatcher(), make_tracker(text="belum"), DOMAIN
    )
    assert solved == {"masalah_selesai": False}
    answer = {
        **slots_of(events),
        **solved,
        "balasan": "Cuma ditimbun tanah, sudah berlubang lagi.",
        "balasan_kirim": True,
    }
    _, messages = await run(SendReply(), make_tracker(answer))
    assert "tetap dibuka" in texts(messages)
    assert [r["in_reply_to"] for r in await admin.replies(tracking_id)] == [event["event_id"]]


async def test_a_follow_up_that_solved_it_is_thanked_without_a_reply(env, admin):
    tracking_id = await forwarded_report(admin)
    event = last_event(await admin.follow_up(tracking_id, "Jalan sudah ditambal."))
    events, _ = await run(NotifyFollowUp(), news(tracking_id, event))
    _, messages = await run(SendReply(), make_tracker({**slots_of(events), "masalah_selesai": True}))
    assert "Terima kasih" in texts(messages) and await admin.replies(tracking_id) == []


def test_scores_are_read_from_buttons_digits_and_words():
    def score(text: str):
        return ValidateRatingForm().validate_nilai(
            text, CollectingDispatcher(), make_tracker(text=text), DOMAIN
        )

    assert [score(t)["nilai"] for t in ("5", "nilai 4 deh", "tiga", "⭐⭐", "bagus")] == [5, 4, 3, 2, None]
    # Digits that count something else are no score.
    assert [
        score(t)["nilai"]
        for t in ("makasih (2). 5", "telat 2 minggu, tapi beres. nilai 4", "5 bintang, rt 3 sudah terang")
    ] == [5, 4, 5]
    assert score("baru dikerjain setelah 3 minggu")["nilai"] is None


async def test_a_rating_reaches_lapor(env, admin, sandbox):
    tracking_id = await forwarded_report(admin)
    await admin.follow_up(tracking_id, "Jalan sudah ditambal.")
    await admin.transition(tracking_id, "completed")
    _, messages = await run(
        RateReport(), make_tracker({"nilai_untuk": tracking_id, "nilai": 4, "komentar": "Cepat"})
    )
    assert "Terima kasih atas penilaian" in texts(messages)
    state = json.loads((sandbox.data_dir / "sandbox.json").read_text(encoding="utf-8"))
    assert state["reports"][tracking_id]["rating"] == {"score": 4, "comment": "Cepat"}


async def test_an_answer_and_a_rating_are_recorded_for_the_dashboard(env, admin):
    tracking_id = await forwarded_report(admin)
    event = last_event(await admin.clarification(tracking_id, "Mohon kirim foto lokasi."))
    events, _ = await run(NotifyClarification(), news(tracking_id, event))
    answer = {
        "balasan_untuk": slots_of(events)["balasan_untuk"],
        "balasan": "Di depan masjid.",
        "balasan_kirim": True,
    }
    await run(SendReply(), make_tracker(answer))
    await admin.transition(tracking_id, "completed")
    await run(RateReport(), make_tracker({"nilai_untuk": tracking_id, "nilai": 4, "komentar": "Cepat"}))
    citizen = {"conversation": user_ref("console:warga-1"), "channel": "console"}
    recorded = await facts(env)
    assert [f for f in recorded if f["kind"] in ("clarification_answered", "report_rated")] == [
        {
            "kind": "clarification_answered",
            "tracking_id": tracking_id,
            "event_id": str(event["event_id"]),
            **citizen,
        },
        {"kind": "report_rated", "tracking_id": tracking_id, "score": "4", "comment": "Cepat", **citizen},
    ]


# --- following ---


async def test_anyone_can_follow_a_report_and_stop_all_news(env, admin):
    tracking_id = await file_report(sender="telegram:pelapor-lain")
    status = make_tracker(
        text=f"cek status {tracking_id}", intent="check_status", entities=tracking_entity(tracking_id)
    )
    _, messages = await run(CheckStatus(), status)
    follow = messages[0]["buttons"][0]
    assert follow["payload"] == f'/follow_report{{"tracking_id": "{tracking_id}"}}'

    _, messages = await run(
        FollowReport(), make_tracker(intent="follow_report", entities=tracking_entity(tracking_id))
    )
    store = ReportsStore(env)
    assert "console:warga-1" in await store.followers(tracking_id) and "berhenti notifikasi" in texts(
        messages
    )
    _, messages = await run(CheckStatus(), status)
    assert messages[0]["buttons"] == []  # already following

    own = await file_report()
    _, messages = await run(StopNotifications(), make_tracker(intent="stop_notifications"))
    assert "Notifikasi dihentikan" in texts(messages)
    assert "console:warga-1" not in await store.followers(tracking_id) | await store.followers(own)
    assert messages[0]["buttons"] == [
        {"title": f"🔔 Ikuti lagi #{own}", "payload": f'/follow_report{{"tracking_id": "{own}"}}'}
    ]
