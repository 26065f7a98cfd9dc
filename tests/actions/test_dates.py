from datetime import date, datetime

import pytest

from actions.report.dates import JAKARTA, format_date, parse_incident_date

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=JAKARTA)  # a Sunday morning


@pytest.mark.parametrize("text, expected", [
    ("kemarin", date(2026, 11, 21)),
    ("kmrn sore", date(2026, 11, 21)),
    ("tadi pagi", date(2026, 11, 22)),
    ("hari ini", date(2026, 11, 22)),
    ("semalam", date(2026, 11, 21)),
    ("3 hari yang lalu", date(2026, 11, 19)),
    ("dua hari yg lalu", date(2026, 11, 20)),
    ("udah seminggu", date(2026, 11, 15)),
    ("minggu lalu", date(2026, 11, 15)),
    ("senin kemarin", date(2026, 11, 16)),
    ("17 Agustus", date(2026, 8, 17)),
    ("pas 17an agustus kemarin", date(2026, 8, 17)),
    ("15/11/2026", date(2026, 11, 15)),
    ("tgl 5", date(2026, 11, 5)),
    ("kejadiannya kemarin sekitar jam 4 sore", date(2026, 11, 21)),
])
def test_informal_dates_are_read(text, expected):
    answer = parse_incident_date(text, NOW)
    assert (answer.value, answer.problem, answer.very_old) == (expected, None, False)


@pytest.mark.parametrize("text", ["besok", "23/11/2026", "minggu depan"])
def test_future_dates_are_refused(text):
    assert parse_incident_date(text, NOW).problem == "future"


def test_tonight_is_today_once_evening_has_come():
    evening = NOW.replace(hour=20)
    assert parse_incident_date("tadi malam", evening).value == date(2026, 11, 22)


def test_very_old_dates_are_flagged_for_a_check():
    answer = parse_incident_date("1 januari 2020", NOW)
    assert answer.value == date(2020, 1, 1) and answer.very_old and answer.problem is None


def test_nonsense_is_unreadable():
    assert parse_incident_date("qwerty zzz", NOW).problem == "unreadable"


def test_dates_are_written_in_indonesian():
    assert format_date(date(2026, 11, 21)) == "Sabtu, 21 November 2026"
