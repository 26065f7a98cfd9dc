"""A photo sent soon after answering an agency is offered to that answer first ("Tambahkan ke jawaban
laporan #…?"), before it starts a new pengaduan (report/start.StartReport asks here: no extra turn).
Key: common/keys.py `answered_recently`."""

from __future__ import annotations

from typing import Optional

import redis.asyncio as aioredis
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import clients
from actions.after_filing import texts
from actions.report.evidence import accept_attachments
from common import keys

SOON_SECONDS = 30 * 60
PARKED = "balasan_lampiran"  # the photo waits here for the citizen's choice


async def remember_answer(redis: aioredis.Redis, sender: str, tracking_id: str) -> None:
    await redis.set(keys.answered_recently(sender), tracking_id, ex=SOON_SECONDS)


async def offer_addition(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[list[EventType]]:
    """The question for a photo sent soon after an answer (asked once), or None when there is none."""
    async with clients.redis().pipeline(transaction=True) as pipe:
        pipe.get(keys.answered_recently(tracker.sender_id))
        pipe.delete(keys.answered_recently(tracker.sender_id))
        answered, _ = await pipe.execute()
    kept, _ = accept_attachments(tracker, PARKED)
    if not answered or not kept:
        return None
    tracking_id = answered.decode() if isinstance(answered, bytes) else answered
    dispatcher.utter_message(
        text=texts.ADD_PHOTO_TO_ANSWER.format(id=tracking_id),
        buttons=[
            {"title": texts.ADD_IT, "payload": f'/add_to_reply{{"tracking_id": "{tracking_id}"}}'},
            {"title": texts.NEW_REPORT, "payload": "/file_complaint"},
        ],
    )
    return [SlotSet(PARKED, kept)]


def parked_evidence(tracker: Tracker) -> list[EventType]:
    """A photo offered to an answer and sent as a new report after all goes with the new report."""
    parked = tracker.get_slot(PARKED)
    return [SlotSet("lampiran", parked), SlotSet(PARKED, None)] if parked else []
