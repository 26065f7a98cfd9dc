"""A half-filled report survives a restart of every process: Redis (AOF), sandbox, action server,
Rasa and gateway are all stopped and started again on the same run directory."""

from __future__ import annotations

import uuid

import pytest
import requests

from bot.local.stack import Ports, Stack

pytestmark = pytest.mark.stack


def say(stack: Stack, user_id: str, text: str) -> str:
    body = {"user_id": user_id, "text": text, "message_id": uuid.uuid4().hex}
    auth = {"Authorization": f"Bearer {stack.secrets.console_token}"}
    answer = requests.post(f"{stack.gateway_url}/console/messages", json=body, headers=auth, timeout=120)
    answer.raise_for_status()
    return "\n".join(m.get("text", "") for m in answer.json()["messages"])


def test_a_half_filled_form_goes_on_after_every_process_restarted(tmp_path):
    ports = Ports.free()
    user_id = "warga-" + uuid.uuid4().hex[:8]
    first = Stack(ports, tmp_path, start_notifier=False)
    first.start(say=lambda line: None)
    try:
        say(first, user_id, "saya mau lapor jalan rusak")
        say(first, user_id, "Jalan di depan pasar Cicadas berlubang besar, motor sering jatuh")
        assert "Kapan kejadiannya" in say(first, user_id, "Jalan berlubang depan Pasar Cicadas")
    finally:
        first.stop()

    again = Stack(ports, tmp_path, start_notifier=False)
    again.start(say=lambda line: None)
    try:
        # The next answer is taken as the date and the form moves on to the place: what happened
        # and the title, given before the restart, were kept.
        assert "Di mana lokasinya" in say(again, user_id, "kemarin")
    finally:
        again.stop()
