"""At most REPORTS_PER_DAY confirmed reports per citizen per day: a new report is not started beyond it,
and a confirmation beyond it keeps the draft to be sent tomorrow."""

from __future__ import annotations

import time

import pytest

from actions import clients
from actions.report import texts as wording
from actions.report.draft import pending_report
from actions.report.form import ValidateReportForm
from actions.report.start import StartReport
from actions.report.submission import SubmitReport
from common import keys, outbox
from tests.support.actions import confirmed_pengaduan, file_report, make_tracker, run, slots_of, texts

CITIZEN = "console:warga-1"


@pytest.fixture
async def two_a_day(env, monkeypatch):
    monkeypatch.setenv("REPORTS_PER_DAY", "2")
    await clients.reset()
    return env


async def start(text: str = "saya mau lapor") -> tuple[list, list]:
    return await run(StartReport(), make_tracker(text=text, intent="file_complaint", sender=CITIZEN))


async def test_the_default_is_five_a_day_and_zero_means_no_limit(env, monkeypatch):
    assert clients.settings().reports_per_day == 5
    monkeypatch.setenv("REPORTS_PER_DAY", "0")
    await clients.reset()
    for _ in range(6):
        await file_report(CITIZEN)
    events, _ = await start()
    assert clients.settings().reports_per_day == 0 and slots_of(events)["classification"] == "pengaduan"


async def test_a_new_report_beyond_the_limit_is_not_started_and_the_form_then_asks_nothing(two_a_day):
    await file_report(CITIZEN)
    await file_report(CITIZEN)
    events, messages = await start("jalan di depan rumah saya berlubang besar sekali")
    assert texts(messages) == wording.DAILY_LIMIT_AT_START.format(limit=2)
    assert events == []  # no draft: no classification, no story kept
    # The rule runs report_form next: with no draft it ends at once, saying nothing.
    form = make_tracker({}, text="jalan di depan rumah saya berlubang", active_loop="report_form")
    form_events, form_messages = await run(ValidateReportForm(), form)
    assert form_events == [{"event": "slot", "timestamp": None, "name": "requested_slot", "value": None}]
    assert form_messages == []
    other, _ = await run(StartReport(), make_tracker(intent="file_complaint", sender="console:warga-2"))
    assert slots_of(other)["classification"] == "pengaduan"  # the limit is per citizen


async def test_reports_still_in_the_outbox_count_too(two_a_day):
    await file_report(CITIZEN)
    await outbox.enqueue(two_a_day, pending_report(make_tracker(confirmed_pengaduan(), sender=CITIZEN)))
    _, messages = await start()
    assert wording.DAILY_LIMIT_AT_START.format(limit=2) in texts(messages)


async def test_only_todays_reports_count(two_a_day):
    await file_report(CITIZEN)
    yesterday = time.time() - 36 * 3600
    await two_a_day.zadd(keys.reports_filed(CITIZEN), {"1000001": yesterday, "1000002": yesterday})
    events, messages = await start()
    assert slots_of(events)["classification"] == "pengaduan"
    assert "Baik, kita buat pengaduan" in texts(messages)
    await file_report(CITIZEN)
    _, messages = await start()
    assert texts(messages) == wording.DAILY_LIMIT_AT_START.format(limit=2)


async def test_a_confirmation_beyond_the_limit_keeps_the_draft_for_tomorrow(two_a_day):
    await file_report(CITIZEN)
    await file_report(CITIZEN)
    slots = confirmed_pengaduan()
    events, messages = await run(SubmitReport(), make_tracker(slots, sender=CITIZEN))
    assert texts(messages) == wording.DAILY_LIMIT_AT_SUBMISSION.format(limit=2)
    assert "besok" in texts(messages)
    assert events == []  # the draft and its key stay: "kirim" tomorrow sends it
    assert not await outbox.is_pending(two_a_day, slots["idempotency_key"])
    assert len(await outbox.pending_for(two_a_day, CITIZEN)) == 0


async def test_at_the_limit_a_repeated_confirmation_is_answered_and_a_new_one_kept(two_a_day):
    slots = confirmed_pengaduan()
    _, first = await run(SubmitReport(), make_tracker(slots, sender=CITIZEN))
    await file_report(CITIZEN)
    _, again = await run(SubmitReport(), make_tracker(slots, sender=CITIZEN))
    number = texts(first).split("Nomor pelacakan: #")[1].split()[0]
    assert f"Nomor pelacakan: #{number}" in texts(again)
    _, third = await run(SubmitReport(), make_tracker(confirmed_pengaduan(), sender=CITIZEN))
    assert texts(third) == wording.DAILY_LIMIT_AT_SUBMISSION.format(limit=2)
