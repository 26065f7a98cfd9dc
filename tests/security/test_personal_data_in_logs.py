"""No personal data in any service's log (issue: "Only the reporter acts on a report"), even when a
conversation is full of NIKs, phone numbers and names and an action fails on a crafted event."""

from __future__ import annotations

import aiohttp
import pytest

from tests.support.console import Citizen

pytestmark = pytest.mark.stack

NIK, PHONE, NAME = "3273010101900001", "081234567890", "Sutrisno Wibowo"
PERSONAL = (NIK, PHONE, "+6281234567890", NAME, "Sutrisno", "Wibowo", "sutrisno.w@contoh.id")


async def test_no_nik_phone_name_or_sender_id_reaches_any_log(stack):
    async with aiohttp.ClientSession() as http:
        citizen = Citizen(http, stack)
        await citizen.says(
            f"saya {NAME} NIK {NIK} hp {PHONE} email sutrisno.w@contoh.id mau lapor jalan depan rumah "
            "saya di Jl. Merdeka Kota Bandung rusak parah dan berlubang besar"
        )
        await citizen.says(f"judulnya: {NAME} +6281234567890 lapor jalan rusak")
        await citizen.says("kemarin")
        # An event the notifier would never send, injected through Rasa's API as the notifier does:
        # its event id is not a number, which the actions must survive without echoing the tracker.
        url = f"{stack.rasa_url}/conversations/console:{citizen.user_id}/trigger_intent"
        body = {
            "name": "EXTERNAL_clarification_requested",
            "entities": {
                "tracking_id": "1234567",
                "lapor_event_id": "abc",
                "lapor_message": f"Bapak {NAME}?",
            },
        }
        async with http.post(url, json=body, params={"token": stack.env["RASA_TOKEN"]}) as resp:
            assert resp.status in (200, 500)
        await citizen.says(f"{NAME} {PHONE}")
    sender_ids = (f"console:{citizen.user_id}", citizen.user_id)
    logs = {path.name: path.read_text(errors="replace") for path in stack.logs_dir.glob("*.log")}
    assert {"gateway.log", "rasa.log", "action-server.log"} <= logs.keys()
    leaks = [(name, word) for name, text in logs.items() for word in PERSONAL + sender_ids if word in text]
    assert leaks == []
