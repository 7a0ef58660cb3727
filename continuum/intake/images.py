"""Photos sent with a tip lose every piece of metadata before anything is stored (SECURITY.md 16).

A phone photo carries where it was taken (EXIF GPS), when, and with which device; a sender may
not know. The image is opened with Pillow, turned upright by its EXIF orientation, and its pixels
are copied into a brand-new image, which is encoded again without EXIF, XMP, ICC profile or any
other chunk. Only that new file is kept; the upload is never written anywhere by this module.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024
# 40 megapixels: larger than any phone photo, far below what would exhaust memory. Pillow's own
# guard (Image.MAX_IMAGE_PIXELS) is turned into an error as well, below.
MAX_PIXELS = 40_000_000

# Pillow format -> (file extension, save options). Only these are accepted.
FORMATS: dict[str, tuple[str, dict[str, object]]] = {
    "JPEG": ("jpg", {"quality": 90, "optimize": True}),
    "PNG": ("png", {"optimize": True}),
    "WEBP": ("webp", {"quality": 90}),
}


class ImageRefused(ValueError):
    """The file is not an image we accept; the message is for the sender, in their language."""


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    extension: str
    width: int
    height: int


def _refuse_unreadable() -> ImageRefused:
    return ImageRefused(_("We could not read this file as a photo. Please send a JPEG, PNG or WebP image."))


def _open(upload: IO[bytes]) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; both are refusals.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in FORMATS:
                raise _refuse_unreadable()
            if image.width * image.height > min(MAX_PIXELS, Image.MAX_IMAGE_PIXELS or MAX_PIXELS):
                raise ImageRefused(_("This photo is too large. Please send a smaller one."))
            image.load()  # decodes the pixels: a broken file fails here, not later
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(_("This photo is too large. Please send a smaller one.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse_unreadable() from None
    return image


def _plain_mode(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when there is transparency; L and LA stay grey. Palettes and 16-bit go away."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def strip_metadata(upload: IO[bytes], size: int | None = None) -> CleanImage:
    """The upload re-encoded from its pixels alone, upright, without any metadata.

    Raises ImageRefused with a message for the sender when the file is too big, not an image,
    not JPEG/PNG/WebP, or too many pixels."""
    if size is not None and size > MAX_BYTES:
        raise ImageRefused(_("This photo is larger than 8 MB. Please send a smaller one."))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImageRefused(_("This photo is larger than 8 MB. Please send a smaller one."))
    image = _open(io.BytesIO(data))
    source_format = str(image.format)
    extension, options = FORMATS[source_format]
    try:
        upright = ImageOps.exif_transpose(image)  # orientation applied to the pixels themselves
        plain = _plain_mode(upright)
        if source_format == "JPEG" and plain.mode in ("RGBA", "LA"):
            plain = plain.convert("RGB")
        # A new image from the raw pixels: nothing of the original's `info` comes with it.
        fresh = Image.frombytes(plain.mode, plain.size, plain.tobytes())
        out = io.BytesIO()
        fresh.save(out, format=source_format, **options)
    except (OSError, ValueError) as exc:
        raise _refuse_unreadable() from exc
    finally:
        image.close()
    return CleanImage(content=out.getvalue(), extension=extension, width=fresh.width, height=fresh.height)
