"""What a follower hears about a report, and following reports or stopping the news.

The notifier (bot/notifier/service.py) triggers one EXTERNAL_ intent per LAPOR event with the event as
entities (tracking_id, lapor_event_id, lapor_status, lapor_message). Each action below says it in a
few polite words; a follow-up, a clarification request and a completion then start the matching
form (reply_form.py, rating_form.py) unless the citizen is already answering or rating something, in which
case the news is only told. A report being written (report_form) waits meanwhile, untouched.

Each action ends its news with the NEWS_TOLD marker (common/messages.py): the notifier tells a burst of
news in a few messages and asks the question that follows only once, naming the draft when the question
is the draft's (bot/notifier/burst.py). Each piece of news is told as it stood at the event's moment:
its own status, and the deadline that moment set, not the report's state when the notifier polled.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from typing import Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clients
from actions.after_filing import texts
from actions.after_filing.reply_form import (
    RATING_SLOTS,
    REPLY_SLOTS,
    TINDAK_LANJUT,
    reset_slots,
    start_answer,
)
from actions.after_filing.told import end_of_news
from actions.message import from_notifier
from actions.report.dates import format_date
from actions.status import follow_button, named_tracking_id
from actions.status_texts import UNAVAILABLE
from common.clarifications import OpenClarifications
from common.reports import ReportsStore
from common.workdays import due_day
from lapor_client.errors import LaporError, LaporNotFound
from lapor_client.models import Report


@dataclass(frozen=True)
class LaporEvent:
    tracking_id: str
    event_id: str
    status: str
    message: str
    # The citizen filed the report; anyone else only follows it and hears the public status.
    for_reporter: bool

    @classmethod
    async def of(cls, tracker: Tracker) -> Optional["LaporEvent"]:
        """The event the notifier told, or None for anything else: an EXTERNAL_ intent that came from a
        chat, or entities that are not the notifier's (ids are numbers)."""
        if not from_notifier(tracker):
            return None

        def entity(name: str) -> str:
            return str(next(tracker.get_latest_entity_values(name), None) or "")

        tracking_id, event_id = entity("tracking_id"), entity("lapor_event_id")
        if not (tracking_id.isdigit() and event_id.isdigit()):
            return None
        reporter = await ReportsStore(clients.redis()).is_filed_by(tracker.sender_id, tracking_id)
        return cls(tracking_id, event_id, entity("lapor_status"), entity("lapor_message"), reporter)


def due_when(report: Report, event: "LaporEvent") -> Optional[date]:
    """The deadline the event set, as it stood at the event's moment (a later step read in the same poll
    has moved the report's own `due_at` since)."""
    moment = next((e.at for e in report.events if str(e.event_id) == event.event_id), None)
    return due_day(event.status, moment) if moment else None


def free_to_ask(tracker: Tracker) -> bool:
    """No answer or rating under way (a report being written waits for it)."""
    return tracker.active_loop_name in (None, "report_form")


async def _report(tracking_id: str) -> Optional[Report]:
    try:
        return await (await clients.lapor()).get_report(tracking_id)
    except LaporError:
        return None  # the news is told without the details


class NewsAction(Action, ABC):
    """An action the notifier triggers: it tells the one LAPOR event, and does nothing for anything else."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        event = await LaporEvent.of(tracker)
        return [] if event is None else await self.tell(event, dispatcher, tracker)

    @abstractmethod
    async def tell(
        self, event: LaporEvent, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]: ...


class NotifyStatus(NewsAction):
    def name(self) -> str:
        return "action_notify_status"

    async def tell(
        self, event: LaporEvent, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        if event.status == "submitted":  # the citizen heard the tracking number when filing
            end_of_news(dispatcher, tracker, starts_form=False)
            return []
        report = await _report(event.tracking_id) if event.status == "forwarded" else None
        agency = report.agency.name if report and report.agency else texts.SOME_AGENCY
        news = texts.STATUS_NEWS if event.for_reporter else texts.FOLLOWER_NEWS
        text = news.get(event.status, texts.OTHER_NEWS).format(id=event.tracking_id, agency=agency)
        due = due_when(report, event) if report else None
        if due:
            text += texts.DUE_BY.format(day=format_date(due))
        if event.status == "archived" and event.message and event.for_reporter:
            text += texts.ARCHIVE_REASON.format(reason=event.message)
        dispatcher.utter_message(text=text)
        rate = event.status == "completed" and event.for_reporter and free_to_ask(tracker)
        end_of_news(dispatcher, tracker, starts_form=rate)
        return reset_slots(RATING_SLOTS) + [SlotSet("nilai_untuk", event.tracking_id)] if rate else []


class NotifyFollowUp(NewsAction):
    def name(self) -> str:
        return "action_notify_follow_up"

    async def tell(
        self, event: LaporEvent, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        if not event.for_reporter:  # the agency's words and its question are for the reporter
            dispatcher.utter_message(text=texts.FOLLOWER_NEWS["followed_up"].format(id=event.tracking_id))
            end_of_news(dispatcher, tracker, starts_form=False)
            return []
        report = await _report(event.tracking_id)
        source = report.agency.name if report and report.agency else texts.AN_AGENCY
        dispatcher.utter_message(
            text=texts.FOLLOW_UP.format(agency=source, id=event.tracking_id, message=event.message)
        )
        asks = free_to_ask(tracker)
        end_of_news(dispatcher, tracker, starts_form=asks)
        if not asks:
            return []
        target = {
            "tracking_id": event.tracking_id,
            "event_id": event.event_id,
            "kind": TINDAK_LANJUT,
            "question": event.message,
        }
        return reset_slots(REPLY_SLOTS) + [SlotSet("balasan_untuk", target), SlotSet("balasan_lampiran", [])]


class NotifyClarification(NewsAction):
    def name(self) -> str:
        return "action_notify_clarification"

    async def tell(
        self, event: LaporEvent, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        if not event.for_reporter:  # an agency's question (it may name the reporter) is for the reporter only
            end_of_news(dispatcher, tracker, starts_form=False)
            return []
        await OpenClarifications(clients.redis()).add(
            tracker.sender_id, event.tracking_id, event.event_id, event.message
        )
        dispatcher.utter_message(
            text=texts.CLARIFICATION.format(id=event.tracking_id, question=event.message)
        )
        asks = free_to_ask(tracker)
        if not asks:
            dispatcher.utter_message(text=texts.ASKED_LATER)
        end_of_news(dispatcher, tracker, starts_form=asks)
        return await start_answer(tracker.sender_id) if asks else []


class FollowReport(Action):
    def name(self) -> str:
        return "action_follow_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        tracking_id = named_tracking_id(tracker)
        if not tracking_id:
            dispatcher.utter_message(text=texts.ASK_FOLLOW_NUMBER)
            return []
        try:
            await (await clients.lapor()).get_report(tracking_id)
        except LaporNotFound:
            dispatcher.utter_message(text=texts.FOLLOW_NOT_FOUND.format(id=tracking_id))
            return []
        except LaporError:
            dispatcher.utter_message(text=UNAVAILABLE)
            return []
        await ReportsStore(clients.redis()).follow(tracker.sender_id, tracking_id)
        dispatcher.utter_message(text=texts.FOLLOWING.format(id=tracking_id))
        return []


class StopNotifications(Action):
    def name(self) -> str:
        return "action_stop_notifications"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        store = ReportsStore(clients.redis())
        await store.unfollow_all(tracker.sender_id)
        mine = await store.list_for(tracker.sender_id, limit=3)
        dispatcher.utter_message(
            text=texts.NOTIFICATIONS_STOPPED,
            buttons=[follow_button(r.tracking_id, texts.FOLLOW_AGAIN.format(id=r.tracking_id)) for r in mine],
        )
        return []
