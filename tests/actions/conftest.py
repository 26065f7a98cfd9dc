"""Fixtures for the action tests: a real LAPOR sandbox (subprocess on loopback), the test Redis, a
media store in a temporary folder, and helpers to build trackers and run actions as Rasa would."""

from __future__ import annotations

import uuid
from typing import Any, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import clients

DOMAIN: dict[str, Any] = {
    "forms": {
        "report_form": {
            "required_slots": [
                "isi",
                "judul",
                "tanggal_kejadian",
                "lokasi",
                "lampiran_selesai",
                "tujuan",
                "kategori",
                "instansi",
                "privasi",
                "konfirmasi",
            ]
        }
    },
    "slots": {},
}


@pytest.fixture
async def env(sandbox, redis_async, redis_url, tmp_path, monkeypatch):
    """The action server's environment, pointing at the sandbox and the test Redis (flushed)."""
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("LAPOR_BASE_URL", sandbox.url)
    monkeypatch.setenv("LAPOR_TOKEN", sandbox.token)
    monkeypatch.setenv("LAPOR_TIMEOUT", "2")
    monkeypatch.setenv("LAPOR_MAX_RETRIES", "1")
    monkeypatch.setenv("LAPOR_BACKOFF_BASE", "0.05")
    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "media"))
    await clients.reset()
    yield redis_async
    await clients.reset()


def make_tracker(
    slots: Optional[dict[str, Any]] = None,
    text: str = "",
    intent: str = "",
    entities: Optional[list[dict[str, Any]]] = None,
    metadata: Optional[dict[str, Any]] = None,
    sender: str = "console:warga-1",
    active_loop: Optional[str] = None,
) -> Tracker:
    """A tracker whose latest message is `text` (with the given intent, entities and metadata)."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "metadata": {"channel": "console", **(metadata or {})},
    }
    return Tracker(
        sender,
        dict(slots or {}),
        latest,
        [],
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def tracking_entity(value: str) -> list[dict[str, Any]]:
    return [{"entity": "tracking_id", "value": value}]


async def run(action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Runs an action; returns (events, messages)."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return events, dispatcher.messages


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def confirmed_pengaduan(**changes: Any) -> dict[str, Any]:
    """The slots of a pengaduan the citizen has just confirmed."""
    return {
        "classification": "pengaduan",
        "isi": "Jalan di depan rumah saya berlubang besar, motor sering jatuh.",
        "judul": "Jalan berlubang di Jl. Merdeka",
        "tanggal_kejadian": "2026-11-20",
        "lokasi": "Jl. Merdeka, Sumur Bandung, Kota Bandung",
        "lokasi_kode": "32.73.19",
        "lampiran": [],
        "lampiran_selesai": True,
        "kategori": "jalan-rusak",
        "kategori_nama": "Jalan Rusak",
        "instansi": "dpupr-kota-bandung",
        "instansi_nama": "Dinas PUPR Kota Bandung",
        "privasi": "rahasia",
        "konfirmasi": True,
        "idempotency_key": uuid.uuid4().hex,
        **changes,
    }
