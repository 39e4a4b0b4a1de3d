"""Checking uploaded images with Pillow, and redrawing them small, before the platform stores
and serves them."""

import io

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name -> the file suffix the platform stores it under (and serves it as).
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
MAX_PIXELS = 40_000_000  # 40 megapixels, far beyond any card, far below a decompression bomb
UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError)


class ImageInvalid(ValueError):
    """The bytes are not an image the platform accepts; the message says why."""


def _too_many_pixels(width: int, height: int) -> ImageInvalid:
    return ImageInvalid(
        _("The image is %(width)s by %(height)s pixels; use one of at most %(limit)s megapixels.")
        % {"width": width, "height": height, "limit": MAX_PIXELS // 1_000_000}
    )


def image_inspect(data: bytes) -> str:
    """Return the suffix to store an image under, or raise ImageInvalid: not an image, in a
    format browsers may not show, or with more pixels than MAX_PIXELS (a decompression bomb)."""
    try:
        # Opening reads the header only: the size is known before a pixel is decoded.
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _too_many_pixels(width, height)
            image.verify()
    except Image.DecompressionBombError:
        raise ImageInvalid(_("The image has too many pixels.")) from None
    except ImageInvalid:
        raise
    except UNREADABLE:
        raise ImageInvalid(_("This file is not an image that can be shown.")) from None
    if kind not in FORMATS:
        raise ImageInvalid(_("Use a JPEG, PNG, GIF or WebP image."))
    return FORMATS[kind]


def image_shrink(data: bytes, *, max_side: int) -> tuple[bytes, str]:
    """Return an image redrawn to at most `max_side` pixels on its long side, upright and
    without metadata, with its suffix: a photo stays JPEG, anything else becomes a PNG (which
    keeps transparency). Raise ImageInvalid as image_inspect does."""
    image_inspect(data)
    try:
        with Image.open(io.BytesIO(data)) as original:
            kind = original.format
            # Only the first frame of an animation: a logo stands still.
            image = ImageOps.exif_transpose(original)
            has_alpha = "A" in image.getbands() or "transparency" in image.info
            image = image.convert("RGBA" if has_alpha and kind != "JPEG" else "RGB")
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    except UNREADABLE:
        raise ImageInvalid(_("This file is not an image that can be shown.")) from None
    # EXIF (camera, place), ICC profile and text chunks stay behind.
    image.info = {}
    buffer = io.BytesIO()
    if kind == "JPEG":
        image.save(buffer, format="JPEG", quality=88, optimize=True)
        return buffer.getvalue(), ".jpg"
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), ".png"


def image_icon(data: bytes, *, side: int) -> bytes:
    """Return an image as a square PNG icon of `side` pixels, centred on a transparent ground
    (a wide logo is not squashed). Raise ImageInvalid as image_inspect does."""
    small, _suffix = image_shrink(data, max_side=side)
    with Image.open(io.BytesIO(small)) as image:
        square = Image.new("RGBA", (side, side), (0, 0, 0, 0))
        drawn = image.convert("RGBA")
        square.paste(drawn, ((side - drawn.width) // 2, (side - drawn.height) // 2))
    buffer = io.BytesIO()
    square.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
