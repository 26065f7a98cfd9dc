"""Running actions as Rasa does, for the action tests: trackers built like Rasa's, the real domain, the
report form validated as the action server would, a report filed through the real submission action, and
the news of a report as the notifier's trigger leaves it."""

from __future__ import annotations

import inspect
import uuid
from pathlib import Path
from typing import Any, Optional

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.report.form import ValidateReportForm
from actions.report.submission import SubmitReport

DOMAIN: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "dialogue" / "domain.yml").read_text(encoding="utf-8")
)
# The smallest valid JPEG: what a citizen's photo is to the media store and to LAPOR.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a"
    "1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f"
    "0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d010203"
    "00041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a343536373839"
    "3a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4"
    "a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa"
    "ffda0008010100003f00fbd3ffd9"
)


def make_tracker(
    slots: Optional[dict[str, Any]] = None,
    text: str = "",
    intent: str = "",
    entities: Optional[list[dict[str, Any]]] = None,
    metadata: Optional[dict[str, Any]] = None,
    sender: str = "console:warga-1",
    active_loop: Optional[str] = None,
    external: bool = False,
) -> Tracker:
    """A tracker whose latest message is `text` (with the given intent, entities and metadata): a chat
    message as the gateway sends it, or, `external`, an intent the notifier triggered (Rasa marks those)."""
    chat = {"is_external": True} if external else {"channel": "console"}
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "metadata": {**chat, **(metadata or {})},
    }
    return Tracker(
        sender,
        dict(slots or {}),
        latest,
        [],
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def tracking_entity(value: str) -> list[dict[str, Any]]:
    return [{"entity": "tracking_id", "value": value}]


async def run(action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Runs an action; returns (events, messages)."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return events, dispatcher.messages


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


FORM = ValidateReportForm()


async def validate(
    slot: str, text: str, slots: dict | None = None, intent: str = "out_of_scope", **message
) -> tuple[dict, str]:
    """Validates `text` as the answer to `slot`; returns (slots set, what the bot said)."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        {"classification": "pengaduan", **(slots or {})}, text=text, intent=intent, **message
    )
    result = getattr(FORM, f"validate_{slot}")(text, dispatcher, tracker, DOMAIN)
    result = await result if inspect.isawaitable(result) else result
    return result, texts(dispatcher.messages)


def form_run_tracker(
    slots: dict, candidates: dict, intent: str = "out_of_scope", text: str = "", **message
) -> Tracker:
    """The tracker Rasa's FormAction sends: the form's marker, then the extracted slot candidates."""
    tracker = make_tracker(slots, text=text, intent=intent, active_loop="report_form", **message)
    tracker.events = [{"event": "action", "name": "report_form"}] + [
        {"event": "slot", "name": k, "value": v} for k, v in candidates.items()
    ]
    tracker.slots.update(candidates)
    return tracker


def confirmed_pengaduan(**changes: Any) -> dict[str, Any]:
    """The slots of a pengaduan the citizen has just confirmed."""
    return {
        "classification": "pengaduan",
        "isi": "Jalan di depan rumah saya berlubang besar, motor sering jatuh.",
        "judul": "Jalan berlubang di Jl. Merdeka",
        "tanggal_kejadian": "2026-11-20",
        "lokasi": "Jl. Merdeka, Sumur Bandung, Kota Bandung",
        "lokasi_kode": "32.73.19",
        "lampiran": [],
        "lampiran_selesai": True,
        "kategori": "jalan-rusak",
        "kategori_nama": "Jalan Rusak",
        "instansi": "dpupr-kota-bandung",
        "instansi_nama": "Dinas PUPR Kota Bandung",
        "privasi": "rahasia",
        "konfirmasi": True,
        "idempotency_key": uuid.uuid4().hex,
        **changes,
    }


async def file_report(sender: str = "console:warga-1", **changes) -> str:
    _, messages = await run(SubmitReport(), make_tracker(confirmed_pengaduan(**changes), sender=sender))
    return texts(messages).split("Nomor pelacakan: #")[1].split()[0]


AGENCY = "dpupr-kota-bandung"


async def forwarded_report(admin) -> str:
    tracking_id = await file_report()
    await admin.transition(tracking_id, "verified")
    await admin.transition(tracking_id, "forwarded", agency_id=AGENCY)
    return tracking_id


def news(tracking_id: str, event: dict[str, Any], **tracker: Any):
    """The tracker as the notifier's trigger_intent leaves it."""
    entities = [
        {"entity": "tracking_id", "value": tracking_id},
        {"entity": "lapor_event_id", "value": str(event["event_id"])},
        {"entity": "lapor_status", "value": event["status"]},
        {"entity": "lapor_message", "value": event["message"] or ""},
    ]
    return make_tracker(
        text="EXTERNAL: news", intent="EXTERNAL_news", entities=entities, external=True, **tracker
    )


def last_event(view: dict[str, Any]) -> dict[str, Any]:
    return view["events"][-1]
