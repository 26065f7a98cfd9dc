"""Rating a completed report: a score from 1 to 5, then an optional comment, sent to LAPOR."""

from __future__ import annotations

import logging
import re
from typing import Any, Optional

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clients
from actions.after_filing import texts
from actions.after_filing.reply_form import RATING_SLOTS, after_answer, reset_slots
from actions.message import CitizenMessage
from actions.report.steps import SKIPPED
from common import activity
from common.identity import pseudonym
from common.reports import ReportsStore
from lapor_client.errors import LaporError

log = logging.getLogger(__name__)

_SCORE_WORDS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5}


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
        score = _score(CitizenMessage.of(tracker).text or str(value))
        if score is None:
            dispatcher.utter_message(text=texts.PICK_SCORE)
        return {"nilai": score}

    def validate_komentar(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        reply = CitizenMessage.of(tracker)
        return {"komentar": SKIPPED if reply.skip() or not reply.text else reply.text[:1000]}


def _score(text: str) -> Optional[int]:
    digits = re.findall(r"\b[1-5]\b", text)
    if digits:
        return int(digits[0])
    words = [_SCORE_WORDS[w] for w in re.findall(r"\w+", text.lower()) if w in _SCORE_WORDS]
    stars = text.count("⭐")
    return words[0] if words else stars if 1 <= stars <= 5 else None


class RateReport(Action):
    def name(self) -> str:
        return "action_rate_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        tracking_id, score = tracker.get_slot("nilai_untuk"), tracker.get_slot("nilai")
        comment = tracker.get_slot("komentar")
        if (
            tracking_id
            and score
            and not await ReportsStore(clients.redis()).is_filed_by(tracker.sender_id, tracking_id)
        ):
            log.warning("rating refused: not the reporter user=%s", pseudonym(tracker.sender_id))
            dispatcher.utter_message(text=texts.ONLY_THE_REPORTER)
        elif tracking_id and score:
            comment = None if comment in (None, SKIPPED) else comment
            try:
                await (await clients.lapor()).rate(tracking_id, int(score), comment)
            except LaporError as exc:
                log.warning("rating not sent user=%s: %s", pseudonym(tracker.sender_id), type(exc).__name__)
                dispatcher.utter_message(text=texts.RATING_NOT_SENT)
            else:
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
        return reset_slots(RATING_SLOTS) + await after_answer(dispatcher, tracker)
