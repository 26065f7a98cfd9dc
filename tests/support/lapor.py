"""Small files whose content (magic bytes) says what they are, whatever their names say."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from lapor_client.models import Location, NewReport, Reporter

CONTENT = {
    "image/png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 200,
    "image/jpeg": b"\xff\xd8\xff\xe0" + b"\x00" * 200,
    "application/pdf": b"%PDF-1.4\n" + b"\x00" * 200,
    "video/mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 200,
    "image/gif": b"GIF89a" + b"\x00" * 200,
    "text/plain": "Ini bukan foto.\n".encode() * 10,
}


def write_sample(directory: Path, name: str, mime: str, size: int | None = None) -> Path:
    content = CONTENT[mime]
    if size is not None:
        content = content.ljust(size, b"\x00")
    path = directory / name
    path.write_bytes(content)
    return path


def new_report(**changes) -> NewReport:
    fields = dict(
        classification="pengaduan",
        title="Jalan berlubang di depan SDN 3",
        body="Jalan di depan SDN 3 berlubang besar sejak dua minggu, sudah ada pengendara motor yang jatuh.",
        incident_date=date.today() - timedelta(days=2),
        location=Location(lat=-6.9147, lon=107.6098, address="Jl. Merdeka, Bandung", region_code="32.73"),
        category_id="jalan-rusak",
        reporter=Reporter(name="Warga", channel="telegram", channel_user_id="12345"),
    )
    fields.update(changes)
    return NewReport(**fields)


async def feed_end(lapor) -> str | None:
    """The cursor after the last event of the feed (the session's sandbox holds every test's events)."""
    cursor = None
    async for _, cursor in lapor.iter_events(limit=500):
        pass
    return cursor
