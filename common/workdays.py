"""Indonesian working days (lokal-id's holidays and cuti bersama) counted the way the monev counts them,
and the deadlines LAPOR! promises in them (the dashboard's medians, the status answers, the notifier's
overdue notices all count the same days).

A step "within N working days" is measured by calendar day in Asia/Jakarta: the working days after the
day it started, up to and including the day it ended. A report filed on Monday and verified on
Thursday took 3 working days; filed on Friday and verified on Monday, 1.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta, timezone
from typing import Optional

import lokal

WIB = timezone(timedelta(hours=7), "WIB")  # Asia/Jakarta: no daylight saving time
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip


def format_date(value: date) -> str:
    """ "Sabtu, 21 November 2026": a day as the citizen reads it (the dialogue's and the notifier's)."""
    return f"{DAYS[value.weekday()]}, {value.day} {MONTHS[value.month - 1]} {value.year}"


@functools.lru_cache(maxsize=4096)
def is_working_day(day: date) -> bool:
    """lokal's calendar; for a year it has no holidays for yet (decreed the year before), the weekdays."""
    try:
        return lokal.is_working_day(day)
    except ValueError:
        return day.weekday() < 5


@functools.lru_cache(maxsize=65536)
def _between_days(start: date, end: date) -> int:
    count, day = 0, start + timedelta(days=1)
    while day <= end:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count


def local_day(moment: datetime) -> date:
    return moment.astimezone(WIB).date()


def working_days_between(start: datetime, end: datetime) -> int:
    """Working days after `start`'s day up to and including `end`'s day (0 when `end` is not later)."""
    return _between_days(local_day(start), local_day(end))


def add_working_days(day: date, count: int) -> date:
    """The `count`-th working day after `day`."""
    while count > 0:
        day += timedelta(days=1)
        count -= is_working_day(day)
    return day


# Working days each stage may take, as LAPOR! promises: verifying and forwarding a report (3 from its
# filing), the agency's follow-up (5 from the forwarding), closing when nobody answers a follow-up (10).
STAGE_DAYS = {"submitted": 3, "verified": 3, "forwarded": 5, "followed_up": 10}


def due_day(status: str, since: datetime) -> Optional[date]:
    """The last day the next step of a report that reached `status` at `since` is due; None once closed."""
    days = STAGE_DAYS.get(status)
    return add_working_days(local_day(since), days) if days else None
