"""The monev definitions on hand-made reports, and the server-side charts."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.dashboard import charts, figures
from bot.dashboard.figures import Filters, Report
from common.workdays import working_days_between


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+07:00")


def report(tracking_id: str = "1", **changes) -> Report:
    fields = dict(
        tracking_id=tracking_id,
        status="submitted",
        classification="pengaduan",
        title="Jalan rusak",
        category_id=None,
        agency_id="a",
        created_at=at("2026-11-02"),
    )
    fields.update(changes)
    return Report(**fields)


def test_working_days_skip_weekends_holidays_and_cuti_bersama():
    assert working_days_between(at("2026-11-02"), at("2026-11-05")) == 3  # Monday to Thursday
    assert working_days_between(at("2026-11-06"), at("2026-11-09")) == 1  # Friday to Monday
    assert working_days_between(at("2026-11-05", 16), at("2026-11-05", 9)) == 0
    # 25 December 2026 is Christmas, 24 December cuti bersama: Wednesday 23rd to Monday 28th is 1 working day.
    assert working_days_between(at("2026-12-23"), at("2026-12-28")) == 1
    # A year lokal has no holidays for yet counts weekdays only.
    assert working_days_between(at("2025-11-03"), at("2025-11-10")) == 5
    # Days are Jakarta days: 23:30 UTC on Sunday is already Monday in Jakarta.
    assert working_days_between(at("2026-11-06"), datetime.fromisoformat("2026-11-08T23:30:00+00:00")) == 1


def test_verification_on_time_late_and_not_yet_due():
    now = at("2026-11-20")
    assert figures.verified_on_time(report(verified_at=at("2026-11-05")), now) is True
    assert figures.verified_on_time(report(verified_at=at("2026-11-06")), now) is False
    assert figures.verified_on_time(report(), now) is False  # still unverified, 14 working days on
    assert figures.verified_on_time(report(), at("2026-11-04")) is None
    assert figures.verified_on_time(report(status="archived", archived_at=at("2026-11-10")), now) is None


def test_follow_up_share_counts_received_reports_only():
    now = at("2026-11-30")
    rows = [
        report(
            "1",
            status="completed",
            verified_at=at("2026-11-03"),
            forwarded_at=at("2026-11-03"),
            followed_up_at=at("2026-11-11"),
            completed_at=at("2026-11-20"),
        ),
        report(
            "2",
            status="followed_up",
            verified_at=at("2026-11-03"),
            forwarded_at=at("2026-11-03"),
            followed_up_at=at("2026-11-05"),
        ),
        report("3", status="forwarded", verified_at=at("2026-11-03"), forwarded_at=at("2026-11-03")),
        report("4", status="archived", verified_at=at("2026-11-03"), forwarded_at=at("2026-11-03")),
        report("5"),
    ]
    row = figures.agency_figures("a", rows, now)
    assert (row.reports, row.received) == (5, 3)
    assert (row.followed_up.part, row.followed_up.pct) == (2, 66.7)
    assert (row.completed.part, row.completed.pct) == (1, 33.3) and row.below_floor
    # 1: 6 working days (late), 2: 2 (on time), 3: unanswered for 19 (late).
    assert (row.followed_up_on_time.part, row.followed_up_on_time.whole) == (1, 3)
    assert row.median_follow_up == 4.0
    assert row.median_complete == 14.0
    late = figures.overdue_list(rows, now)
    assert [(o.report.tracking_id, o.stage, o.working_days_past_due) for o in late] == [
        ("5", "verifikasi", 17),
        ("3", "tindak lanjut", 14),
    ]


def test_filters_select_by_filing_day_region_and_channel():
    rows = [
        report("1", region_code="32.73.01", channel="whatsapp"),
        report("2", region_code="32.04.05", channel="telegram", created_at=at("2026-10-31", 23)),
        report("3", region_code="32.731", channel="whatsapp"),
    ]
    november = Filters(date(2026, 11, 1), date(2026, 11, 30))
    assert [r.tracking_id for r in figures.select(rows, november)] == ["1", "3"]
    assert [
        r.tracking_id
        for r in figures.select(rows, Filters(date(2026, 10, 1), date(2026, 11, 30), region_code="32.73"))
    ] == ["1"]
    assert [
        r.tracking_id
        for r in figures.select(rows, Filters(date(2026, 10, 1), date(2026, 11, 30), channel="telegram"))
    ] == ["2"]


def test_volume_lists_every_day_or_week_of_the_period():
    rows = [report("1"), report("2"), report("3", created_at=at("2026-11-10"))]
    daily = figures.volume(rows, Filters(date(2026, 11, 1), date(2026, 11, 10)), weekly=False)
    assert len(daily) == 10 and dict(daily)[date(2026, 11, 2)] == 2
    weekly = figures.volume(rows, Filters(date(2026, 11, 1), date(2026, 11, 10)), weekly=True)
    assert weekly == [(date(2026, 10, 26), 0), (date(2026, 11, 2), 2), (date(2026, 11, 9), 1)]


def test_ratings_average_distribution_and_recent_comments():
    rows = [
        report("1", rating_score=5, rating_comment="Cepat", rated_at=at("2026-11-20")),
        report("2", rating_score=2, rating_comment="Lambat", rated_at=at("2026-11-21")),
        report("3", rating_score=5),
        report("4"),
    ]
    rated = figures.ratings(rows)
    assert (rated.count, rated.average) == (3, 4.0)
    assert rated.distribution == [(1, 0), (2, 1), (3, 0), (4, 0), (5, 2)]
    assert [r.tracking_id for r in rated.recent] == ["2", "1"]


@pytest.mark.parametrize("label", ["<script>alert(1)</script>", 'Dinas "PU" & Tata Ruang'])
def test_charts_escape_labels_and_mark_the_floor(label):
    svg = str(
        charts.bars([(label, 40.0), ("B", 80.0)], title="% selesai", unit=" %", scale_max=100, floor=50)
    )
    assert label not in svg  # written escaped
    assert 'class="floor"' in svg and "batas 50 %" in svg
    assert svg.count('class="bar"') == 2
