"""The news of a report as the notifier's burst needs it (issue 16): each piece of news as it stood at
its event's moment, worded for its receiver, and marked where it ends (common/messages.py NEWS_TOLD)."""

from __future__ import annotations

from datetime import datetime

import pytest

from actions.after_filing.news import NotifyClarification, NotifyStatus
from actions.after_filing.rating_form import RateReport
from actions.report.dates import format_date
from actions.report.steps import resume_draft
from common.messages import NEWS_TOLD, THEN_NEW, THEN_OPEN
from common.reports import ReportsStore
from common.workdays import due_day
from tests.support.actions import AGENCY, file_report, make_tracker, news, run, texts

DRAFT = {"classification": "pengaduan", "isi": "Jalan berlubang besar di depan pasar.", "judul": None}


def marker(messages: list[dict]) -> dict:
    """The NEWS_TOLD marker, which must be the last of the news action's messages."""
    assert NEWS_TOLD in (messages[-1].get("custom") or {}), messages
    return messages[-1]["custom"][NEWS_TOLD]


async def test_forwarded_news_gives_the_deadline_of_the_forwarding_not_of_a_later_follow_up(env, admin):
    """Forwarded and followed up within one poll: the forwarding's news still gives the forwarding's
    deadline (5 working days), not the one the follow-up set since (10)."""
    tracking_id = await file_report()
    await admin.transition(tracking_id, "verified")
    forwarded = (await admin.transition(tracking_id, "forwarded", agency_id=AGENCY))["events"][-1]
    later = await admin.follow_up(tracking_id, "Sudah dijadwalkan perbaikan.")
    _, messages = await run(NotifyStatus(), news(tracking_id, forwarded))
    own_due = due_day("forwarded", datetime.fromisoformat(forwarded["at"]))
    report_due = datetime.fromisoformat(later["due_at"]).date()
    assert own_due != report_due
    said = texts(messages)
    assert f"paling lambat {format_date(own_due)}" in said and format_date(report_due) not in said


@pytest.mark.parametrize("status", ["verified", "forwarded", "completed", "archived"])
async def test_a_follower_hears_the_news_as_a_follower_and_is_never_thanked_for_reporting(env, admin, status):
    tracking_id = await file_report()
    view = await admin.transition(tracking_id, "verified")
    if status in ("forwarded", "completed"):
        view = await admin.transition(tracking_id, "forwarded", agency_id=AGENCY)
    if status in ("completed", "archived"):
        view = await admin.transition(tracking_id, status, message="Data pelapor: Budi, 0812345678")
    await ReportsStore(env).follow("console:tetangga", tracking_id)
    events, messages = await run(
        NotifyStatus(), news(tracking_id, view["events"][-1], sender="console:tetangga")
    )
    said = texts(messages)
    assert "yang Anda ikuti" in said, said
    assert "Terima kasih sudah melapor" not in said and "0812345678" not in said
    assert events == []  # nothing to rate: the report is not theirs


async def test_the_submitted_event_says_nothing_and_marks_the_open_step(env, admin):
    """About 5 s after filing, "submitted" reaches the citizen who has started their next report: the
    marker tells the notifier the step that follows is the open one, with the draft's name."""
    tracking_id = await file_report()
    submitted = {"event_id": 1, "status": "submitted", "message": None}
    _, messages = await run(
        NotifyStatus(), news(tracking_id, submitted, slots=DRAFT, active_loop="report_form")
    )
    assert texts(messages).strip() == ""
    assert marker(messages) == {
        "then": THEN_OPEN,
        "resume": "Kita lanjutkan laporan jalan berlubang besar di depan pasar tadi:",
    }


async def test_news_during_a_titled_draft_names_it_and_a_new_question_is_marked_new(env, admin):
    tracking_id = await file_report()
    view = await admin.transition(tracking_id, "verified")
    titled = {**DRAFT, "judul": "Lampu jalan mati di Jl. Dago"}
    _, messages = await run(
        NotifyStatus(), news(tracking_id, view["events"][-1], slots=titled, active_loop="report_form")
    )
    assert marker(messages)["resume"] == "Kita lanjutkan laporan lampu jalan mati di Jl. Dago tadi:"

    view = await admin.clarification(tracking_id, "Mohon kirim foto lokasi.")
    _, messages = await run(
        NotifyClarification(), news(tracking_id, view["events"][-1], slots=titled, active_loop="report_form")
    )
    assert marker(messages) == {"then": THEN_NEW, "resume": ""}  # the answer's question follows


def test_a_draft_taken_up_again_after_an_answer_is_named_before_its_question():
    events = resume_draft(make_tracker({**DRAFT, "judul": "Lampu jalan mati di Jl. Dago"}))
    assert [e["event"] for e in events] == ["bot", "active_loop"]
    assert events[0]["text"] == "Kita lanjutkan laporan lampu jalan mati di Jl. Dago tadi:"
    assert resume_draft(make_tracker({})) == []  # no draft: nothing to take up


@pytest.mark.parametrize("story", [None, "Selamat siang pak"])
def test_a_draft_without_a_story_yet_is_named_as_the_one_being_written(story):
    # The probe's follower with a photo-only draft heard "Kita lanjutkan laporan laporan warga tadi:".
    events = resume_draft(make_tracker({"classification": "pengaduan", "isi": story}))
    assert events[0]["text"] == "Kita lanjutkan laporan yang sedang Anda isi tadi:"


async def test_a_followers_completion_mid_draft_names_the_draft_once(env, admin):
    """A completion goes to the rating form while a draft is open (notifications.yml); a follower has
    nothing to rate, so the draft goes on, named once: by the news marker, not again by the rating."""
    tracking_id = await file_report()
    await admin.transition(tracking_id, "verified")
    await admin.transition(tracking_id, "forwarded", agency_id=AGENCY)
    done = (await admin.transition(tracking_id, "completed"))["events"][-1]
    await ReportsStore(env).follow("console:tetangga", tracking_id)
    draft = {"slots": DRAFT, "active_loop": "report_form", "sender": "console:tetangga"}
    _, told = await run(NotifyStatus(), news(tracking_id, done, **draft))
    events, said = await run(RateReport(), make_tracker(DRAFT, sender="console:tetangga"))
    assert marker(told)["resume"] == "Kita lanjutkan laporan jalan berlubang besar di depan pasar tadi:"
    assert said == [] and [e["event"] for e in events if e["event"] != "slot"] == ["active_loop"]
    assert events[-1]["name"] == "report_form"
