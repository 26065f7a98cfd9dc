"""Report status in plain Indonesian, and the citizen's own reports."""

from __future__ import annotations

import asyncio
import re
from datetime import date, datetime
from typing import Optional

from lokal import add_working_days
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clients
from actions.report.dates import JAKARTA, format_date
from common import outbox
from common.reports import ReportsStore
from lapor_client.errors import LaporError, LaporNotFound
from lapor_client.models import Report

STATUS_LABELS = {
    "submitted": "Belum terverifikasi (menunggu admin LAPOR!)",
    "verified": "Terverifikasi, segera diteruskan ke instansi",
    "forwarded": "Diteruskan ke instansi, menunggu tindak lanjut",
    "followed_up": "Sudah ditindaklanjuti instansi",
    "completed": "Selesai",
    "archived": "Diarsipkan (ditunda atau bukan wewenang instansi)",
}
# Working days each stage may take, as LAPOR! promises, and what happens at its end.
NEXT_STEPS = {
    "submitted": (3, "Admin LAPOR! memverifikasi dan meneruskan laporan paling lambat {due}."),
    "verified": (3, "Laporan diteruskan ke instansi paling lambat {due}."),
    "forwarded": (5, "Instansi wajib menindaklanjuti paling lambat {due} (5 hari kerja)."),
    "followed_up": (
        10,
        "Jika tidak ada tanggapan, laporan ditutup selesai pada {due}. Balas di sini bila "
        "belum puas, maka laporan tetap dibuka.",
    ),
}
UNAVAILABLE = "Maaf, LAPOR! sedang tidak dapat dihubungi. Silakan coba lagi beberapa saat lagi."


def clean_tracking_id(raw: str) -> str:
    return re.sub(r"\D", "", raw or "")


def _day(moment: datetime) -> str:
    return format_date(moment.astimezone(JAKARTA).date() if moment.tzinfo else moment.date())


def _due(report: Report) -> Optional[date]:
    if report.due_at:
        return report.due_at.astimezone(JAKARTA).date() if report.due_at.tzinfo else report.due_at.date()
    days = NEXT_STEPS.get(report.status, (0, ""))[0]
    return add_working_days(report.updated_at.date(), days) if days else None


def status_text(report: Report, full: bool) -> str:
    """Full details for the citizen who filed the report; the public status for anyone else."""
    lines = [
        f"📄 Laporan #{report.tracking_id}" + (f": {report.title}" if full else ""),
        f"Status: {STATUS_LABELS.get(report.status, report.status)}",
    ]
    if not full:
        lines.append(f"Pembaruan terakhir: {_day(report.updated_at)}")
        lines.append("Detail lengkap hanya untuk pelapornya, bila laporan dibuat lewat layanan ini.")
        return "\n".join(lines)
    if report.agency:
        lines.append(f"Instansi: {report.agency.name}")
    lines.append(f"Pembaruan terakhir: {_day(report.updated_at)}")
    follow_ups = [e for e in report.events if e.type == "follow_up" and e.message]
    if follow_ups:
        latest = max(follow_ups, key=lambda e: e.at)
        lines.append(f'Tindak lanjut terakhir ({_day(latest.at)}): "{latest.message}"')
    due = _due(report)
    if report.status in NEXT_STEPS and due:
        lines.append("Berikutnya: " + NEXT_STEPS[report.status][1].format(due=format_date(due)))
    return "\n".join(lines)


def follow_button(tracking_id: str, title: str = "🔔 Ikuti laporan ini") -> dict[str, str]:
    return {"title": title, "payload": f'/follow_report{{"tracking_id": "{tracking_id}"}}'}


def _report_buttons(tracking_ids: list[str]) -> list[dict[str, str]]:
    return [{"title": f"#{t}", "payload": f'/check_status{{"tracking_id": "{t}"}}'} for t in tracking_ids[:5]]


class CheckStatus(Action):
    def name(self) -> str:
        return "action_check_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        tracking_id = clean_tracking_id(next(tracker.get_latest_entity_values("tracking_id"), ""))
        store = ReportsStore(clients.redis())
        if not tracking_id:
            mine = [r.tracking_id for r in await store.list_for(tracker.sender_id)]
            dispatcher.utter_message(
                text="Berapa nomor laporannya? Contoh: cek status 1916449", buttons=_report_buttons(mine)
            )
            return []
        try:
            report = await (await clients.lapor()).get_report(tracking_id)
        except LaporNotFound:
            dispatcher.utter_message(
                text=f"Laporan #{tracking_id} tidak ditemukan. Periksa lagi nomornya "
                f"(biasanya 7 angka, misalnya 1916449).",
                buttons=[{"title": "📋 Laporan saya", "payload": "/my_reports"}],
            )
            return []
        except LaporError:
            dispatcher.utter_message(text=UNAVAILABLE)
            return []
        filed = await store.is_filed_by(tracker.sender_id, tracking_id)
        # Anyone may follow a report's progress; its reporter already does.
        offer = not filed and not await store.is_following(tracker.sender_id, tracking_id)
        dispatcher.utter_message(
            text=status_text(report, filed), buttons=[follow_button(tracking_id)] if offer else []
        )
        return []


class MyReports(Action):
    def name(self) -> str:
        return "action_my_reports"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        mine = await ReportsStore(clients.redis()).list_for(tracker.sender_id, limit=10)
        waiting = await outbox.pending_for(clients.redis(), tracker.sender_id)  # confirmed, LAPOR not reached
        if not mine and not waiting:
            dispatcher.utter_message(
                text="Anda belum punya laporan yang dibuat lewat layanan ini.",
                buttons=[{"title": "📝 Buat pengaduan", "payload": "/file_complaint"}],
            )
            return []
        lapor = await clients.lapor()
        answers = await asyncio.gather(
            *(lapor.get_report(r.tracking_id) for r in mine), return_exceptions=True
        )
        lines = ["📋 Laporan Anda:"] + [f"• {p.title}: ⏳ menunggu dikirim ke LAPOR!" for p in waiting]
        for filed, answer in zip(mine, answers):
            known = isinstance(answer, Report)
            status = STATUS_LABELS.get(answer.status, answer.status) if known else "status belum tersedia"
            lines.append(f"• #{filed.tracking_id} {filed.title}: {status}")
        dispatcher.utter_message(
            text="\n".join(lines), buttons=_report_buttons([r.tracking_id for r in mine])
        )
        return []
