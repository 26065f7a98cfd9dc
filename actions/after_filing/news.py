"""What a follower hears about a report, and following reports or stopping the news.

The notifier (bot/notifier/service.py) triggers one EXTERNAL_ intent per LAPOR event with the event as
entities (tracking_id, lapor_event_id, lapor_status, lapor_message). Each action below says it in a
few polite words; a follow-up, a clarification request and a completion then start the matching
form (reply_form.py, rating_form.py) unless the citizen is already answering or rating something, in which
case the news is only told. A report being written (report_form) waits meanwhile, untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clients
from actions.after_filing.reply_form import (
    RATING_SLOTS,
    REPLY_SLOTS,
    TINDAK_LANJUT,
    reset_slots,
    start_answer,
)
from actions.report.dates import JAKARTA, format_date
from actions.status import UNAVAILABLE, clean_tracking_id, follow_button
from common.clarifications import OpenClarifications
from common.reports import ReportsStore
from lapor_client.errors import LaporError, LaporNotFound
from lapor_client.models import Report

DRAFT_WAITS = "Laporan yang sedang Anda isi tetap tersimpan; kita lanjutkan setelah ini."
STATUS_NEWS = {
    "verified": "✅ Laporan #{id} sudah diverifikasi admin LAPOR! dan segera diteruskan ke instansi yang berwenang.",
    "forwarded": "📨 Laporan #{id} sudah diteruskan ke {agency}.",
    "followed_up": "💬 Laporan #{id} sudah ditindaklanjuti instansi.",
    "completed": "🏁 Laporan #{id} dinyatakan selesai. Terima kasih sudah melapor!",
    "archived": "🗂️ Laporan #{id} diarsipkan oleh LAPOR!.",
}


@dataclass(frozen=True)
class LaporEvent:
    tracking_id: str
    event_id: str
    status: str
    message: str

    @classmethod
    def of(cls, tracker: Tracker) -> "LaporEvent":
        def entity(name: str) -> str:
            return str(next(tracker.get_latest_entity_values(name), None) or "")

        return cls(
            entity("tracking_id"), entity("lapor_event_id"), entity("lapor_status"), entity("lapor_message")
        )


def free_to_ask(tracker: Tracker) -> bool:
    """No answer or rating under way (a report being written waits for it)."""
    return tracker.active_loop_name in (None, "report_form")


async def _report(tracking_id: str) -> Optional[Report]:
    try:
        return await (await clients.lapor()).get_report(tracking_id)
    except LaporError:
        return None  # the news is told without the details


class NotifyStatus(Action):
    def name(self) -> str:
        return "action_notify_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        event = LaporEvent.of(tracker)
        if event.status == "submitted":
            return []  # the citizen heard the tracking number when filing
        template = STATUS_NEWS.get(event.status, "ℹ️ Ada kabar baru untuk laporan #{id}.")
        report = await _report(event.tracking_id) if event.status == "forwarded" else None
        agency = report.agency.name if report and report.agency else "instansi yang berwenang"
        text = template.format(id=event.tracking_id, agency=agency)
        if report and report.due_at:
            text += f" Instansi wajib menindaklanjutinya paling lambat {format_date(report.due_at.astimezone(JAKARTA).date())}."
        if event.status == "archived" and event.message:
            text += f"\nAlasan: {event.message}"
        dispatcher.utter_message(text=text)
        if event.status != "completed" or not free_to_ask(tracker):
            return []
        if tracker.active_loop_name == "report_form":
            dispatcher.utter_message(text=DRAFT_WAITS)
        return reset_slots(RATING_SLOTS) + [SlotSet("nilai_untuk", event.tracking_id)]


class NotifyFollowUp(Action):
    def name(self) -> str:
        return "action_notify_follow_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        event = LaporEvent.of(tracker)
        report = await _report(event.tracking_id)
        source = report.agency.name if report and report.agency else "instansi"
        dispatcher.utter_message(
            text=f'💬 Tindak lanjut dari {source} untuk laporan #{event.tracking_id}:\n"{event.message}"'
        )
        if not free_to_ask(tracker):
            return []
        if tracker.active_loop_name == "report_form":
            dispatcher.utter_message(text=DRAFT_WAITS)
        target = {
            "tracking_id": event.tracking_id,
            "event_id": event.event_id,
            "kind": TINDAK_LANJUT,
            "question": event.message,
        }
        return reset_slots(REPLY_SLOTS) + [SlotSet("balasan_untuk", target), SlotSet("balasan_lampiran", [])]


class NotifyClarification(Action):
    def name(self) -> str:
        return "action_notify_clarification"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        event = LaporEvent.of(tracker)
        await OpenClarifications(clients.redis()).add(
            tracker.sender_id, event.tracking_id, event.event_id, event.message
        )
        dispatcher.utter_message(
            text=f'❓ Instansi meminta klarifikasi untuk laporan #{event.tracking_id}:\n"{event.message}"'
        )
        if not free_to_ask(tracker):
            dispatcher.utter_message(text="Pertanyaan ini saya tanyakan setelah yang sekarang selesai.")
            return []
        if tracker.active_loop_name == "report_form":
            dispatcher.utter_message(text=DRAFT_WAITS)
        return await start_answer(tracker.sender_id)


class FollowReport(Action):
    def name(self) -> str:
        return "action_follow_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        tracking_id = clean_tracking_id(next(tracker.get_latest_entity_values("tracking_id"), ""))
        if not tracking_id:
            dispatcher.utter_message(
                text="Laporan nomor berapa yang ingin Anda ikuti? Contoh: ikuti laporan 1916449"
            )
            return []
        try:
            await (await clients.lapor()).get_report(tracking_id)
        except LaporNotFound:
            dispatcher.utter_message(text=f"Laporan #{tracking_id} tidak ditemukan. Periksa lagi nomornya.")
            return []
        except LaporError:
            dispatcher.utter_message(text=UNAVAILABLE)
            return []
        await ReportsStore(clients.redis()).follow(tracker.sender_id, tracking_id)
        dispatcher.utter_message(
            text=f"🔔 Baik, perkembangan laporan #{tracking_id} akan saya kabarkan di sini. "
            f'Ketik "berhenti notifikasi" kapan saja untuk berhenti.'
        )
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
            text="🔕 Notifikasi dihentikan: saya tidak akan mengirim kabar laporan lagi. Untuk mengikuti lagi, "
            'pilih laporannya di bawah, atau cek status laporan lalu pilih "Ikuti laporan ini".',
            buttons=[follow_button(r.tracking_id, f"🔔 Ikuti lagi #{r.tracking_id}") for r in mine],
        )
        return []
