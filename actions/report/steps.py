"""What each classification asks, in which order, and the slots a draft is made of. The draft itself
lives only in the tracker's slots."""

from __future__ import annotations

import uuid

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, BotUttered, EventType, SlotSet

PENGADUAN, ASPIRASI, INFORMASI = "pengaduan", "aspirasi", "permintaan_informasi"
CLASSIFICATION_OF_INTENT = {
    "file_complaint": PENGADUAN,
    "file_aspiration": ASPIRASI,
    "request_information": INFORMASI,
    # A photo or a pin sent out of the blue is the start of a complaint.
    "share_evidence": PENGADUAN,
    "share_location": PENGADUAN,
}
# Every step in the order of the form's required slots (dialogue/domain.yml); each classification asks a
# subset in this same order, and marks the others NOT_ASKED: a form resumed after an interruption
# (rasa then follows the domain's order) asks exactly the classification's next step.
FORM_STEPS = [
    "isi",
    "catatan",  # what the story told (date, place, routing), confirmed at once (report/noted.py)
    "judul",
    "tanggal_kejadian",
    "lokasi",
    "lampiran_selesai",
    "kategori",
    "instansi",
    "tujuan",
    "privasi",
    "konfirmasi",
]
# What each classification asks, in order; the last step shows the summary.
STEPS = {
    PENGADUAN: [step for step in FORM_STEPS if step != "tujuan"],  # everything but the purpose of a request
    ASPIRASI: ["isi", "catatan", "judul", "lokasi", "instansi", "privasi", "konfirmasi"],
    INFORMASI: ["isi", "instansi", "tujuan", "privasi", "konfirmasi"],
}
NOT_ASKED = "tidak ditanyakan"
# Slots cleared with each step when it is asked again from the summary.
DETAILS = {
    "tanggal_kejadian": ["tanggal_lama"],
    "lokasi": ["lokasi_kode", "lokasi_titik", "lokasi_pilihan"],
    "lampiran_selesai": ["lampiran"],
    "kategori": ["kategori_nama", "kategori_saran"],
    "instansi": ["instansi_nama", "instansi_saran"],
}
CANCEL_ASKED = "batal_ditanya"  # "Batalkan laporan ini?" waits for its answer (report/start.py)
DRAFT_SLOTS = [
    "classification",
    "isi",
    "catatan",
    "catatan_awal",
    "gagal",
    "judul",
    "judul_saran",
    "tanggal_kejadian",
    "tanggal_lama",
    "lokasi",
    "lokasi_kode",
    "lokasi_titik",
    "lokasi_pilihan",
    "lampiran",
    "lampiran_selesai",
    "kategori",
    "kategori_nama",
    "kategori_saran",
    "instansi",
    "instansi_nama",
    "instansi_saran",
    "tujuan",
    "privasi",
    "konfirmasi",
    "sedang_ubah",
    "nomor_pribadi",
    "idempotency_key",
    CANCEL_ASKED,
]

SKIPPED = "-"  # an optional step the citizen skipped
FOR_ADMINS = "admin"  # category or agency left to LAPOR's admins
MAX_ATTACHMENTS = 5
PRIVACY = {  # choice → (anonymous, confidential); what each means to the citizen: texts.PRIVACY_MEANINGS
    "rahasia": (False, True),
    "anonim": (True, False),
    "biasa": (False, False),
}
SAFER_PRIVACY = "rahasia"
# What a citizen chose when warned that the story or title holds a NIK or phone number.
MASK, MADE_CONFIDENTIAL, LEFT_AS_IS = "samarkan", "rahasia", "biarkan"


def steps_for(tracker: Tracker) -> list[str]:
    return STEPS.get(tracker.get_slot("classification") or PENGADUAN, STEPS[PENGADUAN])


def clear_steps(*steps: str) -> list[SlotSet]:
    return [SlotSet(slot, None) for step in steps for slot in [step, *DETAILS.get(step, [])]]


def resume_draft(tracker: Tracker, named: bool = True) -> list[EventType]:
    """Takes up a report that was being written when something else came first (a question from an
    agency, a rating): the form becomes active again and re-asks its current step, after a line that
    names the draft ("Kita lanjutkan laporan jalan berlubang tadi:") unless `named` is False."""
    if not tracker.get_slot("classification"):
        return []
    from actions.report.draft import resume_lead_in  # draft.py builds on this module

    return ([BotUttered(text=resume_lead_in(tracker))] if named else []) + [ActiveLoop("report_form")]


def draft_key() -> str:
    """The draft's idempotency key: LAPOR files one report per key, however often it is sent."""
    return uuid.uuid4().hex


def fresh_draft(classification: str) -> list[SlotSet]:
    """A new draft, with its key fixed now: long before the citizen can confirm it, so that every
    repetition of the confirmation carries the same key (common/outbox.py)."""
    return (
        [SlotSet(slot, None) for slot in DRAFT_SLOTS if slot not in ("classification", "idempotency_key")]
        + [SlotSet("classification", classification), SlotSet("lampiran", [])]
        + [SlotSet("idempotency_key", draft_key())]
        + [SlotSet(step, NOT_ASKED) for step in FORM_STEPS if step not in STEPS[classification]]
    )
