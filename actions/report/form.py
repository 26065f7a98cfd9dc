"""The report form: one form for the three classifications, asking only the steps each one needs
(steps.STEPS). Every answer is read and checked here; the questions that depend on the draft
(title suggestion, routing, summary) are the `action_ask_*` actions below."""

from __future__ import annotations

import re
from datetime import date
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
from actions.report.noted import date_told, place_told, purpose_told, what_story_tells
from actions.report.places import resolve_place
from actions.report.redirects import already_said, date_corrected, kind_asked, only_a_date, says_no_evidence
from actions.report.routing import find_topic, pick, suggest_category
from actions.report.steps import (
    DETAILS,
    FOR_ADMINS,
    FORM_STEPS,
    INFORMASI,
    LEFT_AS_IS,
    MADE_CONFIDENTIAL,
    MASK,
    NOT_ASKED,
    SAFER_PRIVACY,
    SKIPPED,
    STEPS,
    clear_steps,
    draft_key,
    steps_for,
)
from actions.report.titles import STORY_MIN_WORDS, describes_problem, is_only_introduction, suggest_title
from actions.safety import asks_if_bot
from actions.status import CheckStatus, named_tracking_id
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
WRONG_WORDS = ("salah", "keliru", "bukan")
# "judulnya ganti jd X", "ganti judul: X", "judul diubah menjadi X": sets the title at any step.
TITLE_CHANGE = re.compile(
    r"\bjudul(?:nya)?\s*(?:di)?(?:ganti|ubah|jadi|jd|jadiin|bikin|buat)(?:\s+(?:jadi|jd|menjadi|dengan|ke))?"
    r"\s*[:\-]?\s*(?P<title>.{5,})$"
    r"|\b(?:ganti|ubah)\s+judul(?:nya)?(?:\s+(?:jadi|jd|menjadi|dengan|ke))?\s*[:\-]?\s*(?P<title2>.{5,})$",
    re.IGNORECASE,
)
# Menu buttons tapped while filling: answered and the step asked again, never taken as the answer.
MENU_INTENTS = {"file_complaint", "file_aspiration", "request_information", "greet"}
# A remark to the assistant ("kamu kerja 24 jam ya?", "ngomong2 kamu orang bali jg?").
_TO_THE_ASSISTANT = re.compile(r"\b(?:kamu|km|kmu|lu|lo|elu|anda|kau|sampeyan|mimin|bot|botnya)\b")
SMALL_TALK_MOST_WORDS = 14


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
        requested = tracker.get_slot("requested_slot")
        answered = await _digression(dispatcher, tracker, domain, requested)
        if requested and answered is not None:
            # Answered, never stored: the step's candidate is dropped and the step asked again.
            tracker.add_slots([SlotSet(requested, None)])
            shared.append(SlotSet(requested, None))
            tracker.slots.update({e["name"]: e["value"] for e in answered})  # not validated as answers
        said_before = len(dispatcher.messages)
        events = shared + await super().run(dispatcher, tracker, domain) + (answered or [])
        if requested and answered is None:
            events += _count_failure(dispatcher, tracker, requested, len(dispatcher.messages) > said_before)
        for step in _steps_asked(events):
            await activity.record(clients.redis(), "step_asked", step=step, **activity.of(tracker.sender_id))
        return events

    # --- isi, judul, tanggal ---

    async def validate_isi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value is None:
            return {}
        # The answer, or the opening message kept by action_start_report; never a button payload.
        text = value.strip() if isinstance(value, str) and not value.startswith("/") else ""
        if len(text) < 15 or len(text.split()) < 3:
            dispatcher.utter_message(text=texts.STORY_TOO_SHORT)
            return {"isi": None}
        return await story_slots(text, tracker)

    def validate_catatan(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        """Yes takes all the story told; "lokasinya salah" all but the place (and the agency that
        follows it); Ubah none of it: each step is asked as usual, with the story's suggestions."""
        if value is None:
            return {}
        reply, noted = CitizenMessage.of(tracker), tracker.get_slot("catatan_awal") or {}
        steps = steps_for(tracker)
        wrong = _step_named(reply, steps)
        if reply.yes() and not wrong:
            return {"catatan": True} | noted_slots(noted, tracker, steps)
        if wrong and (reply.no() or reply.has(*WRONG_WORDS, *CHANGE_WORDS)):
            left_out = {wrong, "instansi"} if wrong == "lokasi" else {wrong}
            return {"catatan": True} | noted_slots(noted, tracker, [s for s in steps if s not in left_out])
        if reply.no() or reply.has(*CHANGE_WORDS):
            return {"catatan": True}
        dispatcher.utter_message(text=texts.NOTED_CHOICES)
        return {"catatan": None}

    async def validate_judul(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value is None:
            return {}
        reply, suggestion = CitizenMessage.of(tracker), tracker.get_slot("judul_saran")
        if reply.yes() and suggestion:
            return {"judul": suggestion}
        if _goes_on_with_the_story(reply, tracker):
            # A story told in several quick messages: the rest joins it, and what it tells is confirmed.
            story = f"{tracker.get_slot('isi')}\n{reply.text}"
            return await story_slots(story, tracker, again=True) | {"judul": None}
        if reply.no() or not reply.text:
            return {"judul": None, "judul_saran": None}
        if len(reply.text) < 5:
            dispatcher.utter_message(text=texts.TITLE_TOO_SHORT)
            return {"judul": None}
        if changed := changed_title(reply.text):
            return {"judul": changed}
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
        rest = already_said(reply.text)
        if rest == "":  # "udah sy bilang tadi": the date the story told
            told = _told_in_story("tanggal_kejadian", tracker)
            if not told:
                dispatcher.utter_message(text=texts.NOT_IN_STORY.format(what="tanggalnya"))
            return {"tanggal_kejadian": told, "tanggal_lama": None}
        answer = parse_incident_date(reply.text if rest is None else rest)
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
                return {"lokasi": pending["text"], "lokasi_kode": chosen["code"], "lokasi_pilihan": None} | (
                    _agency_rechecked(tracker, chosen["code"])
                )
            if reply.no():
                dispatcher.utter_message(text=texts.PLACE_MORE_DETAIL)
                return {"lokasi": None, "lokasi_pilihan": None}
        rest = already_said(reply.text)
        if rest == "":  # "kan udah saya bilang": the place the story told
            noted = tracker.get_slot("catatan_awal") or {}
            if noted.get("lokasi") and (code := noted.get("lokasi_kode")):
                taken = {"lokasi": noted["lokasi"], "lokasi_kode": code, "lokasi_pilihan": None}
                return taken | _agency_rechecked(tracker, code)
            dispatcher.utter_message(text=texts.NOT_IN_STORY.format(what="lokasinya"))
            return {"lokasi": None, "lokasi_pilihan": None}
        typed = reply.text if rest is None else rest
        if reply.skip() and rest is None:
            return {"lokasi": SKIPPED, "lokasi_kode": None, "lokasi_pilihan": None}
        if not typed:
            return {"lokasi": None}
        answer = resolve_place(_with_region_synonyms(typed, tracker))
        if answer.place:
            return {"lokasi": typed, "lokasi_kode": answer.place.code, "lokasi_pilihan": None} | (
                _agency_rechecked(tracker, answer.place.code)
            )
        if answer.choices:
            return {
                "lokasi": None,
                "lokasi_pilihan": {"text": typed, "choices": [c.to_dict() for c in answer.choices]},
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
        reply, suggestion = CitizenMessage.of(tracker), tracker.get_slot("kategori_saran")
        parent = (suggestion or {}).get("parent_id")
        if parent:  # "Which kind of Infrastruktur?": its sub-categories, or the category itself
            family = [c for c in options if c.id == parent or c.parent_id == parent]
            whole = next((c for c in family if c.id == parent), None)  # "lainnya": the category itself
            chosen = pick(reply.text, family) or (whole if reply.has("lain", "umum") else None)
            if chosen:
                return {"kategori": chosen.id, "kategori_nama": chosen.name}
            suggestion = None
        # A typed name as citizens say it: "lampu jalan" is Penerangan Jalan Umum.
        if reply.text and not pick(reply.text, options) and (said := suggest_category(reply.text, options)):
            reply = CitizenMessage(reply.intent, said.name)
        slots = _routing_answer("kategori", reply, suggestion, options, dispatcher)
        chosen = next((c for c in options if c.id == slots.get("kategori")), None)
        if chosen and any(c.parent_id == chosen.id for c in options):
            # LAPOR's categories have sub-categories: the form asks which one (questions.AskKategori).
            return {"kategori": None, "kategori_nama": None, "kategori_saran": {"parent_id": chosen.id}}
        return slots

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
        reply = CitizenMessage.of(tracker)
        text = reply.text
        # A request for information states its purpose (UU KIP): "lewati" or a bare yes is none.
        if len(text) < 3 or reply.skip() or reply.yes():
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
        changing = reply.has(*CHANGE_WORDS, *WRONG_WORDS)  # "lokasinya salah"
        if not editing and not changing and holds_personal_numbers(tracker):
            choice = _numbers_choice(reply)
            if choice:  # the summary again, as it will now be sent
                privacy = {"privasi": "rahasia"} if choice == MADE_CONFIDENTIAL else {}
                return {"nomor_pribadi": choice, "konfirmasi": None} | privacy
        step = _step_named(reply, steps_for(tracker))
        if step and (editing or changing):
            # The agency follows the place: a Kuta report must not keep "Pemerintah Kota Bandung".
            follows = ["instansi"] if step == "lokasi" and _agency_chosen(tracker) else []
            cleared = clear_steps(step, *follows, "konfirmasi")
            return {e["name"]: e["value"] for e in cleared} | {"sedang_ubah": None}
        if editing and reply.yes():
            return {"konfirmasi": None, "sedang_ubah": None}  # nothing to change after all: summary again
        if editing or reply.no() or changing:
            return {"konfirmasi": None, "sedang_ubah": True}
        if reply.yes() or reply.has("kirim", "lanjut", "sudah benar", "sdh benar", "udah benar"):
            return {"konfirmasi": True}  # the draft's key was fixed when it started (steps.fresh_draft)
        dispatcher.utter_message(text=texts.CONFIRM_CHOICES)
        return {"konfirmasi": None}


async def story_slots(text: str, tracker: Tracker, again: bool = False) -> Slots:
    """The story and what it already tells: the title suggestion, and the date, place and routing to
    confirm in one step (catatan); a request's title and purpose."""
    slots: Slots = {"isi": text, "judul_saran": suggest_title(text)}
    classification = tracker.get_slot("classification")
    if classification == INFORMASI:
        slots["judul"] = texts.INFORMATION_TITLE.format(subject=suggest_title(text, 50))
        if (purpose := purpose_told(text)) and not tracker.get_slot("tujuan"):
            slots["tujuan"] = purpose
        return slots
    noted = {}
    if "catatan" in steps_for(tracker) and (again or tracker.get_slot("catatan") is None):
        try:
            categories, agencies = await clients.categories(), await clients.agencies()
        except LaporError:
            categories, agencies = [], []
        noted = what_story_tells(text, categories, agencies)
        slots["catatan"] = None if noted else NOT_ASKED
    return slots | {"catatan_awal": noted or None}


# How a second message goes on with the story rather than naming a title ("itu di jl. ...").
_GOES_ON = re.compile(
    r"^(?:itu|di|lokasinya|tempatnya|kejadiannya|oh iya|oiya|tambahan|terus|trus|dan|sejak)\b"
)


def _goes_on_with_the_story(reply: CitizenMessage, tracker: Tracker) -> bool:
    """True when the answer to the title question continues the story with its date or place."""
    if not reply.text or changed_title(reply.text) or "catatan" not in steps_for(tracker):
        return False
    return bool(date_told(reply.text)) or bool(_GOES_ON.match(reply.plain) and place_told(reply.text))


def noted_slots(noted: dict, tracker: Tracker, steps: list[str]) -> Slots:
    """The slots the confirmed story fills, for the steps given that are still open."""
    slots: Slots = {}
    if "judul" in steps and tracker.get_slot("judul") is None and tracker.get_slot("judul_saran"):
        slots["judul"] = tracker.get_slot("judul_saran")
    for step in ("tanggal_kejadian", "lokasi", "kategori", "instansi"):
        if step in steps and step in noted and tracker.get_slot(step) is None:
            slots[step] = noted[step]
            slots |= {detail: noted[detail] for detail in DETAILS.get(step, []) if detail in noted}
    return slots


def _agency_chosen(tracker: Tracker) -> bool:
    return tracker.get_slot("instansi") not in (None, NOT_ASKED, FOR_ADMINS)


def _agency_rechecked(tracker: Tracker, code: str) -> Slots:
    """A place in another region than the one the agency was chosen for asks the agency again."""
    before = tracker.get_slot("lokasi_kode")
    if _agency_chosen(tracker) and before and before != code:
        return {"instansi": None, "instansi_nama": None, "instansi_saran": None}
    return {}


async def _digression(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, requested: Optional[str]
) -> Optional[list]:
    """Answers a message that is no answer to the step ("ini bot atau orang?", small talk, a menu
    button, a status check, "judulnya ganti jd X") or that belongs to another step or another kind of
    report (actions/report/redirects.py): the events it sets, or None when the message is for the step."""
    if not requested:
        return None
    raw = ((tracker.latest_message or {}).get("text") or "").strip()
    message = CitizenMessage.of(tracker)
    if raw.startswith("/") and message.intent in MENU_INTENTS:
        dispatcher.utter_message(text=texts.MENU_WHILE_FILLING)
        return []
    if message.intent == "greet":  # "halo" when coming back: the step is asked again
        return []
    if not message.text:
        return None
    if requested != "judul" and "judul" in steps_for(tracker) and (title := changed_title(message.text)):
        dispatcher.utter_message(text=texts.TITLE_CHANGED.format(title=title))
        return [SlotSet("judul", title), SlotSet("judul_saran", title)]
    if message.intent != "goodbye" and message.leaves_for_now() and find_topic(message.text) is None:
        # What the rule for goodbye says, for a "see you later" the NLU heard as something else.
        dispatcher.utter_message(response="utter_goodbye_draft_kept")
        return []
    if asks_if_bot(message.text):
        dispatcher.utter_message(text=texts.I_AM_A_BOT)
        return []
    if kind := kind_asked(message, tracker.get_slot("classification")):
        kept = texts.ANSWERS_KEPT if tracker.get_slot("isi") else ""
        dispatcher.utter_message(text=texts.KIND_CHANGED.format(kind=texts.KIND_NAMES[kind]) + kept)
        return await _kind_changed(tracker, kind, requested)
    if message.intent == "check_status" and not _step_reads(message, requested, tracker):
        await CheckStatus().run(dispatcher, tracker, domain)
        return []
    if corrected := _date_corrected(dispatcher, message, requested, tracker):
        return corrected
    if elsewhere := _for_another_step(dispatcher, message, requested, tracker):
        return elsewhere
    if _is_small_talk(message, requested):
        dispatcher.utter_message(text=texts.SMALL_TALK)
        return []
    return None


def _step_reads(message: CitizenMessage, requested: str, tracker: Tracker) -> bool:
    """A message the NLU took for a status check that is the step's answer all the same: "kan udh sy
    bilang 2 minggu lalu" at the date step, a story that names no tracking number at the first step."""
    if named_tracking_id(tracker):
        return False
    if already_said(message.text) is not None:
        return True
    if requested == "tanggal_kejadian":
        return parse_incident_date(message.text).value is not None
    return requested == "isi" and describes_problem(message.text, STORY_MIN_WORDS)


# A message this long is the step's answer even when it names another step's ("ga ada foto" in a story).
ANOTHER_STEP_MOST_WORDS = 7
# The steps whose answer is free text: a date said there is taken only when it is all the message says.
_DATE_NOT_FOR = {"isi", "catatan", "judul", "tanggal_kejadian", "tujuan", "konfirmasi"}


def _for_another_step(
    dispatcher: CollectingDispatcher, message: CitizenMessage, requested: str, tracker: Tracker
) -> Optional[list]:
    """An answer that plainly belongs to another step ("ga jadi pake foto" at the location step) is
    applied there, and the step asked is asked again."""
    steps = steps_for(tracker)
    if requested == "isi" or len(message.plain.split()) > ANOTHER_STEP_MOST_WORDS:
        return None
    if requested != "lampiran_selesai" and "lampiran_selesai" in steps and says_no_evidence(message):
        # No more evidence; what was already sent stays attached (the summary can change it).
        count = len(tracker.get_slot("lampiran") or [])
        note = texts.NO_MORE_EVIDENCE.format(count=count) if count else texts.NO_EVIDENCE_NOTED
        dispatcher.utter_message(text=note)
        return [SlotSet("lampiran_selesai", True)]
    if requested not in _DATE_NOT_FOR and "tanggal_kejadian" in steps and (day := only_a_date(message)):
        dispatcher.utter_message(text=texts.DATE_NOTED.format(day=format_date(date.fromisoformat(day))))
        return [SlotSet("tanggal_kejadian", day), SlotSet("tanggal_lama", None)]
    return None


def _date_corrected(
    dispatcher: CollectingDispatcher, message: CitizenMessage, requested: str, tracker: Tracker
) -> Optional[list]:
    """A date correction said at a later step ("eh tanggalnya salah, maksud saya kemarin" at the evidence
    step) changes the date, and the step is asked again; at the story's summary (catatan), the date it
    shows to confirm."""
    if requested in ("isi", "tanggal_kejadian") or "tanggal_kejadian" not in steps_for(tracker):
        return None
    if not (told := date_corrected(message, free_text=requested in ("judul", "tujuan"))):
        return None
    day, said = told
    dispatcher.utter_message(text=texts.DATE_NOTED.format(day=format_date(date.fromisoformat(day))))
    if requested == "catatan":
        noted = {**(tracker.get_slot("catatan_awal") or {}), "tanggal_kejadian": day, "tanggal_teks": said}
        return [SlotSet("catatan_awal", noted)]
    return [SlotSet("tanggal_kejadian", day), SlotSet("tanggal_lama", None)]


def _told_in_story(step: str, tracker: Tracker) -> Optional[str]:
    """The value of a step the story told (what report/noted.py found in it), else None."""
    noted = tracker.get_slot("catatan_awal") or {}
    if step == "tanggal_kejadian" and not noted.get(step):
        told = date_told(tracker.get_slot("isi") or "")
        return told[0] if told else None
    return noted.get(step)


async def _kind_changed(tracker: Tracker, kind: str, requested: str) -> list[EventType]:
    """The draft as the other kind of report: the story and every answer given are kept; the steps only
    the new kind asks are asked next ("eh ini jadiin pengaduan aja deh": never a cancel)."""
    slots: Slots = {"classification": kind, "konfirmasi": None, "sedang_ubah": None, "gagal": None}
    before = tracker.get_slot("classification")
    for step in FORM_STEPS:
        value = None if step == requested else tracker.get_slot(step)  # the step's candidate is this message
        if step not in STEPS[kind]:
            # A fact already given (a date, a place, a category, the evidence) is kept, never lost.
            if value is None or step in ("catatan", "tujuan"):
                slots[step] = NOT_ASKED
        elif value == NOT_ASKED and step not in STEPS.get(before, []):
            slots[step] = None  # asked now (a story with nothing to confirm stays not asked)
    if before == INFORMASI:
        slots["judul"] = None  # "Permintaan informasi: ..." is no title for a report
    story = tracker.get_slot("isi")
    if story and INFORMASI in (before, kind):
        # A request has its own title and purpose, a report its title suggestion and what the story
        # told; between pengaduan and aspirasi both stay as they are.
        tracker.slots.update(slots)
        slots |= await story_slots(story, tracker, again=True)
    return [SlotSet(slot, value) for slot, value in slots.items()]


def changed_title(text: str) -> Optional[str]:
    """X of "judulnya ganti jd X", else None."""
    found = TITLE_CHANGE.search(text)
    return (found["title"] or found["title2"]).strip(" \"'.")[:150] if found else None


def _is_small_talk(message: CitizenMessage, requested: str) -> bool:
    """A short remark to the assistant that names no public problem, and is no answer the step reads."""
    if message.intent not in ("out_of_scope", "nlu_fallback", "thank", "goodbye"):
        return False
    if len(message.plain.split()) > SMALL_TALK_MOST_WORDS or not _TO_THE_ASSISTANT.search(message.plain):
        return False
    if requested == "tanggal_kejadian" and parse_incident_date(message.text).value:
        return False
    return find_topic(message.text) is None


def _count_failure(
    dispatcher: CollectingDispatcher, tracker: Tracker, step: str, complained: bool
) -> list[EventType]:
    """A step answered but not taken twice in a row gets an example and a way out."""
    failed = complained and tracker.get_slot(step) is None and tracker.get_slot("requested_slot") == step
    if not failed:
        return [SlotSet("gagal", None)] if tracker.get_slot("gagal") else []
    before = tracker.get_slot("gagal") or {}
    count = before.get("count", 0) + 1 if before.get("step") == step else 1
    if count >= 2 and step in texts.STUCK:
        dispatcher.utter_message(text=texts.STUCK_INTRO + texts.STUCK[step], buttons=_ways_out(tracker, step))
        count = 0
    return [SlotSet("gagal", {"step": step, "count": count})]


def _ways_out(tracker: Tracker, step: str) -> list[dict[str, str]]:
    buttons = []
    if step in ("lokasi", "lampiran_selesai"):
        buttons.append(SKIP_BUTTON)
    if step == "judul" and tracker.get_slot("judul_saran"):
        buttons.append({"title": texts.USE_TITLE, "payload": "/affirm"})
    if step == "tanggal_kejadian":
        buttons.append({"title": texts.FORGOT_DATE, "payload": "lupa"})
    if step in ("kategori", "instansi"):
        buttons.append(ADMIN_BUTTON)
    return buttons + [{"title": texts.ASK_OFFICER, "payload": "/human_handoff"}]


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
    """The choice a button (its path) or a typed answer names; a name several choices share names none."""
    said = reply.plain
    by_path = [c for c in choices if CitizenMessage("", c["path"]).plain == said]
    by_name = [c for c in choices if CitizenMessage("", c["name"]).plain == said]
    if by_path or len(by_name) == 1:
        return (by_path or by_name)[0]
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
