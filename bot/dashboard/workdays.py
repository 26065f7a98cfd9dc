"""Indonesian working days (lokal-id's holidays and cuti bersama) counted the way the monev counts them.

A step "within N working days" is measured by calendar day in Asia/Jakarta: the working days after the
day it started, up to and including the day it ended. A report filed on Monday and verified on
Thursday took 3 working days; filed on Friday and verified on Monday, 1.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta, timezone

import lokal

WIB = timezone(timedelta(hours=7), "WIB")  # Asia/Jakarta: no daylight saving time


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
