"""Photos without their metadata: EXIF and PNG text chunks can hold the GPS position where a photo was
taken, the device and the time. On an *anonim* report, which is public, that could show where the
reporter lives, so every image is stored (and so sent to LAPOR) without them."""

from __future__ import annotations

import io
import logging

from PIL import Image, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

FORMATS = {"jpg": "JPEG", "png": "PNG"}


def without_metadata(data: bytes, extension: str) -> bytes:
    """The image re-encoded with its pixels only (upright, as its orientation tag said); other files, and
    an image that cannot be decoded, are returned unchanged."""
    image_format = FORMATS.get(extension)
    if image_format is None:
        return data
    try:
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            # Pillow writes no EXIF, XMP or text chunk unless asked to.
            upright.save(out, image_format, **({"quality": 92} if image_format == "JPEG" else {}))
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        log.warning("image kept as received, it could not be decoded: %s", type(exc).__name__)
        return data
