"""Checking and shrinking uploaded images: every mode Pillow reads comes out as a small image
a browser shows, transparency kept."""

import io

from django.test import SimpleTestCase
from PIL import Image

from passaparola.lib.images import MAX_PIXELS, ImageInvalid, image_inspect, image_shrink


def encoded(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


class ImageShrinkTests(SimpleTestCase):
    def test_every_common_mode_comes_out_small_and_readable(self) -> None:
        palette = Image.new("P", (900, 300), 0)
        palette.putpalette([255, 255, 255, 200, 30, 30] + [0, 0, 0] * 254)
        palette.paste(1, (300, 0, 600, 300))
        cases = {
            "transparent GIF": (encoded(palette, "GIF", transparency=0), "RGBA"),
            "grey PNG with alpha": (encoded(Image.new("LA", (900, 300)), "PNG"), "RGBA"),
            "16-bit grey PNG": (encoded(Image.new("I;16", (900, 300)), "PNG"), "RGB"),
            "CMYK JPEG": (encoded(Image.new("CMYK", (900, 300)), "JPEG"), "RGB"),
            "WebP": (encoded(Image.new("RGBA", (900, 300)), "WEBP"), "RGBA"),
        }
        for name, (data, mode) in cases.items():
            with self.subTest(name):
                small, suffix = image_shrink(data, max_side=300)
                with Image.open(io.BytesIO(small)) as image:
                    self.assertEqual((image.mode, image.size), (mode, (300, 100)))
                    self.assertEqual(suffix, ".jpg" if image.format == "JPEG" else ".png")

    def test_the_transparent_colour_of_a_gif_stays_transparent(self) -> None:
        palette = Image.new("P", (90, 30), 0)
        palette.putpalette([255, 255, 255, 200, 30, 30] + [0, 0, 0] * 254)
        palette.paste(1, (30, 0, 60, 30))

        small, _suffix = image_shrink(encoded(palette, "GIF", transparency=0), max_side=90)

        with Image.open(io.BytesIO(small)) as image:
            self.assertEqual(image.getpixel((5, 5)), (255, 255, 255, 0))
            self.assertEqual(image.getpixel((45, 15)), (200, 30, 30, 255))

    def test_a_small_image_is_not_enlarged(self) -> None:
        small, _suffix = image_shrink(encoded(Image.new("RGB", (40, 20)), "PNG"), max_side=512)

        with Image.open(io.BytesIO(small)) as image:
            self.assertEqual(image.size, (40, 20))

    def test_too_many_pixels_or_no_image_is_refused_before_decoding(self) -> None:
        side = int(MAX_PIXELS**0.5) + 1
        # A 1-bit image this size costs a few MB to draw and compresses to almost nothing.
        bomb = encoded(Image.new("1", (side, side)), "PNG")
        for data in (bomb, b"", b"GIF89a", b"<svg/>"):
            with self.subTest(data[:8]), self.assertRaises(ImageInvalid):
                image_shrink(data, max_side=512)
        with self.assertRaisesMessage(ImageInvalid, f"{side} by {side} pixels"):
            image_inspect(bomb)
