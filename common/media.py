"""Evidence files (photos, videos, voice notes and audio, PDF and office documents) that citizens send,
kept until they join a report.

Both chat channels download a file as soon as it arrives (WhatsApp media URLs expire) and hand the
bytes to `MediaStore.save`. The store trusts nothing the platform or the citizen declares: the type
is read from the bytes themselves and checked against an allow-list, the size is limited, and the
file is named by its content (`<sha256>.<ext>`), so no name from outside ever becomes a path.
The action server later finds a file with `MediaStore(root).path_for(ref)` to upload it to LAPOR;
`cleanup` removes every file some time after it last arrived (retention: docs/operations.md), and
`discard(ref)` at once when the citizen asks for their data to be erased.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import filetype
import redis

from common import keys
from common.images import without_metadata

# Extensions as `filetype` names what the bytes are; the types LAPOR takes (models.ATTACHMENT_TYPES).
PHOTOS, VIDEOS = ("jpg", "png"), ("mp4", "mov")
# Voice notes: Ogg/Opus (WhatsApp, Telegram), AAC/AMR/M4A (older phones, iPhones); audio files: MP3.
AUDIO = ("ogg", "aac", "amr", "m4a", "mp3")
DOCUMENTS = ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods")
DEFAULT_ALLOWED = PHOTOS + VIDEOS + AUDIO + DOCUMENTS
DEFAULT_MAX_BYTES = 20_000_000
_REF = re.compile(r"[0-9a-f]{64}\.[a-z0-9]{1,8}")
_SUBMITTED = "submitted"
_TMP_PREFIX = ".tmp-"

TOO_LARGE = "Maaf, berkas Anda terlalu besar (maksimal {limit} MB). Mohon kirim berkas yang lebih kecil."
NOT_ALLOWED = (
    "Maaf, jenis berkas ini tidak dapat kami terima. Kirim foto (JPG/PNG), video (MP4/MOV), pesan suara, "
    "PDF, atau dokumen Word/Excel/PowerPoint."
)
EMPTY = "Maaf, berkas yang Anda kirim kosong. Mohon kirim ulang."


VOLUME_MARKER = ".lapor-volume"  # not a ref: `cleanup` leaves it alone


class MediaNotShared(Exception):
    """This process's MEDIA_DIR is not the directory the other processes share."""


def require_shared_volume(redis_url: str, root: Path, wait_seconds: float = 60.0) -> None:
    """Refuses to start a gateway, action server or notifier whose MEDIA_DIR is not the one shared
    volume (docs/operations.md, "Media"): evidence one gateway received must be readable by whichever
    action server or notifier sends the report. The first process to start names the volume: a
    random id in a marker file there and in Redis. A process finding another id, or none while Redis
    knows one, is on a directory of its own. Waits up to `wait_seconds` for Redis."""
    client = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
    marker = root / VOLUME_MARKER
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                known = client.get(keys.MEDIA_VOLUME)
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1.0)
        if known is None:
            if not marker.exists():
                root.mkdir(mode=0o700, parents=True, exist_ok=True)
                with contextlib.suppress(FileExistsError):  # another process named it just now
                    with os.fdopen(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
                        f.write(uuid.uuid4().hex)
            client.set(keys.MEDIA_VOLUME, marker.read_text().strip(), nx=True)
            known = client.get(keys.MEDIA_VOLUME)
    finally:
        client.close()
    mine = marker.read_text().strip() if marker.exists() else None
    if mine != known.decode():
        raise MediaNotShared(
            f"MEDIA_DIR {root} is not the media directory the other services share (its {VOLUME_MARKER} "
            f"{'differs' if mine else 'is missing'}): mount the shared volume there "
            "(docs/operations.md, Media)"
        )


class MediaRefused(Exception):
    """A file the store will not keep; `reason` is the Indonesian explanation for the citizen."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StoredMedia:
    ref: str
    filename: str
    content_type: str
    size: int
    sha256: str

    def to_json(self) -> dict[str, object]:
        """The attachment as the gateway → Rasa contract carries it."""
        return asdict(self)


class MediaStore:
    def __init__(
        self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES, allowed: Iterable[str] = DEFAULT_ALLOWED
    ) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.allowed = frozenset(allowed)

    def check_size(self, size: int | None) -> None:
        """Refuses a file by its declared size before it is downloaded (None: unknown, let it come)."""
        if size is not None and size > self.max_bytes:
            raise MediaRefused(TOO_LARGE.format(limit=_megabytes(self.max_bytes)))

    async def save(self, data: bytes, filename: str | None = None) -> StoredMedia:
        """Checks and keeps the file; raises MediaRefused with the reason for the citizen."""
        # In one thread: an image's re-encoding and the write would block the event loop, and each hop to a
        # thread costs more than the checks around them.
        return await asyncio.to_thread(self.keep, data, filename)

    def keep(self, data: bytes, filename: str | None = None) -> StoredMedia:
        """`save` for a caller in a thread already. Blocking (decoding, file system)."""
        if not data:
            raise MediaRefused(EMPTY)
        self.check_size(len(data))
        kind = filetype.guess(data)
        if kind is None or kind.extension not in self.allowed:
            raise MediaRefused(NOT_ALLOWED)
        data = without_metadata(data, kind.extension)
        sha256 = hashlib.sha256(data).hexdigest()
        ref = f"{sha256}.{kind.extension}"
        self._write(ref, data)
        return StoredMedia(ref, _clean_filename(filename, kind.extension), kind.mime, len(data), sha256)

    def path_for(self, ref: str) -> Path:
        """Where the file named `ref` lives; ValueError for anything that is not a content address."""
        if not isinstance(ref, str) or not _REF.fullmatch(ref):
            raise ValueError("not a media reference")
        return self.root / ref

    def discard(self, ref: str) -> None:
        """Deletes the file: LAPOR has it now, or the citizen asked for their data to be erased."""
        self.path_for(ref).unlink(missing_ok=True)
        (self.root / _SUBMITTED / ref).unlink(missing_ok=True)  # a marker older versions kept

    def cleanup(self, max_age_seconds: float) -> int:
        """Deletes files older than `max_age_seconds`; returns how many. Files that joined a report were
        deleted when LAPOR took them; those older versions kept (marked as submitted) go now too.

        Blocking (file system); the gateway runs it in a thread.
        """
        cutoff = time.time() - max_age_seconds
        removed = 0
        for path in self.root.glob("*") if self.root.is_dir() else ():
            is_ours = _REF.fullmatch(path.name) or path.name.startswith(_TMP_PREFIX)
            if is_ours and path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                (self.root / _SUBMITTED / path.name).unlink(missing_ok=True)
                removed += 1
        return removed

    def _write(self, ref: str, data: bytes) -> None:
        path = self.path_for(ref)
        if path.exists():
            os.utime(path)  # the same file sent again: it is fresh again for `cleanup`
            return
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self.root / f"{_TMP_PREFIX}{uuid.uuid4().hex}"
        # Evidence (ID photos among it) is readable by the assistant's user only, whatever the umask.
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
            file.write(data)
        os.replace(tmp, path)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g}".replace(".", ",")


def _clean_filename(name: str | None, extension: str) -> str:
    """A display name for LAPOR: the citizen's own name without directories or odd characters,
    and with the extension of what the file really is."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^\w\- ]+", "_", stem).strip(" _-")[:80]
    return f"{stem or 'lampiran'}.{extension}"
