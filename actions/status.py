"""Report status in plain Indonesian, and the citizen's own reports."""

from __future__ import annotations

import asyncio
import re
from datetime import date, datetime
from typing import Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clients
from actions import status_texts as texts
from actions.report.dates import JAKARTA, format_date, today
from common import keys, outbox
from common.clarifications import OpenClarifications
from common.reports import ReportsStore
from common.workdays import due_day, local_day
from lapor_client.errors import LaporError, LaporNotFound
from lapor_client.models import Report

LOOKUPS_PER_HOUR = 10  # reports of other people a citizen may look up in an hour
LOOKUP_WINDOW_SECONDS = 3600


def clean_tracking_id(raw: str) -> str:
    return re.sub(r"\D", "", raw or "")


TRACKING_DIGITS = 7  # LAPOR!'s tracking numbers
# A number typed in groups: "#96035-21", "9603 521". Groups of two digits or more, joined by a space or
# a dash: no date like 1-11-2026 (its day and month), no amount like 1.500.000 (dots).
_GROUPED_NUMBER = re.compile(r"(?<![\d+])\d{2,}(?:(?: ?- ?| )\d{2,}){1,2}(?!\d)")


def named_tracking_id(tracker: Tracker) -> str:
    """The tracking number the citizen's latest message names (its entity), digits only; a number typed
    in groups is one number when its digits together are a tracking number; "" for none."""
    grouped = grouped_number(tracker)
    if len(grouped) == TRACKING_DIGITS:
        return grouped
    return clean_tracking_id(next(tracker.get_latest_entity_values("tracking_id"), ""))


def grouped_number(tracker: Tracker) -> str:
    """The digits of a number the latest message types in groups, when it holds the tracking number the
    NLU found in it ("#96035-21": 96035) or, with none found, has a tracking number's length; else ""."""
    text = (tracker.latest_message or {}).get("text") or ""
    found = clean_tracking_id(next(tracker.get_latest_entity_values("tracking_id"), ""))
    if text.startswith("/") or len(found) == TRACKING_DIGITS:  # a button's payload names it whole
        return ""
    for groups in _GROUPED_NUMBER.finditer(text):
        digits = clean_tracking_id(groups[0])
        if (found in digits) if found else len(digits) == TRACKING_DIGITS:
            return digits
    return ""


async def report_in_question(tracker: Tracker, store: ReportsStore, own: int = 5) -> tuple[str, list[str]]:
    """The tracking number the citizen's latest message names; when it names none, "" and the numbers of
    the citizen's `own` latest reports, newest first, to choose from."""
    named = named_tracking_id(tracker)
    if named:
        return named, []
    return "", [r.tracking_id for r in await store.list_for(tracker.sender_id, limit=own)]


def _day(moment: datetime) -> str:
    return format_date(moment.astimezone(JAKARTA).date() if moment.tzinfo else moment.date())


def _due(report: Report) -> Optional[date]:
    if report.due_at:
        return report.due_at.astimezone(JAKARTA).date() if report.due_at.tzinfo else report.due_at.date()
    return due_day(report.status, report.updated_at)  # common/workdays.py: the days LAPOR! promises


async def asked_since(sender: str, report: Report) -> Optional[datetime]:
    """When the oldest of the agency's questions on this report that the citizen has not answered yet
    was asked (None: none waits)."""
    waiting = {
        q["event_id"]
        for q in await OpenClarifications(clients.redis()).list(sender)
        if q["tracking_id"] == report.tracking_id
    }
    return min((e.at for e in report.events if str(e.event_id) in waiting), default=None)


def _age(moment: datetime) -> str:
    days = (today() - local_day(moment)).days
    return texts.AGES.get(days, texts.DAYS_AGO.format(days=days))


def status_text(report: Report, full: bool, question_since: Optional[datetime] = None) -> str:
    """Full details for the citizen who filed the report (with the agency's question they have not
    answered, asked at `question_since`); the public status for anyone else."""
    lines = [
        (texts.HEADING_WITH_TITLE if full else texts.HEADING).format(
            id=report.tracking_id, title=report.title
        ),
        texts.STATUS_LINE.format(label=texts.STATUS_LABELS.get(report.status, report.status)),
    ]
    if not full:
        lines.append(texts.UPDATED_LINE.format(day=_day(report.updated_at)))
        lines.append(texts.ONLY_FOR_REPORTER)
        return "\n".join(lines)
    if report.agency:
        lines.append(texts.AGENCY_LINE.format(name=report.agency.name))
    lines.append(texts.UPDATED_LINE.format(day=_day(report.updated_at)))
    follow_ups = [e for e in report.events if e.type == "follow_up" and e.message]
    if follow_ups:
        latest = max(follow_ups, key=lambda e: e.at)
        lines.append(texts.LATEST_FOLLOW_UP.format(day=_day(latest.at), message=latest.message))
    if question_since:
        lines.append(texts.OPEN_QUESTION.format(age=_age(question_since)))
    due = _due(report)
    if report.status in texts.NEXT_STEPS and due:
        lines.append(
            texts.NEXT_STEP.format(step=texts.NEXT_STEPS[report.status].format(due=format_date(due)))
        )
    return "\n".join(lines)


def follow_button(tracking_id: str, title: str = texts.FOLLOW) -> dict[str, str]:
    return {"title": title, "payload": f'/follow_report{{"tracking_id": "{tracking_id}"}}'}


def _report_buttons(tracking_ids: list[str]) -> list[dict[str, str]]:
    return [{"title": f"#{t}", "payload": f'/check_status{{"tracking_id": "{t}"}}'} for t in tracking_ids[:5]]


class CheckStatus(Action):
    def name(self) -> str:
        return "action_check_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        store = ReportsStore(clients.redis())
        tracking_id, own = await report_in_question(tracker, store)
        if not tracking_id:
            dispatcher.utter_message(text=texts.ASK_NUMBER, buttons=_report_buttons(own))
            return []
        if grouped_number(tracker) not in ("", tracking_id):  # "#96035-213": no number LAPOR! could know
            dispatcher.utter_message(text=texts.NUMBER_LENGTH.format(digits=TRACKING_DIGITS))
            return []
        mine = await store.is_filed_by(tracker.sender_id, tracking_id)
        if not mine and not await store.is_following(tracker.sender_id, tracking_id):
            if not await _another_lookup_allowed(tracker.sender_id):
                dispatcher.utter_message(text=texts.TOO_MANY_LOOKUPS)
                return []
        try:
            report = await (await clients.lapor()).get_report(tracking_id)
        except LaporNotFound:
            dispatcher.utter_message(
                text=texts.NOT_FOUND.format(id=tracking_id),
                buttons=[{"title": texts.MY_REPORTS, "payload": "/my_reports"}],
            )
            return []
        except LaporError:
            dispatcher.utter_message(text=texts.UNAVAILABLE)
            return []
        # Anyone may follow a report's progress; its reporter already does.
        offer = not mine and not await store.is_following(tracker.sender_id, tracking_id)
        question_since = await asked_since(tracker.sender_id, report) if mine else None
        dispatcher.utter_message(
            text=status_text(report, mine, question_since),
            buttons=[follow_button(tracking_id)] if offer else [],
        )
        return []


async def _another_lookup_allowed(sender: str) -> bool:
    """Tracking numbers are short and "cek status" tells which exist, so a citizen may look up only so many
    reports that are neither theirs nor followed each hour: enough for a neighbour's report, too few to
    walk the numbers."""
    key = keys.status_lookups(sender)
    async with clients.redis().pipeline(transaction=True) as pipe:
        pipe.set(key, 0, ex=LOOKUP_WINDOW_SECONDS, nx=True)  # the hour starts at the first look-up
        pipe.incr(key)
        _, count = await pipe.execute()
    return count <= LOOKUPS_PER_HOUR


class MyReports(Action):
    def name(self) -> str:
        return "action_my_reports"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        mine = await ReportsStore(clients.redis()).list_for(tracker.sender_id, limit=10)
        waiting = await outbox.pending_for(clients.redis(), tracker.sender_id)  # confirmed, LAPOR not reached
        if not mine and not waiting:
            dispatcher.utter_message(
                text=texts.NO_REPORTS, buttons=[{"title": texts.FILE_COMPLAINT, "payload": "/file_complaint"}]
            )
            return []
        lapor = await clients.lapor()
        answers = await asyncio.gather(
            *(lapor.get_report(r.tracking_id) for r in mine), return_exceptions=True
        )
        lines = [texts.MY_REPORTS_HEADING] + [texts.MY_REPORT_WAITING.format(title=p.title) for p in waiting]
        for filed, answer in zip(mine, answers):
            known = isinstance(answer, Report)
            status = texts.STATUS_LABELS.get(answer.status, answer.status) if known else texts.STATUS_UNKNOWN
            lines.append(texts.MY_REPORT_LINE.format(id=filed.tracking_id, title=filed.title, status=status))
        dispatcher.utter_message(
            text="\n".join(lines), buttons=_report_buttons([r.tracking_id for r in mine])
        )
        return []
