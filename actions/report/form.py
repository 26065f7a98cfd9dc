"""The report form: one form for the three classifications, asking only the steps each one needs
(steps.STEPS). Every answer is read and checked here; the questions that depend on the draft
(title suggestion, routing, summary) are the `action_ask_*` actions below."""

from __future__ import annotations

from typing import Any, Optional

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clients
from actions.message import CitizenMessage
from actions.report import texts
from actions.report.dates import format_date, parse_incident_date
from actions.report.draft import holds_personal_numbers
from actions.report.evidence import shared_media_events
from actions.report.places import resolve_place
from actions.report.routing import pick
from actions.report.steps import (
    FOR_ADMINS,
    INFORMASI,
    LEFT_AS_IS,
    MADE_CONFIDENTIAL,
    MASK,
    SAFER_PRIVACY,
    SKIPPED,
    clear_steps,
    draft_key,
    steps_for,
)
from actions.report.titles import is_only_introduction, suggest_title
from common import activity
from lapor_client.errors import LaporError

Slots = dict[str, Any]
SKIP_BUTTON = {"title": texts.SKIP, "payload": "lewati"}
# Plain words as payloads where the answer must also work typed; they are trained as deny/affirm.
ADMIN_BUTTON = {"title": texts.LEAVE_TO_ADMINS, "payload": "tidak tahu"}
# Words that pick a step to change from the summary; the first match wins ("instansi tujuan" → instansi).
EDITABLE = [
    ("instansi", ("instansi", "dinas", "lembaga", "kementerian")),
    ("judul", ("judul",)),
    ("isi", ("isi", "cerita", "kronologi", "uraian", "saran", "usul", "informasi")),
    ("tanggal_kejadian", ("tanggal", "tgl", "waktu", "kapan")),
    ("lokasi", ("lokasi", "alamat", "tempat", "wilayah", "daerah")),
    ("lampiran_selesai", ("bukti", "lampiran", "foto", "dokumen", "berkas", "file", "video")),
    ("kategori", ("kategori",)),
    ("tujuan", ("tujuan", "keperluan", "alasan")),
    ("privasi", ("privasi", "rahasia", "anonim", "biasa", "kerahasiaan")),
]


CHANGE_WORDS = ("ubah", "ganti", "edit", "koreksi", "perbaiki", "revisi")


def as_buttons(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"title": title, "payload": payload} for title, payload in pairs]


class ValidateReportForm(FormValidationAction):
    def name(self) -> str:
        return "validate_report_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        return steps_for(tracker)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Evidence and pins are taken at any step: the citizen may send them before being asked."""
        if not tracker.get_slot("classification"):
            # No draft (action_start_report refused one: the daily limit): the form ends at once.
            return [SlotSet("requested_slot", None)]
        shared = shared_media_events(dispatcher, tracker)
        if not tracker.get_slot("idempotency_key"):  # a draft started before keys were fixed at its start
            shared.append(SlotSet("idempotency_key", draft_key()))
        tracker.add_slots(shared)
        events = shared + await super().run(dispatcher, tracker, domain)
        for step in _steps_asked(events):
            await activity.record(clients.redis(), "step_asked", step=step, **activity.of(tracker.sender_id))
        return events

    # --- isi, judul, tanggal ---

    def validate_isi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value is None:
            return {}
        # The answer, or the opening message kept by action_start_report; never a button payload.
        text = value.strip() if isinstance(value, str) and not value.startswith("/") else ""
        if len(text) < 15 or len(text.split()) < 3:
            dispatcher.utter_message(text=texts.STORY_TOO_SHORT)
            return {"isi": None}
        slots: Slots = {"isi": text, "judul_saran": suggest_title(text)}
        if tracker.get_slot("classification") == INFORMASI:
            slots["judul"] = texts.INFORMATION_TITLE.format(subject=suggest_title(text, 50))
        return slots

    def validate_judul(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value is None:
            return {}
        reply, suggestion = CitizenMessage.of(tracker), tracker.get_slot("judul_saran")
        if reply.yes() and suggestion:
            return {"judul": suggestion}
        if reply.no() or not reply.text:
            return {"judul": None, "judul_saran": None}
        if len(reply.text) < 5:
            dispatcher.utter_message(text=texts.TITLE_TOO_SHORT)
            return {"judul": None}
        if is_only_introduction(reply.text):
            dispatcher.utter_message(text=texts.TITLE_IS_NAME)
            return {"judul": None}
        return {"judul": reply.text[:150]}

    def validate_tanggal_kejadian(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value is None:
            return {}
        reply, old = CitizenMessage.of(tracker), tracker.get_slot("tanggal_lama")
        if old and reply.yes():
            return {"tanggal_kejadian": old, "tanggal_lama": None}
        if old and reply.no():
            return {"tanggal_kejadian": None, "tanggal_lama": None}
        answer = parse_incident_date(reply.text)
        if answer.problem == "future":
            dispatcher.utter_message(text=texts.DATE_IN_FUTURE.format(day=format_date(answer.value)))
            return {"tanggal_kejadian": None, "tanggal_lama": None}
        if answer.problem:
            dispatcher.utter_message(text=texts.DATE_UNREADABLE)
            return {"tanggal_kejadian": None, "tanggal_lama": None}
        if answer.very_old:
            return {"tanggal_kejadian": None, "tanggal_lama": answer.value.isoformat()}
        return {"tanggal_kejadian": answer.value.isoformat(), "tanggal_lama": None}

    # --- lokasi, bukti ---

    def validate_lokasi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value is None or tracker.get_slot("lokasi_titik"):
            return {}  # cleared, or a pin taken by get_extraction_events
        reply = CitizenMessage.of(tracker)
        pending = tracker.get_slot("lokasi_pilihan")
        if pending:
            chosen = _choose_place(reply, pending["choices"])
            if chosen:
                return {"lokasi": pending["text"], "lokasi_kode": chosen["code"], "lokasi_pilihan": None}
            if reply.no():
                dispatcher.utter_message(text=texts.PLACE_MORE_DETAIL)
                return {"lokasi": None, "lokasi_pilihan": None}
        if reply.skip():
            return {"lokasi": SKIPPED, "lokasi_kode": None, "lokasi_pilihan": None}
        if not reply.text:
            return {"lokasi": None}
        answer = resolve_place(_with_region_synonyms(reply.text, tracker))
        if answer.place:
            return {"lokasi": reply.text, "lokasi_kode": answer.place.code, "lokasi_pilihan": None}
        if answer.choices:
            return {
                "lokasi": None,
                "lokasi_pilihan": {"text": reply.text, "choices": [c.to_dict() for c in answer.choices]},
            }
        if answer.province:
            dispatcher.utter_message(text=texts.WHICH_CITY.format(province=answer.province.name))
        else:
            dispatcher.utter_message(text=texts.PLACE_UNKNOWN)
        return {"lokasi": None, "lokasi_pilihan": None}

    def validate_lampiran_selesai(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value is None:
            return {}
        reply = CitizenMessage.of(tracker)
        if reply.yes() or reply.skip() or reply.has("selesai", "sudah", "udah", "cukup", "beres", "lanjut"):
            return {"lampiran_selesai": True}
        dispatcher.utter_message(text=texts.EVIDENCE_MISSING)
        return {"lampiran_selesai": None}

    # --- routing: kategori, instansi ---

    async def validate_kategori(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value is None:
            return {}
        try:
            options = await clients.categories()
        except LaporError:
            options = []
        return _routing_answer(
            "kategori", CitizenMessage.of(tracker), tracker.get_slot("kategori_saran"), options, dispatcher
        )

    async def validate_instansi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value is None:
            return {}
        try:
            everything = await clients.agencies()
            local = (
                await clients.agencies(tracker.get_slot("lokasi_kode"))
                if tracker.get_slot("lokasi_kode")
                else []
            )
        except LaporError:
            everything, local = [], []
        reply = CitizenMessage.of(tracker)
        # A name typed without the region ("dinas pendidikan") means the one of the report's region.
        chosen = pick(reply.text, local) if local else None
        options = [chosen] if chosen else everything
        if chosen:
            reply = CitizenMessage(reply.intent, chosen.name)
        return _routing_answer("instansi", reply, tracker.get_slot("instansi_saran"), options, dispatcher)

    # --- tujuan, privasi, konfirmasi ---

    def validate_tujuan(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value is None:
            return {}
        text = CitizenMessage.of(tracker).text
        if len(text) < 3:
            dispatcher.utter_message(text=texts.PURPOSE_MISSING)
            return {"tujuan": None}
        return {"tujuan": text}

    def validate_privasi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value is None:
            return {}
        reply = CitizenMessage.of(tracker)
        if reply.has("rahasia", "privat", "tertutup"):
            return {"privasi": "rahasia"}
        if reply.has("anonim", "anonym", "tanpa nama", "samar", "sembunyi"):
            return {"privasi": "anonim"}
        if reply.has("biasa", "publik", "terbuka", "umum"):
            return {"privasi": "biasa"}
        if reply.yes() or reply.skip() or reply.has("terserah", "bebas", "default"):
            return {"privasi": SAFER_PRIVACY}
        dispatcher.utter_message(text=texts.PRIVACY_CHOICES)
        return {"privasi": None}

    def validate_konfirmasi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value is None:
            return {}
        reply = CitizenMessage.of(tracker)
        editing = tracker.get_slot("sedang_ubah")
        changing = reply.has(*CHANGE_WORDS)
        if not editing and not changing and holds_personal_numbers(tracker):
            choice = _numbers_choice(reply)
            if choice:  # the summary again, as it will now be sent
                privacy = {"privasi": "rahasia"} if choice == MADE_CONFIDENTIAL else {}
                return {"nomor_pribadi": choice, "konfirmasi": None} | privacy
        step = _step_named(reply, steps_for(tracker))
        if step and (editing or changing):
            return {e["name"]: e["value"] for e in clear_steps(step, "konfirmasi")} | {"sedang_ubah": None}
        if editing and reply.yes():
            return {"konfirmasi": None, "sedang_ubah": None}  # nothing to change after all: summary again
        if editing or reply.no() or changing:
            return {"konfirmasi": None, "sedang_ubah": True}
        if reply.yes() or reply.has("kirim", "lanjut", "sudah benar", "sdh benar", "udah benar"):
            return {"konfirmasi": True}  # the draft's key was fixed when it started (steps.fresh_draft)
        dispatcher.utter_message(text=texts.CONFIRM_CHOICES)
        return {"konfirmasi": None}


def _numbers_choice(reply: CitizenMessage) -> Optional[str]:
    """What the citizen wants done with a NIK or phone number in the report: "biarin aja", "samarkan",
    "jadikan rahasia" (a "tidak usah disamarkan" leaves it)."""
    if reply.has("biar", "apa adanya", "tidak usah", "tdk usah", "gak usah", "ga usah", "nggak usah", "gpp"):
        return LEFT_AS_IS
    if reply.has("samar", "disamar", "sensor", "tutupi", "sembunyi"):
        return MASK
    if reply.has("rahasia", "privat"):
        return MADE_CONFIDENTIAL
    return None


def _steps_asked(events: list[EventType]) -> list[str]:
    """The steps the form asks next (the dashboard's funnel counts where citizens stop)."""
    return [
        e["value"]
        for e in events
        if e.get("event") == "slot" and e.get("name") == "requested_slot" and e.get("value")
    ]


def _with_region_synonyms(text: str, tracker: Tracker) -> str:
    """Adds the region names the NLU recognised, officially spelt ("jogja" → "Kota Yogyakarta")."""
    names = [
        e.get("value")
        for e in tracker.latest_message.get("entities") or []
        if e.get("entity") == "wilayah" and e.get("value") and e.get("value").lower() not in text.lower()
    ]
    return ", ".join([text, *names])


def _choose_place(reply: CitizenMessage, choices: list[dict]) -> Optional[dict]:
    said = reply.plain
    exact = [c for c in choices if c["name"].lower() == said or c["path"].lower() == said]
    if exact:
        return exact[0]
    kinds = [
        c
        for c in choices
        if (reply.has("kota") and c["name"].lower().startswith("kota"))
        or (reply.has("kab") and c["name"].lower().startswith("kabupaten"))
    ]
    return kinds[0] if len(kinds) == 1 else None


def _step_named(reply: CitizenMessage, steps: list[str]) -> Optional[str]:
    for step, words in EDITABLE:
        if step in steps and reply.has(*words):
            return step
    return None


def _routing_answer(
    slot: str,
    reply: CitizenMessage,
    suggestion: Optional[dict],
    options: list,
    dispatcher: CollectingDispatcher,
) -> Slots:
    """Accepting the suggestion, naming another option, or leaving it to LAPOR's admins."""
    if reply.has(
        "admin",
        "serahkan",
        "lewat",
        "skip",
        "tidak tahu",
        "tdk tahu",
        "gak tau",
        "ga tau",
        "nggak tau",
        "terserah",
    ):
        return {slot: FOR_ADMINS, f"{slot}_nama": None}
    if reply.yes() and suggestion:
        return {slot: suggestion["id"], f"{slot}_nama": suggestion["name"]}
    if reply.no() or reply.has("lain"):
        return {slot: None, f"{slot}_saran": {}}  # an empty suggestion: show the full list
    chosen = pick(reply.text, options)
    if chosen:
        return {slot: chosen.id, f"{slot}_nama": chosen.name}
    dispatcher.utter_message(text=texts.ROUTING_NOT_FOUND.format(noun=texts.ROUTING_NOUNS[slot].capitalize()))
    return {slot: None}
