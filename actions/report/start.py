"""Starting and cancelling a report."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from redis import RedisError

from actions import clients
from actions.message import CitizenMessage
from actions.report import texts
from actions.report.steps import CLASSIFICATION_OF_INTENT, DRAFT_SLOTS, INFORMASI, PENGADUAN, fresh_draft
from actions.report.submission import daily_limit_reached
from actions.report.titles import describes_problem
from common import activity


class StartReport(Action):
    """Opens a fresh draft of the classification the citizen asked for, keeping the story when the
    opening message already tells it."""

    def name(self) -> str:
        return "action_start_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        classification = CLASSIFICATION_OF_INTENT.get(intent, PENGADUAN)
        try:
            limited = await daily_limit_reached(clients.redis(), tracker.sender_id)
        except RedisError:
            limited = False  # checked again, and enforced, when the report is sent
        if limited:
            # No draft is opened: the report form that follows finds nothing to ask (form.py).
            limit = clients.settings().reports_per_day
            dispatcher.utter_message(text=texts.DAILY_LIMIT_AT_START.format(limit=limit))
            return []
        events = fresh_draft(classification)
        await activity.record(
            clients.redis(), "filing_started", classification=classification, **activity.of(tracker.sender_id)
        )
        dispatcher.utter_message(text=texts.opening(classification))
        # A photo or pin in the opening message is taken by the form, which runs next in this turn.
        opening = CitizenMessage.of(tracker).text
        if opening and classification != INFORMASI and describes_problem(opening):
            events.append(SlotSet("isi", opening))
            dispatcher.utter_message(text=texts.STORY_KEPT)
        return events


class CancelReport(Action):
    def name(self) -> str:
        return "action_cancel_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_cancelled")
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + [SlotSet(s, None) for s in DRAFT_SLOTS]
