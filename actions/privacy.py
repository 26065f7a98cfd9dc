"""A citizen's request to erase their data (UU PDP 27/2022): what to erase is common/erasure.py; the
conversation goes when Rasa saves this turn (bot/rasa_server/stores.py)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clients
from common import erasure

ERASED = "Data Anda di asisten ini sudah dihapus: percakapan, daftar laporan, langganan kabar, dan berkas."
UNSENT_DROPPED = "{count} laporan yang belum terkirim ke LAPOR! ikut dibatalkan."
STAYS_IN_LAPOR = (
    "Laporan yang sudah masuk LAPOR! tetap tersimpan di sana. Untuk menanyakan atau meminta "
    "penghapusannya, hubungi LAPOR! di lapor.go.id atau SMS 1708."
)


class DeleteMyData(Action):
    def name(self) -> str:
        return "action_delete_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dropped = await erasure.erase(clients.redis(), clients.media(), tracker.sender_id)
        lines = [ERASED, *([UNSENT_DROPPED.format(count=dropped)] if dropped else []), STAYS_IN_LAPOR]
        dispatcher.utter_message(text="\n\n".join(lines))
        # The slots of this turn go too; the stored conversation is cut here (the tracker store).
        return [AllSlotsReset(), ActiveLoop(None)]
