"""A burst of news for one citizen (bot/notifier/burst.py): a few messages, the question once."""

from __future__ import annotations

from bot.notifier.burst import MAX_MESSAGES, compose
from common.messages import THEN_NEW, THEN_OPEN, BotMessage, Button, news_told

ASK_DATE = BotMessage("Kapan kejadiannya?", (Button("Hari ini", "hari ini"), Button("Kemarin", "kemarin")))
ASK_ANSWER = BotMessage("Tulis jawaban Anda untuk pertanyaan laporan #1234567.")
LEAD_IN = "Kita lanjutkan laporan jalan berlubang tadi:"


def marker(then: str, resume: str = "") -> BotMessage:
    return BotMessage(custom=news_told(then, resume))


def during_draft(news: str) -> list[BotMessage]:
    """News while the citizen writes a report: the form asks its open step again after it."""
    return [BotMessage(news), marker(THEN_OPEN, LEAD_IN), ASK_DATE]


def test_news_during_a_draft_is_told_together_then_the_draft_resumes_once_with_its_name():
    sent = compose([during_draft("✅ Laporan #1 diverifikasi."), during_draft("📨 Laporan #1 diteruskan.")])
    assert sent == [
        BotMessage("✅ Laporan #1 diverifikasi.\n\n📨 Laporan #1 diteruskan."),
        BotMessage(f"{LEAD_IN} kapan kejadiannya?", ASK_DATE.buttons),
    ]


def test_news_that_says_nothing_sends_nothing_not_even_the_open_step():
    """The filing's own "submitted" event, about 5 s later, while the next report is being written."""
    assert compose([[marker(THEN_OPEN, LEAD_IN), ASK_DATE]]) == []


def test_a_question_the_news_started_is_asked_once_last_and_the_open_step_never():
    clarification = [
        BotMessage('❓ Instansi meminta klarifikasi untuk laporan #1234567:\n"Mohon kirim foto."'),
        BotMessage("Laporan yang sedang Anda isi tetap tersimpan; kita lanjutkan setelah ini."),
        marker(THEN_NEW),
        ASK_ANSWER,
    ]
    while_answering = [[BotMessage(f"💬 Kabar {n}."), marker(THEN_OPEN), ASK_ANSWER] for n in range(4)]
    sent = compose([during_draft("✅ Diverifikasi."), clarification, *while_answering])
    assert len(sent) <= MAX_MESSAGES and sent[-1] == ASK_ANSWER
    assert sum(ASK_ANSWER.text in m.text for m in sent) == 1
    assert not any("Kapan kejadiannya" in m.text for m in sent)
    assert all(f"Kabar {n}." in sent[0].text for n in range(4))


def test_many_news_with_buttons_still_fit_in_three_messages():
    rated = [
        BotMessage(f"🏁 Laporan #{n} selesai.", (Button(f"Ikuti #{n}", f"/follow{n}"),)) for n in range(6)
    ]
    sent = compose([[m] for m in rated])  # unmarked: all of it is news
    assert len(sent) <= MAX_MESSAGES
    assert all(f"#{n} selesai" in " ".join(m.text for m in sent) for n in range(6))
    assert {b.payload for m in sent for b in m.buttons} == {f"/follow{n}" for n in range(6)}


def test_the_marker_itself_is_never_sent():
    sent = compose([during_draft("✅ Diverifikasi.")])
    assert all(not m.custom for m in sent)


def test_a_question_with_its_own_colon_follows_the_lead_in_as_a_new_sentence():
    ask_story = BotMessage("Ceritakan apa yang terjadi: masalahnya apa dan siapa yang terdampak.")
    sent = compose([[BotMessage("✅ Diverifikasi."), marker(THEN_OPEN, LEAD_IN), ask_story]])
    assert sent[-1].text == (
        "Kita lanjutkan laporan jalan berlubang tadi. "
        "Ceritakan apa yang terjadi: masalahnya apa dan siapa yang terdampak."
    )
