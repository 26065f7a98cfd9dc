"""The report form's questions that depend on the draft: the title suggestion, dates, places, evidence,
routing and the summary (Rasa calls `action_ask_<step>`)."""

from __future__ import annotations

from datetime import date

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clients
from actions.report.dates import format_date
from actions.report.draft import summary
from actions.report.form import ADMIN_BUTTON, SKIP_BUTTON, STEP_LABELS, as_buttons
from actions.report.places import region_named_in
from actions.report.routing import suggest_agency, suggest_category
from actions.report.steps import ASPIRASI, MAX_ATTACHMENTS, steps_for
from lapor_client.errors import LaporError


class AskJudul(Action):
    def name(self) -> str:
        return "action_ask_judul"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        suggestion = tracker.get_slot("judul_saran")
        if suggestion:
            dispatcher.utter_message(
                text=f'Usulan judul: "{suggestion}"\nPakai judul ini, atau ketik judul lain.',
                buttons=as_buttons(("✅ Pakai judul ini", "/affirm")),
            )
        else:
            dispatcher.utter_message(
                text='Ketik judul singkat laporan Anda, misalnya "Jalan berlubang di Jl. Merdeka".'
            )
        return []


class AskTanggalKejadian(Action):
    def name(self) -> str:
        return "action_ask_tanggal_kejadian"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        old = tracker.get_slot("tanggal_lama")
        if old:
            dispatcher.utter_message(
                text=f"{format_date(date.fromisoformat(old))} sudah lebih dari setahun lalu. Tanggalnya sudah benar?",
                buttons=as_buttons(("✅ Ya, benar", "/affirm"), ("✏️ Ubah tanggal", "/deny")),
            )
        else:
            dispatcher.utter_message(
                text="Kapan kejadiannya? Misalnya: kemarin, 3 hari yang lalu, 17 Agustus, atau 15/11/2026.",
                buttons=as_buttons(("Hari ini", "hari ini"), ("Kemarin", "kemarin")),
            )
        return []


class AskLokasi(Action):
    def name(self) -> str:
        return "action_ask_lokasi"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        pending = tracker.get_slot("lokasi_pilihan")
        if pending:
            dispatcher.utter_message(
                text=f'"{pending["text"]}" bisa berarti beberapa wilayah. Yang mana?',
                buttons=[{"title": c["path"], "payload": c["name"]} for c in pending["choices"]]
                + as_buttons(("Bukan semuanya", "/deny")),
            )
        elif tracker.get_slot("classification") == ASPIRASI:
            dispatcher.utter_message(
                text="Untuk wilayah mana aspirasi ini? Sebutkan kabupaten/kota (opsional).",
                buttons=[SKIP_BUTTON],
            )
        else:
            dispatcher.utter_message(
                text="Di mana lokasinya? Kirim lokasi Anda, atau ketik alamat dengan kecamatan dan "
                'kabupaten/kota, misalnya "Jl. Merdeka, Sumur Bandung, Kota Bandung".',
                buttons=[SKIP_BUTTON],
                # The channels add their one-tap "send my location" button (docs/contracts.md).
                json_message={"request_location": True},
            )
        return []


class AskLampiranSelesai(Action):
    def name(self) -> str:
        return "action_ask_lampiran_selesai"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        count = len(tracker.get_slot("lampiran") or [])
        if not count:
            dispatcher.utter_message(
                text=f"Ada foto, video, atau dokumen sebagai bukti? Kirim di sini (maks. {MAX_ATTACHMENTS} berkas). "
                "Jika tidak ada, pilih Lewati.",
                buttons=[SKIP_BUTTON],
            )
        elif count < MAX_ATTACHMENTS:
            dispatcher.utter_message(
                text=f"Sudah {count} bukti. Kirim lagi, atau pilih Selesai.",
                buttons=as_buttons(("✅ Selesai", "/affirm")),
            )
        else:
            dispatcher.utter_message(
                text=f"Sudah {count} bukti (batas maksimal).", buttons=as_buttons(("✅ Lanjut", "/affirm"))
            )
        return []


class AskKategori(Action):
    def name(self) -> str:
        return "action_ask_kategori"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            options = await clients.categories()
        except LaporError:
            options = []
        suggestion = tracker.get_slot("kategori_saran")
        if suggestion is None:  # not worked out yet ({} means the citizen wants the list)
            found = suggest_category(tracker.get_slot("isi") or "", options)
            suggestion = {"id": found.id, "name": found.name} if found else {}
        _offer("kategori", suggestion, [c for c in options if not c.parent_id], dispatcher)
        return [SlotSet("kategori_saran", suggestion)]


class AskInstansi(Action):
    def name(self) -> str:
        return "action_ask_instansi"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
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
    noun = "kategori" if slot == "kategori" else "instansi"
    if suggestion:
        text = (
            f"Menurut saya, {'laporan ini masuk kategori' if slot == 'kategori' else 'yang berwenang adalah'}: "
            f"{suggestion['name']}. Setuju?"
        )
        buttons = as_buttons(("✅ Setuju", "/affirm"), (f"🔁 Pilih {noun} lain", "/deny"))
    else:
        text = (
            f"Pilih {noun} yang sesuai, ketik namanya, atau serahkan ke admin LAPOR! "
            f"({'tidak wajib' if optional else 'admin akan memilihkan'})."
        )
        buttons = [{"title": o.name, "payload": o.name} for o in options[:8]]
    dispatcher.utter_message(text=text, buttons=buttons + [ADMIN_BUTTON])


class AskKonfirmasi(Action):
    def name(self) -> str:
        return "action_ask_konfirmasi"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("sedang_ubah"):
            steps = [s for s in steps_for(tracker) if s in STEP_LABELS]
            dispatcher.utter_message(
                text="Bagian mana yang ingin diubah?",
                buttons=[
                    {"title": STEP_LABELS[s], "payload": f"ubah {STEP_LABELS[s].lower()}"} for s in steps
                ],
            )
            return []
        dispatcher.utter_message(
            text=summary(tracker) + "\n\nKirim laporan ini?",
            buttons=as_buttons(("✅ Kirim", "/affirm"), ("✏️ Ubah", "/deny"), ("❌ Batal", "/cancel")),
        )
        return []
