"""One reminder for an agency question the citizen put off ("nanti", "lagi di jalan").

The action server schedules it here; the notifier (bot/notifier/service.py `remind_due_once`) takes it
when due and asks the dialogue to say it (EXTERNAL_answer_reminder, RemindAnswer in reply_form.py).
A question is reminded once: the notifier's job id for it is fixed, and a job already sent is never
sent again. Key: common/keys.py `ANSWER_REMINDERS`.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import redis.asyncio as aioredis

from actions.after_filing import texts
from actions.report.dates import JAKARTA
from common import keys

# The notifier's job for a reminder has the event id `reminder-<event id>` (its own, never LAPOR's).
JOB_PREFIX = "reminder-"
REMIND_AFTER = timedelta(hours=3)
# Reminders come in the day, Jakarta time: one due in the night waits for the morning.
DAY_STARTS, DAY_ENDS = time(8, 0), time(20, 0)


def now() -> datetime:
    return datetime.now(JAKARTA)


def remind_at(now: datetime) -> datetime:
    due = (now + REMIND_AFTER).astimezone(JAKARTA)
    if due.time() < DAY_STARTS:
        return datetime.combine(due.date(), DAY_STARTS, JAKARTA)
    if due.time() > DAY_ENDS:
        return datetime.combine(due.date() + timedelta(days=1), DAY_STARTS, JAKARTA)
    return due


def said(due: datetime, now: datetime) -> str:
    """When the reminder comes, as the citizen reads it ("sekitar pukul 15.30")."""
    when = texts.REMIND_TODAY if due.date() == now.astimezone(JAKARTA).date() else texts.REMIND_TOMORROW
    return when.format(time=due.strftime("%H.%M"))


def _member(sender: str, question: dict[str, str]) -> str:
    entry = {"sender": sender, "tracking_id": question["tracking_id"], "event_id": question["event_id"]}
    return json.dumps(entry, sort_keys=True)


async def schedule(redis: aioredis.Redis, sender: str, question: dict[str, str], at: datetime) -> datetime:
    """Schedules the reminder (asked at `at`) unless one is already waiting; returns when it comes."""
    member = _member(sender, question)
    await redis.zadd(keys.ANSWER_REMINDERS, {member: remind_at(at).timestamp()}, nx=True)
    return datetime.fromtimestamp(await redis.zscore(keys.ANSWER_REMINDERS, member), JAKARTA)


async def cancel(redis: aioredis.Redis, sender: str, question: dict[str, str]) -> None:
    """The question was answered or dropped: no reminder."""
    await redis.zrem(keys.ANSWER_REMINDERS, _member(sender, question))
