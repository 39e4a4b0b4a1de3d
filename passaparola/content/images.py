"""Checking post images before the platform stores and serves them (the checks live in
lib.images, shared with the programme's logo)."""

from django.conf import settings
from django.utils.translation import gettext as _

from passaparola.lib.images import ImageInvalid, image_inspect


def image_max_bytes() -> int:
    return int(getattr(settings, "CONTENT_IMAGE_MAX_BYTES", 5_000_000))


def image_check(data: bytes) -> str:
    """Return the suffix to store an image under, or raise ImageInvalid."""
    if len(data) > image_max_bytes():
        raise ImageInvalid(
            _("The image is larger than %(size)s MB.") % {"size": image_max_bytes() // 1_000_000}
        )
    return image_inspect(data)
