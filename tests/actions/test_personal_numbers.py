"""A NIK or phone number in the story or title: the citizen is warned once at the summary and chooses to
mask it, to make the report rahasia, or to leave it; LAPOR receives what was chosen."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.report import texts as wording
from actions.report.form import ValidateReportForm
from actions.report.questions import AskKonfirmasi
from actions.report.submission import SubmitReport
from tests.support.actions import DOMAIN, confirmed_pengaduan, make_tracker, run, texts

STORY = "Jalan di depan rumah saya berlubang. NIK saya 3273 0101 0101 0001, hubungi 0812-3456-7890."
MASKED = "Jalan di depan rumah saya berlubang. NIK saya 3273********0001, hubungi 0812****7890."


def draft(**changes):
    return confirmed_pengaduan(**{"isi": STORY, "privasi": "biasa", "konfirmasi": None, **changes})


def answer(text: str, slots: dict, intent: str = "out_of_scope") -> dict:
    tracker = make_tracker(slots, text=text, intent=intent, active_loop="report_form")
    return ValidateReportForm().validate_konfirmasi(text, CollectingDispatcher(), tracker, DOMAIN)


async def test_a_public_report_with_a_nik_is_warned_about_with_three_choices():
    _, plain = await run(AskKonfirmasi(), make_tracker(confirmed_pengaduan(privasi="biasa", konfirmasi=None)))
    assert "NIK" not in texts(plain)
    assert [b["payload"] for b in plain[0]["buttons"]] == ["/affirm", "/deny", "/cancel"]
    _, messages = await run(AskKonfirmasi(), make_tracker(draft()))
    assert "⚠️ Laporan Anda memuat NIK/nomor HP" in texts(messages)
    assert [b["title"] for b in messages[0]["buttons"]][:3] == [
        "🙈 Samarkan",
        "🔒 Jadikan rahasia",
        "Biarkan",
    ]
    assert "/affirm" not in [b["payload"] for b in messages[0]["buttons"]]  # a choice first, then Kirim


async def test_a_phone_number_in_the_title_is_warned_about_too():
    slots = confirmed_pengaduan(judul="Hubungi saya di +62 812 3456 7890", privasi="anonim", konfirmasi=None)
    _, messages = await run(AskKonfirmasi(), make_tracker(slots))
    assert "⚠️ Laporan Anda memuat NIK/nomor HP" in texts(messages)


async def test_a_rahasia_report_gets_a_gentler_note_and_can_still_be_sent_or_masked():
    _, messages = await run(AskKonfirmasi(), make_tracker(draft(privasi="rahasia")))
    said = texts(messages)
    assert "⚠️" not in said and "tidak tampil ke publik" in said
    assert [b["title"] for b in messages[0]["buttons"]][:2] == [wording.SEND, "🙈 Samarkan"]


@pytest.mark.parametrize(
    "typed, chosen",
    [
        ("samarkan", {"nomor_pribadi": "samarkan", "konfirmasi": None}),
        ("disamarkan aja", {"nomor_pribadi": "samarkan", "konfirmasi": None}),
        ("jadikan rahasia", {"nomor_pribadi": "rahasia", "privasi": "rahasia", "konfirmasi": None}),
        ("rahasia saja", {"nomor_pribadi": "rahasia", "privasi": "rahasia", "konfirmasi": None}),
        ("biarin aja", {"nomor_pribadi": "biarkan", "konfirmasi": None}),
        ("tidak usah disamarkan", {"nomor_pribadi": "biarkan", "konfirmasi": None}),
    ],
)
def test_the_choice_is_taken_typed_or_tapped(typed, chosen):
    assert answer(typed, draft()) == chosen


async def test_once_chosen_the_summary_shows_the_masked_story_and_asks_to_send():
    _, messages = await run(AskKonfirmasi(), make_tracker(draft(nomor_pribadi="samarkan")))
    said = texts(messages)
    assert MASKED in said and "3273 0101" not in said and "⚠️" not in said
    assert messages[0]["buttons"][0]["payload"] == "/affirm"


async def test_lapor_receives_the_masked_story_and_title_when_chosen_else_as_written(env, admin):
    slots = draft(judul="Jalan berlubang, hub 081234567890", nomor_pribadi="samarkan", konfirmasi=True)
    _, messages = await run(SubmitReport(), make_tracker(slots))
    tracking_id = texts(messages).split("Nomor pelacakan: #")[1].split()[0]
    stored = await admin.report(tracking_id)
    assert (stored["title"], stored["body"]) == ("Jalan berlubang, hub 0812****7890", MASKED)
    _, messages = await run(SubmitReport(), make_tracker(draft(nomor_pribadi="biarkan", konfirmasi=True)))
    tracking_id = texts(messages).split("Nomor pelacakan: #")[1].split()[0]
    assert (await admin.report(tracking_id))["body"] == STORY
