"""Checking post images with Pillow before the platform stores and serves them."""

import io

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# Pillow format name -> the file suffix the platform stores it under (and serves it as).
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
MAX_PIXELS = 40_000_000  # 40 megapixels, far beyond any card, far below a decompression bomb


class ImageInvalid(ValueError):
    """The bytes are not an image the platform accepts; the message says why."""


def image_max_bytes() -> int:
    return int(getattr(settings, "CONTENT_IMAGE_MAX_BYTES", 5_000_000))


def image_check(data: bytes) -> str:
    """Return the suffix to store an image under, or raise ImageInvalid."""
    if len(data) > image_max_bytes():
        raise ImageInvalid(
            _("The image is larger than %(size)s MB.") % {"size": image_max_bytes() // 1_000_000}
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageInvalid(_("This file is not an image that can be shown.")) from None
    if kind not in FORMATS:
        raise ImageInvalid(_("Use a JPEG, PNG, GIF or WebP image."))
    if width * height > MAX_PIXELS:
        raise ImageInvalid(_("The image has too many pixels."))
    return FORMATS[kind]
