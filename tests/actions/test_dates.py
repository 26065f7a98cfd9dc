from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from actions.report.dates import JAKARTA, format_date, parse_incident_date

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=JAKARTA)  # a Sunday morning
ANSWERS = Path(__file__).with_name("date_answers.yml")


def _answers():
    """The citizens' answers of date_answers.yml, each with its moment, its date and its outcome."""
    for group in yaml.safe_load(ANSWERS.read_text()):
        now = group["now"].astimezone(JAKARTA)
        for text, expected, *outcome in group["answers"]:
            yield pytest.param(text, now, expected, *(outcome or [None]), id=f"{text} @{now:%d-%m %H}")


@pytest.mark.parametrize("text, now, expected, outcome", _answers())
def test_citizens_answers_are_read(text, now, expected, outcome):
    answer = parse_incident_date(text, now)
    problem = outcome if outcome in ("future", "unreadable") else None
    assert (answer.value, answer.problem, answer.unknown) == (expected, problem, outcome == "unknown")


def test_very_old_dates_are_flagged_for_a_check():
    answer = parse_incident_date("1 januari 2020", NOW)
    assert answer.value == date(2020, 1, 1) and answer.very_old and answer.problem is None


@pytest.mark.parametrize(
    "text", ["des", "2019", "awal bulan", "udah 3 bulanan", "beberapa hari lalu", "tanggal 20an"]
)
def test_periods_and_rough_spans_are_marked_approximate(text):
    assert parse_incident_date(text, NOW).approximate


@pytest.mark.parametrize("text", ["kemarin", "senin kemarin", "15/11/2026", "lebaran kemarin", "3 hari lalu"])
def test_named_days_are_exact(text):
    assert not parse_incident_date(text, NOW).approximate


def test_a_forgotten_date_goes_on_as_today_marked_unknown():
    answer = parse_incident_date("lupa pak", NOW)
    assert (answer.value, answer.problem) == (NOW.date(), None)
    assert answer.unknown and answer.approximate


def test_a_moving_holiday_outside_the_official_calendar_is_not_guessed():
    # lokal-id has no 2025 calendar: before Lebaran 2026, the last Lebaran cannot be known.
    before_lebaran = datetime(2026, 2, 1, 10, 0, tzinfo=JAKARTA)
    assert parse_incident_date("lebaran kemarin", before_lebaran).problem == "unreadable"
    assert parse_incident_date("lebaran tahun lalu", NOW).problem == "unreadable"


def test_dates_are_written_in_indonesian():
    assert format_date(date(2026, 11, 21)) == "Sabtu, 21 November 2026"
