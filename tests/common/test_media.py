"""The media store: type by magic bytes, size limits, content addresses, no path tricks, cleanup."""

from __future__ import annotations

import hashlib
import io
import os
import time

import pytest
from PIL import Image

from common.media import MediaRefused, MediaStore
from tests.support.gateway import SAMPLES


@pytest.fixture
def store(tmp_path) -> MediaStore:
    return MediaStore(tmp_path / "media", max_bytes=1000)


@pytest.mark.parametrize(
    "kind, mime",
    [("jpg", "image/jpeg"), ("png", "image/png"), ("pdf", "application/pdf"), ("mp4", "video/mp4")],
)
async def test_allowed_kinds_are_kept_under_their_content_address(store, kind, mime):
    stored = await store.save(SAMPLES[kind], "../../etc/Foto Jalan.exe")
    sha = hashlib.sha256(SAMPLES[kind]).hexdigest()
    assert stored.ref == f"{sha}.{kind}" and stored.sha256 == sha
    assert stored.content_type == mime and stored.size == len(SAMPLES[kind])
    assert stored.filename == f"Foto Jalan.{kind}"  # no directories; the extension of what it really is
    assert store.path_for(stored.ref).read_bytes() == SAMPLES[kind]


async def test_the_type_comes_from_the_bytes_not_the_name(store):
    with pytest.raises(MediaRefused) as refused:
        await store.save(SAMPLES["exe"], "foto.jpg")
    assert "tidak dapat kami terima" in refused.value.reason and "JPG" in refused.value.reason
    with pytest.raises(MediaRefused):
        await store.save(b"just some text, not a picture", "foto.png")
    assert not store.root.exists() or not any(store.root.iterdir())


async def test_size_limits_and_empty_files(store):
    with pytest.raises(MediaRefused) as refused:
        await store.save(SAMPLES["jpg"] + b"\x00" * 1000)
    assert "terlalu besar" in refused.value.reason and "0,001 MB" in refused.value.reason
    with pytest.raises(MediaRefused):
        store.check_size(1001)
    store.check_size(None)  # unknown: decided after download
    with pytest.raises(MediaRefused, match="kosong"):
        await store.save(b"")


async def test_the_same_file_twice_is_stored_once(store):
    first = await store.save(SAMPLES["pdf"], "a.pdf")
    second = await store.save(SAMPLES["pdf"], "b.pdf")
    assert first.ref == second.ref
    assert len(list(store.root.glob("*.pdf"))) == 1


@pytest.mark.parametrize(
    "ref",
    [
        "../secret",
        "a" * 64 + ".jpg/../../x",
        "/etc/passwd",
        "A" * 64 + ".jpg",
        "a" * 63 + ".jpg",
        "a" * 64,
        "a" * 64 + ".JPG",
        None,
        42,
    ],
)
def test_path_for_accepts_only_content_addresses(store, ref):
    with pytest.raises(ValueError):
        store.path_for(ref)


async def test_cleanup_removes_old_files_and_those_an_older_version_kept(store):
    old = await store.save(SAMPLES["jpg"])
    submitted = await store.save(SAMPLES["png"])
    fresh = await store.save(SAMPLES["pdf"])
    (store.root / "submitted").mkdir()
    (store.root / "submitted" / submitted.ref).touch()  # marked by an older version
    long_ago = time.time() - 8 * 24 * 3600
    for ref in (old.ref, submitted.ref):
        os.utime(store.path_for(ref), (long_ago, long_ago))
    assert store.cleanup(7 * 24 * 3600) == 2
    assert not store.path_for(old.ref).exists() and not store.path_for(submitted.ref).exists()
    assert not (store.root / "submitted" / submitted.ref).exists()
    assert store.path_for(fresh.ref).exists()


async def test_discard_deletes_the_file(store):
    stored = await store.save(SAMPLES["jpg"])
    store.discard(stored.ref)
    assert not store.path_for(stored.ref).exists()


async def test_sending_a_file_again_keeps_it_fresh(store):
    stored = await store.save(SAMPLES["jpg"])
    long_ago = time.time() - 8 * 24 * 3600
    os.utime(store.path_for(stored.ref), (long_ago, long_ago))
    await store.save(SAMPLES["jpg"])
    assert store.cleanup(7 * 24 * 3600) == 0


async def test_a_photo_is_kept_without_its_gps_position_device_or_time(tmp_path):
    photo = Image.new("RGB", (40, 30), "gray")
    exif = Image.Exif()
    exif[0x010F] = "HP Citizen"  # Make
    exif[0x0132] = "2026:11:30 07:15:00"  # DateTime
    exif[0x8825] = {1: "S", 2: (6.0, 54.0, 30.0), 3: "E", 4: (107.0, 36.0, 10.0)}  # GPS
    sent = io.BytesIO()
    photo.save(sent, "JPEG", exif=exif)
    assert b"HP Citizen" in sent.getvalue()

    stored = await MediaStore(tmp_path).save(sent.getvalue(), "lubang.jpg")
    kept = (tmp_path / stored.ref).read_bytes()
    assert b"HP Citizen" not in kept and b"Exif" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert image.size == (40, 30) and not image.getexif()
