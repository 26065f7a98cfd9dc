"""Rating a completed report: a score from 1 to 5 and an optional comment, in either order
("jelek, petugasnya ga dateng. 1" gives both), sent to LAPOR. Offered once the report is done, and
asked for any time after ("beri nilai laporan #1916449", "sy mau kasih nilai 1 buat laporan 9751745").
"batal" at the comment sends the score without it."""

from __future__ import annotations

import logging
import re
from typing import Any, Optional

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clients
from actions.after_filing import texts
from actions.after_filing.reply_form import (
    RATING_SLOTS,
    AskedOnce,
    after_answer,
    report_status,
    reset_slots,
    start_rating,
)
from actions.message import CitizenMessage
from actions.report.steps import SKIPPED, resume_draft
from actions.status import named_tracking_id
from actions.status_texts import UNAVAILABLE
from common import activity
from common.identity import pseudonym
from common.reports import ReportsStore
from lapor_client.errors import LaporError

log = logging.getLogger(__name__)

_SCORE_WORDS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5}
# Words around a score that are no comment: "sy mau kasih nilai 1 buat laporan 9751745".
_FILLER = {
    *_SCORE_WORDS,
    *"sy saya aku gue mau ingin kasih ksh beri kasi memberi nilai nilainya rating skor bintang buat".split(),
    *"untuk utk laporan lapor no nomor deh aja saja ya dong min ok oke dari cuma hanya ini itu yang".split(),
}
_COMMENT_MIN_WORDS = 2


_DIGIT = r"(?<![\d#])[1-5](?!\d)"
# A digit the citizen gives as the score: after a rating word, or before "bintang" or "/5".
_NAMED_SCORE = re.compile(
    rf"(?:nilai(?:nya)?|skor|rating|bintang)\s*:?\s*({_DIGIT})|({_DIGIT})\s*(?:bintang|/\s*5)"
)
# A digit that counts something else: "(2)", "2 minggu", "rt 3", "jam 5".
_NOT_A_SCORE = re.compile(
    rf"\(\s*{_DIGIT}\s*\)|{_DIGIT}\s*(?:x\b|kali|hari|minggu|bulan|tahun|jam|menit|orang|km|meter|m\b)"
    rf"|(?:rt|rw|jam|no|nomor|gang|gg)\.?\s*{_DIGIT}",
    re.IGNORECASE,
)


def _score(text: str) -> Optional[int]:
    named = _NAMED_SCORE.search(text.lower())
    if named:
        return int(named.group(1) or named.group(2))
    digits = re.findall(_DIGIT, _NOT_A_SCORE.sub(" ", text))
    if digits:
        return int(digits[-1])  # "telat 2x, tapi beres. 4": the score comes last
    words = [_SCORE_WORDS[w] for w in re.findall(r"\w+", text.lower()) if w in _SCORE_WORDS]
    stars = text.count("⭐")
    return words[0] if words else stars if 1 <= stars <= 5 else None


def _comment(text: str) -> Optional[str]:
    """What a message says beside its score, when it says something."""
    words = [w for w in re.findall(r"[^\W\d_]+", text.lower()) if w not in _FILLER]
    if len(words) < _COMMENT_MIN_WORDS:
        return None
    without_score = re.sub(rf"{_DIGIT}|⭐", " ", text)
    return re.sub(r"\s+", " ", without_score).strip(" .,;:-")[:1000] or None


class ValidateRatingForm(FormValidationAction):
    def name(self) -> str:
        return "validate_rating_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        return domain_slots if tracker.get_slot("nilai_untuk") else []  # no report to rate: ends at once

    def validate_nilai(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        text = CitizenMessage.of(tracker).text or str(value)
        score, comment = _score(text), _comment(text)
        rated: dict[str, Any] = {"nilai": score}
        if comment and not tracker.get_slot("komentar"):
            rated["komentar"] = comment  # a comment before the score is kept
            if score is None:
                dispatcher.utter_message(text=texts.COMMENT_KEPT)
        if score is None:
            dispatcher.utter_message(text=texts.PICK_SCORE)
        return rated

    def validate_komentar(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        reply = CitizenMessage.of(tracker)
        return {"komentar": SKIPPED if reply.skip() or not reply.text else reply.text[:1000]}


class AskNilai(AskedOnce):
    slot = "nilai"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        dispatcher.utter_message(
            text=texts.ASK_SCORE.format(id=tracker.get_slot("nilai_untuk")),
            buttons=[{"title": texts.SCORE_BUTTON.format(score=s), "payload": str(s)} for s in range(1, 6)],
        )
        return []


class AskKomentar(AskedOnce):
    slot = "komentar"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        dispatcher.utter_message(text=texts.ASK_COMMENT, buttons=[{"title": texts.SKIP, "payload": "lewati"}])
        return []


async def _send_rating(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    tracking_id, score = tracker.get_slot("nilai_untuk"), tracker.get_slot("nilai")
    comment = tracker.get_slot("komentar")
    if not (tracking_id and score):
        return
    if not await ReportsStore(clients.redis()).is_filed_by(tracker.sender_id, tracking_id):
        log.warning("rating refused: not the reporter user=%s", pseudonym(tracker.sender_id))
        dispatcher.utter_message(text=texts.ONLY_THE_REPORTER)
        return
    comment = None if comment in (None, SKIPPED) else comment
    try:
        await (await clients.lapor()).rate(tracking_id, int(score), comment)
    except LaporError as exc:
        log.warning("rating not sent user=%s: %s", pseudonym(tracker.sender_id), type(exc).__name__)
        dispatcher.utter_message(text=texts.RATING_NOT_SENT)
        return
    # The comment is written for the Pemda to read (common/activity.py allows it).
    await activity.record(
        clients.redis(),
        "report_rated",
        tracking_id=tracking_id,
        score=int(score),
        comment=comment,
        **activity.of(tracker.sender_id),
    )
    dispatcher.utter_message(text=texts.RATING_THANKS)


class RateReport(Action):
    def name(self) -> str:
        return "action_rate_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not tracker.get_slot("nilai_untuk"):
            # The form ended at once: news of a completion with nothing to rate (a follower's). The news
            # marker names the draft already (told.py); a second lead-in read "Kita lanjutkan … tadi:" twice.
            return reset_slots(RATING_SLOTS) + resume_draft(tracker, named=False)
        await _send_rating(dispatcher, tracker)
        return reset_slots(RATING_SLOTS) + await after_answer(dispatcher, tracker)


class StopRating(Action):
    """ "batal" while rating: a score already given is sent without the comment; before it, nothing."""

    def name(self) -> str:
        return "action_stop_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("nilai"):
            tracker.slots["komentar"] = SKIPPED
            await _send_rating(dispatcher, tracker)
        else:
            dispatcher.utter_message(text=texts.NO_RATING)
        stopped = [ActiveLoop(None), SlotSet("requested_slot", None)] + reset_slots(RATING_SLOTS)
        return stopped + await after_answer(dispatcher, tracker)


class StartRating(Action):
    """ "beri nilai laporan #1916449" at any time after the report is done, with the score (and a
    comment) when the message already gives them. Asked for while a report is being written, the
    draft waits for the rating (RateReport resumes it); when there is nothing to rate it goes on now."""

    def name(self) -> str:
        return "action_start_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        store = ReportsStore(clients.redis())
        tracking_id = named_tracking_id(tracker)
        if not tracking_id:
            mine = await store.list_for(tracker.sender_id, limit=5)
            if len(mine) != 1:
                dispatcher.utter_message(
                    text=texts.ASK_WHICH_TO_RATE,
                    buttons=[
                        {
                            "title": f"#{r.tracking_id}",
                            "payload": f'/rate_report{{"tracking_id": "{r.tracking_id}"}}',
                        }
                        for r in mine
                    ],
                )
                return resume_draft(tracker)
            tracking_id = mine[0].tracking_id
        if not await store.is_filed_by(tracker.sender_id, tracking_id):
            dispatcher.utter_message(text=texts.ONLY_THE_REPORTER)
            return resume_draft(tracker)
        status = await report_status(tracking_id)
        if status is None:
            dispatcher.utter_message(text=UNAVAILABLE)
            return resume_draft(tracker)
        if status != "completed":
            dispatcher.utter_message(text=texts.NOT_DONE_YET.format(id=tracking_id))
            return resume_draft(tracker)
        if tracker.active_loop_name == "report_form":
            dispatcher.utter_message(text=texts.DRAFT_WAITS)
        text = CitizenMessage.of(tracker).text.replace(tracking_id, " ")
        score = _score(text)
        return start_rating(tracking_id, score, _comment(text) if score else None)
