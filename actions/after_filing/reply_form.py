"""The citizen's side after filing: answering an agency's clarification request, saying whether a
follow-up solved the problem (and replying when it did not), and rating a completed report.

Two forms carry it (dialogue/domain.yml): `reply_form` here (which question, solved?, the answer,
then Kirim with any photos/documents) and `rating_form` (rating_form.py: score, optional comment). A
notification that
starts one of them while a report is being written leaves the draft in its slots; when the answer is
sent or dropped, `report_form` becomes active again and re-asks its step (report/steps.resume_draft).

Clarifications stay open in Redis until answered, so several can wait and the citizen picks one
(common/clarifications.py).
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clients
from actions.after_filing import texts
from actions.message import CitizenMessage
from actions.report.evidence import accept_attachments
from actions.report.steps import resume_draft
from common import activity
from common.clarifications import OpenClarifications
from common.identity import pseudonym
from common.outbox import TRANSIENT
from common.reports import ReportsStore
from lapor_client import LaporClient
from lapor_client.errors import AttachmentRejected, LaporError

log = logging.getLogger(__name__)

KLARIFIKASI, TINDAK_LANJUT = "klarifikasi", "tindak_lanjut"
REPLY_SLOTS = ["balasan_untuk", "masalah_selesai", "balasan", "balasan_lampiran", "balasan_kirim"]
RATING_SLOTS = ["nilai_untuk", "nilai", "komentar"]
CANCEL_BUTTON = {"title": texts.CANCEL, "payload": "/cancel"}
SEND_BUTTON = {"title": texts.SEND, "payload": "/affirm"}


def answering(clarification: dict[str, str]) -> dict[str, str]:
    return {**clarification, "kind": KLARIFIKASI}


async def start_answer(sender: str) -> list[EventType]:
    """The reply form's slots for the open clarifications: the one question, or none when the
    citizen has several to choose from. "Solved?" is only asked about follow-ups."""
    waiting = await OpenClarifications(clients.redis()).list(sender)
    target = answering(waiting[0]) if len(waiting) == 1 else None
    return reset_slots(REPLY_SLOTS) + [
        SlotSet("balasan_untuk", target),
        SlotSet("masalah_selesai", False),
        SlotSet("balasan_lampiran", []),
    ]


async def after_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Next after an answer: another open clarification, else the report being written, if any."""
    if await OpenClarifications(clients.redis()).list(tracker.sender_id):
        dispatcher.utter_message(text=texts.MORE_QUESTIONS)
        return await start_answer(tracker.sender_id) + [ActiveLoop("reply_form")]
    return resume_draft(tracker)


def reset_slots(slots: list[str]) -> list[EventType]:
    return [SlotSet(slot, None) for slot in slots]


def reply_key(sender: str, event_id: str) -> str:
    """The same answer to the same event is one reply in LAPOR, however often it is sent."""
    return hashlib.sha256(f"{sender}:{event_id}".encode()).hexdigest()


# --- the reply form ---


class ValidateReplyForm(FormValidationAction):
    def name(self) -> str:
        return "validate_reply_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        target = tracker.get_slot("balasan_untuk")
        if target and target.get("kind") == TINDAK_LANJUT:
            solved = tracker.get_slot("masalah_selesai") is True
            return ["balasan_untuk", "masalah_selesai"] + ([] if solved else ["balasan", "balasan_kirim"])
        if not target and not await OpenClarifications(clients.redis()).list(tracker.sender_id):
            return []  # nothing to answer (the news was for a follower): the form ends at once
        return ["balasan_untuk", "balasan", "balasan_kirim"]

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Photos and documents are taken at any step, before or after the text."""
        shared: list[EventType] = []
        if (tracker.latest_message.get("intent") or {}).get("name") == "share_evidence":
            kept, lines = accept_attachments(tracker, "balasan_lampiran")
            for line in lines:
                dispatcher.utter_message(text=line)
            shared = [SlotSet("balasan_lampiran", kept)]
            tracker.add_slots(shared)
        return shared + await super().run(dispatcher, tracker, domain)

    async def validate_balasan_untuk(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None or isinstance(value, dict):
            return {"balasan_untuk": value}  # set by the notification
        waiting = await OpenClarifications(clients.redis()).list(tracker.sender_id)
        said = set(re.findall(r"\d+", CitizenMessage.of(tracker).text or str(value)))
        chosen = [c for c in waiting if c["tracking_id"] in said]
        if chosen:
            return {"balasan_untuk": answering(chosen[-1])}
        dispatcher.utter_message(text=texts.PICK_QUESTION)
        return {"balasan_untuk": None}

    def validate_masalah_selesai(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None or isinstance(value, bool):
            return {"masalah_selesai": value}
        reply = CitizenMessage.of(tracker)
        if reply.no() or reply.has("belum", "blm", "tidak", "tdk", "gak", "nggak", "enggak", "masih"):
            return {"masalah_selesai": False}
        if reply.yes() or reply.has(
            "sudah", "udah", "sdh", "selesai", "beres", "puas", "terima kasih", "makasih"
        ):
            return {"masalah_selesai": True}
        dispatcher.utter_message(text=texts.SOLVED_OR_NOT)
        return {"masalah_selesai": None}

    def validate_balasan(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        text = CitizenMessage.of(tracker).text
        if len(text) < 2:
            dispatcher.utter_message(text=texts.ANSWER_AS_TEXT)
            return {"balasan": None}
        return {"balasan": text}

    def validate_balasan_kirim(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        reply = CitizenMessage.of(tracker)
        if reply.yes() or reply.has(
            "kirim", "selesai", "sudah", "udah", "cukup", "lanjut", "tidak ada", "gak ada"
        ):
            return {"balasan_kirim": True}
        dispatcher.utter_message(text=texts.FILES_OR_SEND)
        return {"balasan_kirim": None}


class AskBalasanUntuk(Action):
    def name(self) -> str:
        return "action_ask_balasan_untuk"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        waiting = await OpenClarifications(clients.redis()).list(tracker.sender_id)
        dispatcher.utter_message(
            text=texts.WHICH_QUESTION,
            buttons=[
                {
                    "title": texts.QUESTION_BUTTON.format(
                        id=c["tracking_id"], question=_short(c["question"])
                    ),
                    "payload": f"#{c['tracking_id']}",
                }
                for c in waiting[:5]
            ]
            + [CANCEL_BUTTON],
        )
        return []


class AskBalasan(Action):
    def name(self) -> str:
        return "action_ask_balasan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        target = tracker.get_slot("balasan_untuk") or {}
        if target.get("kind") == TINDAK_LANJUT:
            text = texts.ASK_FOLLOW_UP_REPLY.format(id=target["tracking_id"])
        else:
            text = texts.ASK_ANSWER.format(id=target.get("tracking_id"))
        dispatcher.utter_message(text=text, buttons=[CANCEL_BUTTON])
        return []


class AskBalasanKirim(Action):
    def name(self) -> str:
        return "action_ask_balasan_kirim"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        count = len(tracker.get_slot("balasan_lampiran") or [])
        text = texts.FILES_READY.format(count=count) if count else texts.ANY_FILES
        dispatcher.utter_message(text=text, buttons=[SEND_BUTTON, CANCEL_BUTTON])
        return []


class SendReply(Action):
    """Posts the answer to LAPOR as a reply to the event (idempotent), or thanks for a solved follow-up."""

    def name(self) -> str:
        return "action_send_reply"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        target = tracker.get_slot("balasan_untuk")
        done = reset_slots(REPLY_SLOTS)
        if not target:
            return done + resume_draft(tracker)
        if tracker.get_slot("masalah_selesai") is True:
            dispatcher.utter_message(text=texts.SOLVED_THANKS)
            return done + await after_answer(dispatcher, tracker)
        if not await ReportsStore(clients.redis()).is_filed_by(tracker.sender_id, target["tracking_id"]):
            log.warning("reply refused: not the reporter user=%s", pseudonym(tracker.sender_id))
            dispatcher.utter_message(text=texts.ONLY_THE_REPORTER)
            return done + resume_draft(tracker)
        key = reply_key(tracker.sender_id, target["event_id"])
        try:
            lapor = await clients.lapor()
            attachment_ids = await _upload(lapor, key, tracker.get_slot("balasan_lampiran") or [], dispatcher)
            await lapor.post_reply(
                target["tracking_id"],
                tracker.get_slot("balasan"),
                attachment_ids=attachment_ids,
                in_reply_to=int(target["event_id"]),
                idempotency_key=key,
            )
        except TRANSIENT:
            dispatcher.utter_message(text=texts.NOT_SENT)
            return [SlotSet("balasan_kirim", None), ActiveLoop("reply_form")]
        except LaporError as exc:
            log.warning("reply refused user=%s code=%s", pseudonym(tracker.sender_id), exc.code)
            dispatcher.utter_message(
                text=texts.REPLY_REFUSED_CLOSED if exc.code == "report_closed" else texts.REPLY_REFUSED
            )
        else:
            tracking_id = target["tracking_id"]
            if target["kind"] == TINDAK_LANJUT:
                dispatcher.utter_message(text=texts.FOLLOW_UP_REPLY_SENT.format(id=tracking_id))
            else:
                # Only clarifications are counted as asked (bot/notifier): a follow-up reply is no answer.
                await activity.record(
                    clients.redis(),
                    "clarification_answered",
                    tracking_id=tracking_id,
                    event_id=target["event_id"],
                    **activity.of(tracker.sender_id),
                )
                dispatcher.utter_message(text=texts.ANSWER_SENT.format(id=tracking_id))
        await OpenClarifications(clients.redis()).remove(tracker.sender_id, target["event_id"])
        return done + await after_answer(dispatcher, tracker)


async def _upload(
    lapor: LaporClient, key: str, attachments: list[dict[str, Any]], dispatcher: CollectingDispatcher
) -> list[str]:
    """Uploads each file once per answer (the same key gives the same attachment on a retry)."""
    store, ids = clients.media(), []
    for item in attachments:
        try:
            attachment = await lapor.upload_attachment(
                store.path_for(item["ref"]), item.get("filename"), idempotency_key=f"{key}:{item['ref']}"
            )
        except (AttachmentRejected, FileNotFoundError, ValueError):
            dispatcher.utter_message(
                text=texts.FILE_NOT_ATTACHED.format(name=item.get("filename") or texts.UNNAMED_FILE)
            )
            continue
        # Kept for a retried answer (uploaded again with the same key); the media cleanup deletes it.
        ids.append(attachment.attachment_id)
    return ids


class StopAnswer(Action):
    """ "batal" while answering or rating: only that is dropped; a report being written goes on.
    Dropped questions leave the open list (LAPOR keeps them; lapor.go.id can still answer them)."""

    def name(self) -> str:
        return "action_stop_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        target = tracker.get_slot("balasan_untuk") or {}
        if tracker.active_loop_name == "rating_form":
            dispatcher.utter_message(text=texts.NO_RATING)
        elif target.get("kind") == TINDAK_LANJUT:
            dispatcher.utter_message(text=texts.FOLLOW_UP_REPLY_DROPPED)
        else:
            await _drop_questions(tracker)
            dispatcher.utter_message(text=texts.ANSWER_DROPPED)
        stopped = [ActiveLoop(None), SlotSet("requested_slot", None)] + reset_slots(
            REPLY_SLOTS + RATING_SLOTS
        )
        return stopped + await after_answer(dispatcher, tracker)


async def _drop_questions(tracker: Tracker) -> None:
    """The question being answered, or every open one when the citizen was still choosing."""
    store, target = OpenClarifications(clients.redis()), tracker.get_slot("balasan_untuk")
    for question in [target] if target else await store.list(tracker.sender_id):
        await store.remove(tracker.sender_id, question["event_id"])


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
