"""The report form's questions that depend on the draft: the title suggestion, dates, places, evidence,
routing and the summary (Rasa calls `action_ask_<step>`)."""

from __future__ import annotations

from datetime import date

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import clients
from actions.asking import Question
from actions.report import texts
from actions.report.dates import format_date
from actions.report.draft import needs_number_warning, summary
from actions.report.form import ADMIN_BUTTON, SKIP_BUTTON, as_buttons
from actions.report.places import region_named_in
from actions.report.routing import suggest_agency, suggest_category
from actions.report.steps import (
    ASPIRASI,
    LEFT_AS_IS,
    MADE_CONFIDENTIAL,
    MASK,
    MAX_ATTACHMENTS,
    SAFER_PRIVACY,
    steps_for,
)
from lapor_client.errors import LaporError
from lapor_client.models import Category


class AskCatatan(Question):
    """What the opening story told, confirmed in one step: "Saya catat: ... Benar?"."""

    slot = "catatan"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        noted, steps = tracker.get_slot("catatan_awal") or {}, steps_for(tracker)
        shown = {"judul": tracker.get_slot("judul") or tracker.get_slot("judul_saran")}
        if noted.get("tanggal_kejadian"):
            day = format_date(date.fromisoformat(noted["tanggal_kejadian"]))
            shown["tanggal_kejadian"] = f"{noted['tanggal_teks']} ({day})"
        if noted.get("lokasi"):
            shown["lokasi"] = f"{noted['lokasi']} ({noted['lokasi_wilayah']})"
        shown["kategori"], shown["instansi"] = noted.get("kategori_nama"), noted.get("instansi_nama")
        lines = [
            texts.NOTED_LINE.format(label=texts.NOTED_LABELS[step], value=value)
            for step, value in shown.items()
            if value and step in steps
        ]
        dispatcher.utter_message(
            text=texts.NOTED.format(lines="\n".join(lines)),
            buttons=as_buttons((texts.NOTED_RIGHT, "/affirm"), (texts.NOTED_CHANGE, "/deny")),
        )
        return []


class AskJudul(Question):
    slot = "judul"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        suggestion = tracker.get_slot("judul_saran")
        if suggestion:
            dispatcher.utter_message(
                text=texts.TITLE_SUGGESTED.format(title=suggestion),
                buttons=as_buttons((texts.USE_TITLE, "/affirm")),
            )
        else:
            dispatcher.utter_message(text=texts.ASK_TITLE)
        return []


class AskTanggalKejadian(Question):
    slot = "tanggal_kejadian"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        old = tracker.get_slot("tanggal_lama")
        if old:
            dispatcher.utter_message(
                text=texts.DATE_VERY_OLD.format(day=format_date(date.fromisoformat(old))),
                buttons=as_buttons((texts.DATE_RIGHT, "/affirm"), (texts.CHANGE_DATE, "/deny")),
            )
        else:
            dispatcher.utter_message(
                text=texts.ASK_DATE,
                buttons=as_buttons((texts.TODAY, "hari ini"), (texts.YESTERDAY, "kemarin")),
            )
        return []


class AskLokasi(Question):
    slot = "lokasi"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        pending = tracker.get_slot("lokasi_pilihan")
        if pending:
            dispatcher.utter_message(
                text=texts.PLACE_AMBIGUOUS.format(typed=pending["text"]),
                # The path as payload: two "Sukamaju" are two villages, and each button must say which.
                buttons=[{"title": c["path"], "payload": c["path"]} for c in pending["choices"]]
                + as_buttons((texts.NONE_OF_THESE, "/deny")),
            )
        elif tracker.get_slot("classification") == ASPIRASI:
            dispatcher.utter_message(text=texts.ASK_REGION, buttons=[SKIP_BUTTON])
        else:
            dispatcher.utter_message(
                text=texts.ASK_PLACE,
                buttons=[SKIP_BUTTON],
                # The channels add their one-tap "send my location" button (docs/contracts.md).
                json_message={"request_location": True},
            )
        return []


class AskLampiranSelesai(Question):
    slot = "lampiran_selesai"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        count = len(tracker.get_slot("lampiran") or [])
        if not count:
            dispatcher.utter_message(
                text=texts.ASK_EVIDENCE.format(limit=MAX_ATTACHMENTS), buttons=[SKIP_BUTTON]
            )
        elif count < MAX_ATTACHMENTS:
            dispatcher.utter_message(
                text=texts.EVIDENCE_MORE.format(count=count), buttons=as_buttons((texts.DONE, "/affirm"))
            )
        else:
            dispatcher.utter_message(
                text=texts.EVIDENCE_FULL.format(count=count), buttons=as_buttons((texts.NEXT, "/affirm"))
            )
        return []


class AskKategori(Question):
    slot = "kategori"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        try:
            options = await clients.categories()
        except LaporError:
            options = []
        suggestion = tracker.get_slot("kategori_saran")
        parent = next((c for c in options if c.id == (suggestion or {}).get("parent_id")), None)
        if parent:  # a category with sub-categories was chosen
            _offer_subcategories(parent, options, dispatcher)
            return []
        if suggestion is None:  # not worked out yet ({} means the citizen wants the list)
            found = suggest_category(tracker.get_slot("isi") or "", options)
            suggestion = {"id": found.id, "name": found.name} if found else {}
        _offer("kategori", suggestion, [c for c in options if not c.parent_id], dispatcher)
        return [SlotSet("kategori_saran", suggestion)]


def _offer_subcategories(parent: Category, options: list[Category], dispatcher: CollectingDispatcher) -> None:
    """The sub-categories of the category chosen, and the category itself for what fits none of them."""
    buttons = [{"title": c.name, "payload": c.name} for c in options if c.parent_id == parent.id][:8]
    buttons.append({"title": texts.WHOLE_CATEGORY.format(name=parent.name), "payload": parent.name})
    dispatcher.utter_message(
        text=texts.WHICH_SUBCATEGORY.format(name=parent.name), buttons=buttons + [ADMIN_BUTTON]
    )


class AskInstansi(Question):
    slot = "instansi"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        # A permintaan informasi has no location step: the region it names decides the local bodies.
        region = tracker.get_slot("lokasi_kode") or region_named_in(tracker.get_slot("isi") or "")
        try:
            everything = await clients.agencies()
            local = await clients.agencies(region) if region else []
        except LaporError:
            everything, local = [], []
        suggestion = tracker.get_slot("instansi_saran")
        if suggestion is None:
            found = suggest_agency(tracker.get_slot("isi") or "", region, everything)
            suggestion = {"id": found.id, "name": found.name} if found else {}
        listed = local or [a for a in everything if not a.region_code]
        _offer(
            "instansi",
            suggestion,
            listed,
            dispatcher,
            optional=tracker.get_slot("classification") == ASPIRASI,
        )
        return [SlotSet("instansi_saran", suggestion)]


def _offer(
    slot: str, suggestion: dict, options: list, dispatcher: CollectingDispatcher, optional: bool = False
) -> None:
    if suggestion:
        text = texts.routing_suggested(slot, suggestion["name"])
        buttons = as_buttons(
            (texts.AGREE, "/affirm"), (texts.CHOOSE_OTHER.format(noun=texts.ROUTING_NOUNS[slot]), "/deny")
        )
    else:
        text = texts.choose_from_list(slot, optional)
        buttons = [{"title": o.name, "payload": o.name} for o in options[:8]]
    dispatcher.utter_message(text=text, buttons=buttons + [ADMIN_BUTTON])


class AskKonfirmasi(Question):
    slot = "konfirmasi"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        if tracker.get_slot("sedang_ubah"):
            labels = [texts.STEP_LABELS[s] for s in steps_for(tracker) if s in texts.STEP_LABELS]
            dispatcher.utter_message(
                text=texts.WHICH_PART,
                buttons=[{"title": label, "payload": f"ubah {label.lower()}"} for label in labels],
            )
            return []
        change = [(texts.CHANGE, "/deny"), (texts.CANCEL, "/cancel")]
        if not needs_number_warning(tracker):
            text, choices = texts.CONFIRM, [(texts.SEND, "/affirm")]
        elif (tracker.get_slot("privasi") or SAFER_PRIVACY) == "rahasia":
            text, choices = (
                texts.NUMBERS_IN_CONFIDENTIAL_REPORT,
                [(texts.SEND, "/affirm"), (texts.MASK_NUMBERS, MASK)],
            )
        else:
            text = texts.NUMBERS_IN_PUBLIC_REPORT
            choices = [
                (texts.MASK_NUMBERS, MASK),
                (texts.MAKE_CONFIDENTIAL, f"jadikan {MADE_CONFIDENTIAL}"),
                (texts.LEAVE_NUMBERS, LEFT_AS_IS),
            ]
        dispatcher.utter_message(
            text=text.format(summary=summary(tracker)), buttons=as_buttons(*choices, *change)
        )
        return []
