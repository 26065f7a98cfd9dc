"""Starting and cancelling a report, and the offer to file a message the NLU did not take for one."""

from __future__ import annotations

from typing import Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from redis import RedisError

from actions import clients
from actions.after_filing.additions import offer_addition, parked_evidence
from actions.message import CitizenMessage
from actions.report import texts
from actions.report.form import as_buttons, story_slots
from actions.report.redirects import kind_told
from actions.report.steps import (
    CANCEL_ASKED,
    CLASSIFICATION_OF_INTENT,
    DRAFT_SLOTS,
    PENGADUAN,
    fresh_draft,
    resume_draft,
)
from actions.report.submission import ConfirmAgain, daily_limit_reached
from actions.report.titles import STORY_MIN_WORDS, describes_problem
from actions.safety import asks_if_bot, is_emergency
from common import activity

OFFERED = "cerita_tawaran"  # the message offered to be filed, until the citizen's answer
# What a message that is no story gets, by the NLU's guess; anything else gets utter_default.
PLAIN_ANSWERS = {
    "out_of_scope": "utter_out_of_scope",
    "help": "utter_help",
    "cancel": "utter_nothing_to_cancel",
    "human_handoff": "utter_human_handoff",
}
# A citizen who asks for a person is not offered the bot's form instead, however long the message.
NEVER_OFFERED = {"human_handoff"}
YES, NO = "/affirm", "/deny"


async def open_draft(
    dispatcher: CollectingDispatcher, tracker: Tracker, classification: str, story: Optional[str]
) -> list[EventType]:
    """A fresh draft, unless the citizen filed as many reports today as a day allows."""
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
    if story:
        events.append(SlotSet("isi", story))
        dispatcher.utter_message(text=texts.STORY_KEPT)
    return events


def warn_if_emergency(dispatcher: CollectingDispatcher, text: str) -> bool:
    """The emergency numbers come before anything else the assistant says."""
    if is_emergency(text):
        dispatcher.utter_message(text=texts.EMERGENCY)
        return True
    return False


class StartReport(Action):
    """Opens a fresh draft of the classification the citizen asked for, keeping the story when the
    opening message already tells it."""

    def name(self) -> str:
        return "action_start_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        message = CitizenMessage.of(tracker)
        if message.intent == "share_evidence":  # soon after answering an agency, it may be for that answer
            offered = await offer_addition(dispatcher, tracker)
            if offered is not None:
                return offered  # no draft: the form that follows ends at once
        classification = CLASSIFICATION_OF_INTENT.get(message.intent, PENGADUAN)
        warn_if_emergency(dispatcher, message.text)
        # A photo or pin in the opening message is taken by the form, which runs next in this turn. A
        # request keeps its subject too ("minta data anggaran jalan 2023 untuk penelitian"; "saya mau
        # minta informasi publik" tells none).
        tells = message.text and describes_problem(message.text)
        events = await open_draft(dispatcher, tracker, classification, message.text if tells else None)
        return events + parked_evidence(tracker)


class NoWrongDoor(Action):
    """A message the NLU took for no report (out_of_scope, nlu_fallback, help, human_handoff or cancel with
    nothing under way, or one no rule predicts for): an emergency gets its numbers first; "ini bot?" is
    answered (the NLU takes it for human_handoff or out_of_scope); a message that tells a story is offered
    to be filed whatever the guess (the classifier is confidently wrong on citizens' long stories);
    anything else gets the guess's own answer."""

    def name(self) -> str:
        return "action_no_wrong_door"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        message = CitizenMessage.of(tracker)
        emergency = warn_if_emergency(dispatcher, message.text)
        if tracker.get_slot(CANCEL_ASKED):  # neither yes nor no to "Batalkan laporan ini?": the draft stays
            return keep_draft(dispatcher, tracker)
        if not emergency and asks_if_bot(message.text):
            dispatcher.utter_message(text=texts.I_AM_A_BOT)
            dispatcher.utter_message(response="utter_human_handoff")
            return [SlotSet(OFFERED, None)]
        story = message.intent not in NEVER_OFFERED and describes_problem(message.text, STORY_MIN_WORDS)
        if emergency or story:
            buttons = as_buttons((texts.FILE_IT, YES), (texts.DO_NOT_FILE, NO))
            dispatcher.utter_message(text=texts.OFFER_TO_FILE, buttons=buttons)
            return [SlotSet(OFFERED, message.text)]
        dispatcher.utter_message(response=PLAIN_ANSWERS.get(message.intent, "utter_default"))
        return [SlotSet(OFFERED, None)]


class FileOffered(Action):
    """A yes after NoWrongDoor: the message offered becomes the story of the kind it asks for (a
    pengaduan unless it asks for information or proposes, redirects.kind_told) and the form asks the next
    step at once; a yes after its plain answer is any yes out of context."""

    def name(self) -> str:
        return "action_file_offered"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        offered = tracker.get_slot(OFFERED)
        if not offered:
            return await ConfirmAgain().run(dispatcher, tracker, domain)
        # A short emergency message ("ada kebakaran") is no story yet: the form asks for one.
        story = offered if describes_problem(offered) else None
        events = await open_draft(dispatcher, tracker, kind_told(offered), story)
        # The form is made active here, so it skips the check of its first answer (form.validate_isi):
        # the title suggestion and what the story tells are worked out now.
        tracker.add_slots([e for e in events if e.get("event") == "slot"])  # the draft the form will see
        told = await story_slots(story, tracker) if story and events else {}
        return (
            events
            + [SlotSet(slot, value) for slot, value in told.items() if slot != "isi"]
            + [SlotSet(OFFERED, None), SlotSet("requested_slot", None)]
            + [ActiveLoop("report_form")]
        )


class CancelReport(Action):
    """ "batal" while filling. A draft with a story is dropped only after a yes: false "batal"s destroyed
    drafts in the citizens' re-play; an empty draft is dropped at once. The question leaves the form;
    "tidak" takes it up again (KeepDraft), a yes or another "batal" comes back here."""

    def name(self) -> str:
        return "action_cancel_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        asked, intent = tracker.get_slot(CANCEL_ASKED), CitizenMessage.of(tracker).intent
        if not asked and intent != "cancel":  # a yes after the draft was already dropped
            dispatcher.utter_message(response="utter_nothing_to_cancel")
            return []
        if not asked and tracker.get_slot("isi"):
            buttons = as_buttons((texts.CANCEL_IT, YES), (texts.KEEP_IT, NO))
            dispatcher.utter_message(text=texts.CANCEL_DRAFT, buttons=buttons)
            # No step is waiting: the "tidak" that resumes the form must not become the step's answer.
            return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet(CANCEL_ASKED, True)]
        dispatcher.utter_message(response="utter_cancelled")
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + [SlotSet(s, None) for s in DRAFT_SLOTS]


class KeepDraft(Action):
    """ "tidak" to "Batalkan laporan ini?": the form takes the draft up at its step."""

    def name(self) -> str:
        return "action_keep_draft"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not tracker.get_slot(CANCEL_ASKED):  # a no after the draft was already dropped
            dispatcher.utter_message(response="utter_help")
            return []
        return keep_draft(dispatcher, tracker)


def keep_draft(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    dispatcher.utter_message(text=texts.DRAFT_KEPT)
    return [SlotSet(CANCEL_ASKED, None)] + resume_draft(tracker, named=False)  # DRAFT_KEPT says it
