"""The citizen's side after filing: answering an agency's clarification request, saying whether a
follow-up solved the problem (and replying when it did not), adding to an answer already sent, and
rating a completed report.

Two forms carry it (dialogue/domain.yml): `reply_form` here (which question, solved?, the answer, then
"Kirim jawaban ini?" with Kirim/Ubah/Nanti) and `rating_form` (rating_form.py: score and comment, in
either order). Answering is a small conversation of its own: "nanti" keeps the question open and
reminds once later (reminders.py); menu words and a bare "ok" are no answer; a photo or document alone
is one; each question is asked once, never again on a notification's turn (`asked_already`).
A notification that starts one of the forms while a report is being written leaves the draft in its
slots; when the answer is sent or dropped, `report_form` becomes active again (report/steps.resume_draft).

Clarifications stay open in Redis until answered, so several can wait and the citizen picks one by
report and question (common/clarifications.py).
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from abc import ABC
from typing import Any, Optional

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clients
from actions.after_filing import reminders, texts
from actions.after_filing.additions import PARKED, remember_answer
from actions.asking import Question
from actions.message import CitizenMessage, from_notifier
from actions.report.evidence import accept_attachments
from actions.report.start import OFFERED
from actions.report.steps import resume_draft
from actions.status import CheckStatus, MyReports, named_tracking_id, report_in_question
from common import activity
from common.clarifications import OpenClarifications
from common.identity import pseudonym
from common.outbox import TRANSIENT
from common.reports import ReportsStore
from lapor_client import LaporClient
from lapor_client.errors import AttachmentRejected, LaporError

log = logging.getLogger(__name__)

KLARIFIKASI, TINDAK_LANJUT, TAMBAHAN = "klarifikasi", "tindak_lanjut", "tambahan"
LATER = "balasan_nanti"  # the citizen said "nanti": the form ends, the question stays open
REPLY_SLOTS = ["balasan_untuk", "masalah_selesai", "balasan", "balasan_lampiran", "balasan_kirim", LATER]
RATING_SLOTS = ["nilai_untuk", "nilai", "komentar"]
CLOSED = {"completed", "archived"}  # LAPOR takes no reply to these
LATER_BUTTON = {"title": texts.LATER, "payload": "/postpone"}
CANCEL_BUTTON = {"title": texts.CANCEL, "payload": "/cancel"}
# "Nanti lagi ya" reads as goodbye, "sebentar" as anything: a short message with these words is a later.
LATER_WORDS = re.compile(
    r"\b(nanti|ntar|sebentar|bentar|tunggu|besok|jangan sekarang|lagi (di ?jalan|sibuk|nyetir|kerja|rapat))\b"
)
LATER_MAX_WORDS = 12
# Menu words, greetings and a bare "ok" are never the answer; a long message is, whatever its guess.
NOT_ANSWERS = {
    "affirm",
    "deny",
    "greet",
    "thank",
    "goodbye",
    "help",
    "human_handoff",
    "my_reports",
    "check_status",
    "follow_report",
    "stop_notifications",
    "rate_report",
    "answer_agency",
    "add_to_reply",
    "postpone",
    "nlu_fallback",
}
NOT_ANSWER_MAX_WORDS = 4
SHOWN_ON_THE_WAY = {"my_reports": MyReports, "check_status": CheckStatus}  # shown, then the answer goes on
# "eh td belum sy jawab, ini jawabannya: ..." carries its answer after the colon.
ANSWER_INSIDE = re.compile(r"jawab(?:an)?(?:nya)?\s*[:=]\s*(.{2,})", re.IGNORECASE | re.DOTALL)
NOT_SOLVED_WORDS = ("belum", "blm", "tidak", "tdk", "gak", "nggak", "enggak", "masih")
SOLVED_WORDS = ("sudah", "udah", "sdh", "selesai", "beres", "puas", "terima kasih", "makasih")


def answering(clarification: dict[str, str]) -> dict[str, str]:
    return {**clarification, "kind": KLARIFIKASI}


def reset_slots(slots: list[str]) -> list[EventType]:
    return [SlotSet(slot, None) for slot in slots]


async def start_answer(sender: str, chosen: Optional[dict[str, str]] = None) -> list[EventType]:
    """The reply form's slots for the open clarifications: the one question (or the one `chosen`), or
    none when the citizen has several to choose from. "Solved?" is only asked about follow-ups."""
    waiting = await OpenClarifications(clients.redis()).list(sender)
    target = chosen or (waiting[0] if len(waiting) == 1 else None)
    return reset_slots(REPLY_SLOTS) + [
        SlotSet("balasan_untuk", answering(target) if target else None),
        SlotSet("masalah_selesai", False),
        SlotSet("balasan_lampiran", []),
    ]


def start_rating(tracking_id: str, score: Optional[int] = None, comment: Optional[str] = None) -> list:
    return reset_slots(RATING_SLOTS) + [
        SlotSet("nilai_untuk", tracking_id),
        SlotSet("nilai", score),
        SlotSet("komentar", comment),
        SlotSet("requested_slot", None),
        ActiveLoop("rating_form"),
    ]


async def after_answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, rate: Optional[str] = None
) -> list[EventType]:
    """Next after an answer: another open clarification, else the rating of a report just done, else
    the report being written, if any. One question at a time."""
    if await OpenClarifications(clients.redis()).list(tracker.sender_id):
        dispatcher.utter_message(text=texts.MORE_QUESTIONS)
        return await start_answer(tracker.sender_id) + [ActiveLoop("reply_form")]
    if rate:
        return start_rating(rate)
    return resume_draft(tracker)


def reply_key(sender: str, event_id: str) -> str:
    """The same answer to the same event is one reply in LAPOR, however often it is sent."""
    return hashlib.sha256(f"{sender}:{event_id}".encode()).hexdigest()


async def report_status(tracking_id: str) -> Optional[str]:
    try:
        return (await (await clients.lapor()).get_report(tracking_id)).status
    except LaporError:
        return None  # unknown: the answer is tried, and LAPOR says if it is closed


def asked_already(tracker: Tracker, slot: str) -> bool:
    """The step was asked before this turn and is still open, and this turn is a notification's: the
    news is told without asking the same question again."""
    if not from_notifier(tracker):
        return False
    before_turn = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            before_turn = True
        elif before_turn and event.get("event") == "slot" and event.get("name") == "requested_slot":
            return event.get("value") == slot
    return False


class AskedOnce(Question, ABC):
    """A question of the after-filing forms: not put again on a notification's turn (`asked_already`)."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return [] if asked_already(tracker, self.slot) else await self.ask(dispatcher, tracker)


def puts_off(reply: CitizenMessage) -> bool:
    if reply.intent == "postpone":
        return True
    if reply.has(*NOT_SOLVED_WORDS, *SOLVED_WORDS):  # "belum, nanti dikerjakan katanya" answers
        return False
    return len(reply.plain.split()) <= LATER_MAX_WORDS and bool(LATER_WORDS.search(reply.plain))


def _words(reply: CitizenMessage) -> int:
    return len(reply.plain.split())


# --- the reply form ---


class ValidateReplyForm(FormValidationAction):
    def name(self) -> str:
        return "validate_reply_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot(LATER):
            return []
        target = tracker.get_slot("balasan_untuk")
        if target and target.get("kind") == TINDAK_LANJUT:
            settled = tracker.get_slot("masalah_selesai") is True or target.get("closed")
            return ["balasan_untuk", "masalah_selesai"] + ([] if settled else ["balasan", "balasan_kirim"])
        if not target and not await OpenClarifications(clients.redis()).list(tracker.sender_id):
            return []  # nothing to answer (the news was for a follower): the form ends at once
        return ["balasan_untuk", "balasan", "balasan_kirim"]

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """ "Nanti" at any step ends the form with the question open; photos and documents are taken at
        any step, and one sent when the answer is asked for is the answer."""
        reply, taken = CitizenMessage.of(tracker), []
        if tracker.get_slot("requested_slot") and not from_notifier(tracker) and puts_off(reply):
            taken = [SlotSet(LATER, True)]
        elif reply.intent == "share_evidence":
            kept, lines = accept_attachments(tracker, "balasan_lampiran")
            for line in lines:
                dispatcher.utter_message(text=line)
            taken = [SlotSet("balasan_lampiran", kept)]
            if kept and tracker.get_slot("requested_slot") == "balasan":
                taken.append(SlotSet("balasan", ""))  # the files are the answer; a text may follow
        tracker.add_slots(taken)
        return taken + await super().run(dispatcher, tracker, domain)

    async def validate_balasan_untuk(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None or isinstance(value, dict):
            return {"balasan_untuk": value}  # set by the notification
        waiting = await OpenClarifications(clients.redis()).list(tracker.sender_id)
        said = CitizenMessage.of(tracker).text or str(value)
        picked = re.search(r"#?(\d{5,10})/(\d+)", said)  # a button: report and question
        numbers = set(re.findall(r"\d+", said))
        chosen = [
            c
            for c in waiting
            if (picked and (c["tracking_id"], c["event_id"]) == picked.groups())
            or (not picked and c["tracking_id"] in numbers)
        ]
        if chosen:
            return {"balasan_untuk": answering(chosen[0])}
        dispatcher.utter_message(text=texts.PICK_QUESTION)
        return {"balasan_untuk": None}

    async def validate_masalah_selesai(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None or isinstance(value, bool):
            return {"masalah_selesai": value}
        reply = CitizenMessage.of(tracker)
        if reply.no() or reply.has(*NOT_SOLVED_WORDS):
            # "belum! cuma dijadwalin doang" says why in the same breath: that is the reply.
            outcome: dict[str, Any] = {"masalah_selesai": False}
            if _words(reply) >= 3:
                outcome["balasan"] = reply.text
            target = tracker.get_slot("balasan_untuk") or {}
            if target and await report_status(target["tracking_id"]) in CLOSED:
                outcome["balasan_untuk"] = {**target, "closed": True}
            return outcome
        if reply.yes() or reply.has(*SOLVED_WORDS):
            return {"masalah_selesai": True}
        dispatcher.utter_message(text=texts.SOLVED_OR_NOT)
        return {"masalah_selesai": None}

    async def validate_balasan(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        if value == "" and tracker.get_slot("balasan_lampiran"):
            return {"balasan": ""}  # only files
        answer = await _answer_in(dispatcher, tracker, domain)
        return {"balasan": answer}

    async def validate_balasan_kirim(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        reply = CitizenMessage.of(tracker)
        if reply.yes() or reply.has("kirim", "sudah", "udah", "cukup", "lanjut"):
            return {"balasan_kirim": True}
        if reply.has("ubah", "ganti", "edit", "salah"):
            return {"balasan_kirim": None, "balasan": None}  # asked again
        answer = await _answer_in(dispatcher, tracker, domain)
        if answer is None:
            return {"balasan_kirim": None}
        # More words before Kirim: they join what is there, and the answer is shown again.
        before = tracker.get_slot("balasan") or ""
        return {"balasan_kirim": None, "balasan": f"{before}\n{answer}".strip()}


async def _answer_in(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Optional[str]:
    """The answer the latest message gives, or None (with a word to the citizen) when it is none."""
    reply, target = CitizenMessage.of(tracker), tracker.get_slot("balasan_untuk") or {}
    inside = ANSWER_INSIDE.search(reply.text)
    if inside:
        return inside.group(1).strip()
    if reply.intent in NOT_ANSWERS and _words(reply) <= NOT_ANSWER_MAX_WORDS or len(reply.text) < 2:
        shown = SHOWN_ON_THE_WAY.get(reply.intent)
        if shown:
            await shown().run(dispatcher, tracker, domain)
        else:
            dispatcher.utter_message(text=texts.NOT_AN_ANSWER.format(id=target.get("tracking_id")))
        return None
    return reply.text


class AskBalasanUntuk(AskedOnce):
    slot = "balasan_untuk"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        waiting = await OpenClarifications(clients.redis()).list(tracker.sender_id)
        dispatcher.utter_message(
            text=texts.WHICH_QUESTION,
            buttons=[
                {
                    "title": texts.QUESTION_BUTTON.format(
                        id=c["tracking_id"], question=_short(c["question"])
                    ),
                    "payload": f"#{c['tracking_id']}/{c['event_id']}",
                }
                for c in waiting[:5]
            ]
            + [LATER_BUTTON],
        )
        return []


class AskMasalahSelesai(AskedOnce):
    slot = "masalah_selesai"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        dispatcher.utter_message(
            text=texts.ASK_SOLVED,
            buttons=[
                {"title": texts.SOLVED, "payload": "/affirm"},
                {"title": texts.NOT_SOLVED, "payload": "/deny"},
            ],
        )
        return []


def _worded_for(tracker: Tracker, follow_up: str, addition: str, answer: str) -> str:
    """The text for what the answer is to: a follow-up, an addition, or else a clarification request."""
    target = tracker.get_slot("balasan_untuk") or {}
    text = {TINDAK_LANJUT: follow_up, TAMBAHAN: addition}.get(target.get("kind"), answer)
    return text.format(id=target.get("tracking_id"))


class AskBalasan(AskedOnce):
    slot = "balasan"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        text = _worded_for(tracker, texts.ASK_FOLLOW_UP_REPLY, texts.ASK_ADDITION, texts.ASK_ANSWER)
        dispatcher.utter_message(text=text, buttons=[LATER_BUTTON, CANCEL_BUTTON])
        return []


class AskBalasanKirim(AskedOnce):
    """ "Kirim jawaban ini?": the answer as it will reach the agency, before it is sent."""

    slot = "balasan_kirim"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        text = _worded_for(
            tracker, texts.CONFIRM_FOLLOW_UP_REPLY, texts.CONFIRM_ADDITION, texts.CONFIRM_ANSWER
        )
        if tracker.get_slot("balasan"):
            text += texts.QUOTED.format(text=tracker.get_slot("balasan"))
        count = len(tracker.get_slot("balasan_lampiran") or [])
        if count:
            text += texts.ATTACHMENTS.format(count=count)
        dispatcher.utter_message(
            text=text,
            buttons=[
                {"title": texts.SEND, "payload": "/affirm"},
                {"title": texts.EDIT, "payload": "ubah jawaban"},
                LATER_BUTTON,
            ],
        )
        return []


class SendReply(Action):
    """Posts the answer to LAPOR as a reply to the event (idempotent), thanks for a solved follow-up,
    or keeps the question open for later ("nanti")."""

    def name(self) -> str:
        return "action_send_reply"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        target = tracker.get_slot("balasan_untuk")
        done = reset_slots(REPLY_SLOTS) + [SlotSet(OFFERED, None)]  # a yes next is no old offer's
        if tracker.get_slot(LATER):
            return done + await _put_off(dispatcher, tracker, target)
        if not target:
            return done + resume_draft(tracker)
        tracking_id = target["tracking_id"]
        if target["kind"] == TINDAK_LANJUT and tracker.get_slot("masalah_selesai") is True:
            dispatcher.utter_message(text=texts.SOLVED_THANKS)
            done_now = await report_status(tracking_id) == "completed"
            return done + await after_answer(dispatcher, tracker, rate=tracking_id if done_now else None)
        if target.get("closed"):
            return done + _closed(dispatcher, tracker, target)
        if not await ReportsStore(clients.redis()).is_filed_by(tracker.sender_id, tracking_id):
            log.warning("reply refused: not the reporter user=%s", pseudonym(tracker.sender_id))
            dispatcher.utter_message(text=texts.ONLY_THE_REPORTER)
            return done + resume_draft(tracker)
        key = target.get("key") or reply_key(tracker.sender_id, target["event_id"])
        try:
            lapor = await clients.lapor()
            attachment_ids = await _upload(lapor, key, tracker.get_slot("balasan_lampiran") or [], dispatcher)
            await lapor.post_reply(
                tracking_id,
                tracker.get_slot("balasan") or texts.ATTACHMENTS_ONLY,
                attachment_ids=attachment_ids,
                in_reply_to=int(target["event_id"]) if target.get("event_id") else None,
                idempotency_key=key,
            )
        except TRANSIENT:
            dispatcher.utter_message(text=texts.NOT_SENT)
            return [SlotSet("balasan_kirim", None), ActiveLoop("reply_form")]
        except LaporError as exc:
            log.warning("reply refused user=%s code=%s", pseudonym(tracker.sender_id), exc.code)
            if exc.code == "report_closed":
                return done + _closed(dispatcher, tracker, target)
            dispatcher.utter_message(text=texts.REPLY_REFUSED)
        else:
            await _told(dispatcher, tracker, target)
            if target["kind"] != TINDAK_LANJUT:
                await remember_answer(clients.redis(), tracker.sender_id, tracking_id)
        return done + await after_answer(dispatcher, tracker)


async def _told(dispatcher: CollectingDispatcher, tracker: Tracker, target: dict[str, Any]) -> None:
    tracking_id = target["tracking_id"]
    if target["kind"] == TINDAK_LANJUT:
        dispatcher.utter_message(text=texts.FOLLOW_UP_REPLY_SENT.format(id=tracking_id))
    elif target["kind"] == TAMBAHAN:
        dispatcher.utter_message(text=texts.ADDITION_SENT.format(id=tracking_id))
    else:
        # Only clarifications are counted as asked (bot/notifier): a follow-up reply is no answer.
        redis = clients.redis()
        await activity.record(
            redis,
            "clarification_answered",
            tracking_id=tracking_id,
            event_id=target["event_id"],
            **activity.of(tracker.sender_id),
        )
        await OpenClarifications(redis).remove(tracker.sender_id, target["event_id"])
        await reminders.cancel(redis, tracker.sender_id, target)
        dispatcher.utter_message(text=texts.ANSWER_SENT.format(id=tracking_id))
        dispatcher.utter_message(text=texts.ADD_LATER.format(id=tracking_id))


def _closed(dispatcher: CollectingDispatcher, tracker: Tracker, target: dict[str, Any]) -> list[EventType]:
    """LAPOR takes no more replies: says so, and offers a new report that refers to the old one, its
    story prefilled (report/start.FileOffered files it), or the rating."""
    tracking_id, reason = target["tracking_id"], tracker.get_slot("balasan")
    story = (texts.LINKED_STORY if reason else texts.LINKED_STORY_NO_REASON).format(
        id=tracking_id, reason=reason
    )
    dispatcher.utter_message(
        text=texts.REPORT_CLOSED.format(id=tracking_id),
        buttons=[
            {"title": texts.LINKED_REPORT, "payload": "/file_linked_report"},
            {"title": texts.RATE_IT, "payload": f'/rate_report{{"tracking_id": "{tracking_id}"}}'},
        ],
    )
    return [SlotSet(OFFERED, story)]


async def _put_off(
    dispatcher: CollectingDispatcher, tracker: Tracker, target: Optional[dict[str, Any]]
) -> list[EventType]:
    """ "Nanti": a clarification stays open and is reminded once; a follow-up can be answered later."""
    redis = clients.redis()
    waiting = await OpenClarifications(redis).list(tracker.sender_id)
    question = target if target and target["kind"] == KLARIFIKASI else None
    if target is None and waiting:
        question = waiting[0]
    if question:
        now = reminders.now()
        due = await reminders.schedule(redis, tracker.sender_id, question, now)
        text = texts.POSTPONED.format(id=question["tracking_id"], when=reminders.said(due, now))
    else:
        text = texts.FOLLOW_UP_POSTPONED.format(id=(target or {}).get("tracking_id", ""))
    dispatcher.utter_message(text=text)
    return resume_draft(tracker)


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
    """ "batal" while answering: only that is dropped; a report being written goes on. Dropped
    questions leave the open list (LAPOR keeps them; lapor.go.id can still answer them)."""

    def name(self) -> str:
        return "action_stop_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        target = tracker.get_slot("balasan_untuk") or {}
        if target.get("kind") in (TINDAK_LANJUT, TAMBAHAN):
            dispatcher.utter_message(text=texts.FOLLOW_UP_REPLY_DROPPED)
        else:
            await _drop_questions(tracker)
            dispatcher.utter_message(text=texts.ANSWER_DROPPED)
        stopped = [ActiveLoop(None), SlotSet("requested_slot", None)] + reset_slots(REPLY_SLOTS)
        return stopped + await after_answer(dispatcher, tracker)


async def _drop_questions(tracker: Tracker) -> None:
    """The question being answered, or every open one when the citizen was still choosing."""
    store, target = OpenClarifications(clients.redis()), tracker.get_slot("balasan_untuk")
    for question in [target] if target else await store.list(tracker.sender_id):
        await store.remove(tracker.sender_id, question["event_id"])
        await reminders.cancel(clients.redis(), tracker.sender_id, question)


# --- coming back to a question, adding to an answer ---


class AnswerAgency(Action):
    """ "jawab laporan 1916449", "td belum sy jawab, ini jawabannya: …": the open question(s) again,
    with the answer already taken when the message carries it. A report being written waits for the
    answer (SendReply and StopAnswer resume it)."""

    def name(self) -> str:
        return "action_answer_agency"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        waiting = await OpenClarifications(clients.redis()).list(tracker.sender_id)
        if not waiting:
            dispatcher.utter_message(text=texts.NOTHING_TO_ANSWER)
            return resume_draft(tracker)  # asked while writing a report: the draft goes on
        named = named_tracking_id(tracker)
        chosen = next((c for c in waiting if c["tracking_id"] == named), None)
        events = await start_answer(tracker.sender_id, chosen)
        inside = ANSWER_INSIDE.search(CitizenMessage.of(tracker).text)
        if inside and (chosen or len(waiting) == 1):
            events.append(SlotSet("balasan", inside.group(1).strip()))
        if tracker.active_loop_name == "report_form":
            dispatcher.utter_message(text=texts.DRAFT_WAITS)
        return events + [SlotSet("requested_slot", None), ActiveLoop("reply_form")]


class AddToReply(Action):
    """ "tambah keterangan untuk laporan #1916449": one more reply to the reporter's report."""

    def name(self) -> str:
        return "action_add_to_reply"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        store = ReportsStore(clients.redis())
        named, own = await report_in_question(tracker, store, own=1)
        tracking_id = named or (own[0] if own else "")
        if not tracking_id:
            dispatcher.utter_message(text=texts.ASK_WHICH_TO_ADD)
            return []
        if not await store.is_filed_by(tracker.sender_id, tracking_id):
            dispatcher.utter_message(text=texts.ONLY_THE_REPORTER)
            return []
        # A fresh key per addition: each is its own reply in LAPOR, each sent once however often retried.
        target = {"tracking_id": tracking_id, "event_id": "", "kind": TAMBAHAN, "key": uuid.uuid4().hex}
        parked = tracker.get_slot(PARKED) or []  # a photo offered to this answer: it is the addition
        return reset_slots(REPLY_SLOTS) + [
            SlotSet("balasan_untuk", target),
            SlotSet("balasan_lampiran", parked),
            SlotSet("balasan", "" if parked else None),
            SlotSet("requested_slot", None),
            ActiveLoop("reply_form"),
        ]


class RemindAnswer(Action):
    """The notifier's reminder of a question put off: told once, and answered now when nothing else is
    under way; nothing at all when the question was answered meanwhile."""

    def name(self) -> str:
        return "action_remind_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not from_notifier(tracker):
            return []
        event_id = str(next(tracker.get_latest_entity_values("lapor_event_id"), "")).removeprefix(
            reminders.JOB_PREFIX
        )
        waiting = await OpenClarifications(clients.redis()).list(tracker.sender_id)
        question = next((c for c in waiting if c["event_id"] == event_id), None)
        if question is None:
            return []
        dispatcher.utter_message(
            text=texts.REMINDER.format(id=question["tracking_id"], question=question["question"])
        )
        if tracker.active_loop_name not in (None, "report_form"):
            return []  # answering or rating something else: the question waits in the open list
        if tracker.active_loop_name == "report_form":
            dispatcher.utter_message(text=texts.DRAFT_WAITS)
        return await start_answer(tracker.sender_id, question) + [
            SlotSet("requested_slot", None),
            ActiveLoop("reply_form"),
        ]


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
